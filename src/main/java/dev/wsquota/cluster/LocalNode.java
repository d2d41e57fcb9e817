package dev.wsquota.cluster;

import dev.wsquota.quota.Delivery;
import dev.wsquota.quota.LocalMessages;
import dev.wsquota.quota.ManagerRegistry;
import dev.wsquota.quota.ManagerView;
import dev.wsquota.quota.ProbingAdmission;
import dev.wsquota.quota.ServerCloses;

import java.util.List;
import java.util.Optional;

/** This node's managers, as the other members act on them for a cluster-wide operation. */
public final class LocalNode implements LocalManagers {

    private final ManagerRegistry registry;
    private final ServerCloses actions;
    private final ProbingAdmission admission;
    /** Null where the node sends no messages (then other members get nothing from here). */
    private final LocalMessages messages;

    public LocalNode(ManagerRegistry registry, ServerCloses actions, ProbingAdmission admission) {
        this(registry, actions, admission, null);
    }

    public LocalNode(ManagerRegistry registry, ServerCloses actions, ProbingAdmission admission,
                        LocalMessages messages) {
        this.registry = registry;
        this.actions = actions;
        this.admission = admission;
        this.messages = messages;
    }

    @Override
    public Delivery sendToUser(String user, String text) {
        return messages == null ? Delivery.NONE : messages.toUser(user, text);
    }

    @Override
    public Delivery sendToManager(String managerId, String text) {
        return messages == null ? null : messages.toManager(managerId, text).orElse(null);
    }

    @Override
    public Delivery sendToEveryone(String text) {
        return messages == null ? Delivery.NONE : messages.toEveryone(text);
    }

    @Override
    public List<ManagerView> list(String user) {
        return ManagerView.rows(registry, user);
    }

    @Override
    public int disconnect(String user) {
        return actions.disconnectUser(user);
    }

    @Override
    public ManagerView close(String managerId, boolean evicted) {
        if (!evicted) {
            return actions.closeManager(managerId).orElse(null);
        }
        Optional<ManagerView> row = registry.find(managerId).map(manager -> ManagerView.rows(registry, manager.user())
                .stream().filter(view -> view.managerId().equals(managerId)).findFirst().orElse(null));
        return actions.evict(managerId) ? row.orElse(null) : null;
    }

    @Override
    public int probe(String user) {
        try {
            return admission.probeHere(user);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
