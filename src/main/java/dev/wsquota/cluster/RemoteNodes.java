package dev.wsquota.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.map.IMap;
import dev.wsquota.quota.Delivery;
import dev.wsquota.util.LogSafe;
import dev.wsquota.quota.ManagerView;
import dev.wsquota.quota.OtherNodes;
import dev.wsquota.util.WeakLogger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import java.util.function.ToIntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Operations on a user's managers wherever in the cluster they are: each member acts on its own managers
 * (through Hazelcast's executor), and a member that does not answer in time is logged and left out.
 * Called on the operator's JMX threads and on admission's request threads, so every call goes through
 * {@link ForeignThreadCalls}.
 */
public final class RemoteNodes implements OtherNodes {

    static final String EXECUTOR = "wsquota-operations";
    /** How long an operator's cluster-wide operation waits for the members. */
    static final long OPERATOR_WAIT_MILLIS = 10_000;

    /**
     * How long a message waits for the other members' answers: a member slower than this is reported as
     * unreachable in the delivery, and the caller goes on.
     */
    static final long SEND_WAIT_MILLIS = 2_000;

    private static final Logger LOG = WeakLogger.of(RemoteNodes.class);

    private final HazelcastInstance hazelcast;
    private final IMap<String, Slots> slots;
    private final IExecutorService executor;

    RemoteNodes(HazelcastInstance hazelcast, IMap<String, Slots> slots) {
        this.hazelcast = hazelcast;
        this.slots = slots;
        this.executor = hazelcast.getExecutorService(EXECUTOR);
    }

    /** Lets the other members act on this node's managers; until then they get nothing from this node. */
    public void serve(LocalManagers local) {
        ForeignThreadCalls.run(() -> hazelcast.getUserContext().put(LocalManagers.USER_CONTEXT_KEY, local));
    }

    public void stopServing() {
        ForeignThreadCalls.run(() -> hazelcast.getUserContext().remove(LocalManagers.USER_CONTEXT_KEY));
    }

    /** The user's managers on every member, oldest first. */
    public List<ManagerView> list(String user) {
        List<ManagerView> rows = onAll(new OnMember.ListManagers(user), OPERATOR_WAIT_MILLIS, List.of(),
                (a, b) -> {
                    List<ManagerView> both = new ArrayList<>(a);
                    both.addAll(b);
                    return both;
                });
        return rows.stream().sorted(Comparator.comparingLong(ManagerView::openedAtMillis)).toList();
    }

    /** The users whose live slots across the cluster exceed their quota (after a healed split), sorted. */
    public Set<String> usersAboveQuota(ToIntFunction<String> limitFor) {
        return ForeignThreadCalls.call(() -> {
            long now = System.currentTimeMillis();
            Set<String> above = new TreeSet<>();
            for (Map.Entry<String, Slots> entry : slots.entrySet()) {
                if (entry.getValue().liveAt(now).size() > limitFor.applyAsInt(entry.getKey())) {
                    above.add(entry.getKey());
                }
            }
            return above;
        });
    }

    /**
     * The user's managers on every member, by member ({@code host:port} of its cluster address); a member that does
     * not answer in time is logged and left out, as in {@link #list}.
     */
    public Map<String, List<ManagerView>> listByNode(String user) {
        return ForeignThreadCalls.call(() -> {
            Map<Member, Future<List<ManagerView>>> answers =
                    executor.submitToAllMembers(new OnMember.ListManagers(user));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPERATOR_WAIT_MILLIS);
            Map<String, List<ManagerView>> byNode = new TreeMap<>();
            for (Map.Entry<Member, Future<List<ManagerView>>> answer : answers.entrySet()) {
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    byNode.put(MembershipWatcher.describe(answer.getKey()),
                            answer.getValue().get(left, TimeUnit.NANOSECONDS));
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    LOG.log(Level.WARNING, "cluster member " + MembershipWatcher.describe(answer.getKey())
                            + " did not answer within " + OPERATOR_WAIT_MILLIS + " ms; its managers are left out", e);
                }
            }
            return byNode;
        });
    }

    /** Closes every manager of the user on every member; returns how many. */
    public int disconnect(String user) {
        return onAll(new OnMember.ForUser(OnMember.ForUser.Action.DISCONNECT, user), OPERATOR_WAIT_MILLIS, 0,
                Integer::sum);
    }

    /** Closes (1008) the manager on whichever member holds it; its row, or empty if no member holds it. */
    public Optional<ManagerView> close(String managerId) {
        return Optional.ofNullable(onAll(new OnMember.Close(managerId, false), OPERATOR_WAIT_MILLIS, null,
                (a, b) -> a != null ? a : b));
    }

    /**
     * Sends the text to the user's managers on the other members that hold her slots in the ledger (not to every
     * member); a member that holds slots and is gone or does not answer in time counts as unreachable. If the ledger
     * cannot be read, every other member is asked.
     */
    public Delivery sendToUser(String user, String text) {
        return ForeignThreadCalls.call(() -> {
            Set<Member> others = otherMembers();
            Set<Member> targets;
            int gone = 0;
            try {
                Set<String> holders = new HashSet<>();
                for (Slot slot : slots.executeOnKey(user, new ReadSlots()).list()) {
                    holders.add(slot.memberId());
                }
                holders.remove(hazelcast.getCluster().getLocalMember().getUuid().toString());
                targets = new HashSet<>();
                for (Member member : others) {
                    if (holders.remove(member.getUuid().toString())) {
                        targets.add(member);
                    }
                }
                gone = holders.size(); // slots of members that left: purged soon, unreachable now
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not read the slots of " + LogSafe.user(user)
                        + " from the cluster; sending to every member", e);
                targets = others;
            }
            Delivery sent = targets.isEmpty() ? Delivery.NONE
                    : gatherDeliveries(executor.submitToMembers(
                            new OnMember.Send(OnMember.Send.Target.USER, user, text), targets));
            return sent.plus(new Delivery(0, 0, 0, gone));
        });
    }

    /** Sends the text to the manager on whichever other member holds it; empty if none does. */
    public Optional<Delivery> sendToManager(String managerId, String text) {
        return ForeignThreadCalls.call(() -> {
            Set<Member> others = otherMembers();
            if (others.isEmpty()) {
                return Optional.empty();
            }
            Delivery sent = gatherDeliveries(executor.submitToMembers(
                    new OnMember.Send(OnMember.Send.Target.MANAGER, managerId, text), others));
            return sent.nodes() == 0 ? Optional.empty() : Optional.of(sent);
        });
    }

    /** Sends the text to every manager on every other member. */
    public Delivery sendToEveryone(String text) {
        return ForeignThreadCalls.call(() -> {
            Set<Member> others = otherMembers();
            return others.isEmpty() ? Delivery.NONE : gatherDeliveries(executor.submitToMembers(
                    new OnMember.Send(OnMember.Send.Target.EVERYONE, null, text), others));
        });
    }

    private Set<Member> otherMembers() {
        return hazelcast.getCluster().getMembers().stream().filter(member -> !member.localMember())
                .collect(Collectors.toSet());
    }

    /** Adds up the members' deliveries; a member that fails or does not answer within the wait is one unreachable. */
    private Delivery gatherDeliveries(Map<Member, Future<Delivery>> answers) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SEND_WAIT_MILLIS);
        Delivery sum = Delivery.NONE;
        for (Map.Entry<Member, Future<Delivery>> answer : answers.entrySet()) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                Delivery part = answer.getValue().get(left, TimeUnit.NANOSECONDS);
                if (part != null) {
                    sum = sum.plus(part);
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                sum = sum.plus(new Delivery(0, 0, 0, 1));
                LOG.log(Level.WARNING, "cluster member " + MembershipWatcher.describe(answer.getKey())
                        + " did not take a message within " + SEND_WAIT_MILLIS + " ms; reported as unreachable", e);
            }
        }
        return sum;
    }

    /**
     * Asks every other member to probe the user's silent managers, within {@code waitMillis}; returns how many went.
     */
    @Override
    public int probe(String user, long waitMillis) {
        return ForeignThreadCalls.call(() -> probeOthers(user, waitMillis));
    }

    private int probeOthers(String user, long waitMillis) {
        Set<Member> others = hazelcast.getCluster().getMembers().stream().filter(member -> !member.localMember())
                .collect(Collectors.toSet());
        if (others.isEmpty()) {
            return 0;
        }
        return gather(executor.submitToMembers(new OnMember.ForUser(OnMember.ForUser.Action.PROBE, user), others),
                waitMillis, 0, Integer::sum);
    }

    /**
     * Closes (4001) the user's oldest manager in the cluster on the member that holds it, so a new connection can
     * take its slot; true if it was closed.
     */
    @Override
    public boolean evictOldest(String user, long waitMillis) {
        return ForeignThreadCalls.call(() -> evictOldestHere(user, waitMillis));
    }

    private boolean evictOldestHere(String user, long waitMillis) {
        Optional<Slot> oldest = slots.executeOnKey(user, new ReadSlots()).list().stream().findFirst();
        if (oldest.isEmpty()) {
            return false;
        }
        Optional<Member> owner = hazelcast.getCluster().getMembers().stream()
                .filter(member -> member.getUuid().toString().equals(oldest.get().memberId())).findFirst();
        if (owner.isEmpty()) {
            return false; // its member is gone: the purge or the lease frees the slot
        }
        try {
            return executor.submitToMember(new OnMember.Close(oldest.get().managerId(), true), owner.get())
                    .get(waitMillis, TimeUnit.MILLISECONDS) != null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, "could not evict the oldest manager " + oldest.get().managerId() + " on "
                    + MembershipWatcher.describe(owner.get()), e);
            return false;
        }
    }

    private <T> T onAll(OnMember<T> task, long waitMillis, T none, BinaryOperator<T> combine) {
        return ForeignThreadCalls.call(() -> gather(executor.submitToAllMembers(task), waitMillis, none, combine));
    }

    private <T> T gather(Map<Member, Future<T>> answers, long waitMillis, T none, BinaryOperator<T> combine) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        T result = none;
        for (Map.Entry<Member, Future<T>> answer : answers.entrySet()) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                result = combine.apply(result, answer.getValue().get(left, TimeUnit.NANOSECONDS));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.log(Level.WARNING, "cluster member " + MembershipWatcher.describe(answer.getKey())
                        + " did not answer within " + waitMillis + " ms; its managers are left out", e);
            }
        }
        return result;
    }
}
