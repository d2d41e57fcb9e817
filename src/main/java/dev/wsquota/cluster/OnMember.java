package dev.wsquota.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;

import dev.wsquota.quota.Delivery;
import dev.wsquota.quota.ManagerView;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A cluster-wide operation's part that runs on one member, against that member's own managers (found in its
 * Hazelcast user context). A member whose application has not registered them yet answers with nothing.
 */
abstract class OnMember<T> implements Callable<T>, Serializable, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    private transient HazelcastInstance member;

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    @Override
    public T call() {
        Object local = member.getUserContext().get(LocalManagers.USER_CONTEXT_KEY);
        return local instanceof LocalManagers managers ? on(managers) : nothing();
    }

    abstract T on(LocalManagers managers);

    abstract T nothing();

    static final class ListManagers extends OnMember<List<ManagerView>> {
        private static final long serialVersionUID = 1L;
        private final String user;

        ListManagers(String user) {
            this.user = user;
        }

        @Override
        List<ManagerView> on(LocalManagers managers) {
            return List.copyOf(managers.list(user));
        }

        @Override
        List<ManagerView> nothing() {
            return List.of();
        }
    }

    /** An action on one user's managers that answers how many it closed. */
    static final class ForUser extends OnMember<Integer> {

        enum Action { DISCONNECT, PROBE }

        private static final long serialVersionUID = 1L;
        private final Action action;
        private final String user;

        ForUser(Action action, String user) {
            this.action = action;
            this.user = user;
        }

        @Override
        Integer on(LocalManagers managers) {
            return action == Action.DISCONNECT ? managers.disconnect(user) : managers.probe(user);
        }

        @Override
        Integer nothing() {
            return 0;
        }
    }

    static final class Close extends OnMember<ManagerView> {
        private static final long serialVersionUID = 1L;
        private final String managerId;
        private final boolean evicted;

        Close(String managerId, boolean evicted) {
            this.managerId = managerId;
            this.evicted = evicted;
        }

        @Override
        ManagerView on(LocalManagers managers) {
            return managers.close(managerId, evicted);
        }

        @Override
        ManagerView nothing() {
            return null;
        }
    }

    /** Sends the application's message to this member's managers of a user, one manager, or all; null = none here. */
    static final class Send extends OnMember<Delivery> {

        enum Target { USER, MANAGER, EVERYONE }

        private static final long serialVersionUID = 1L;
        private final Target target;
        private final String key;
        private final String text;

        Send(Target target, String key, String text) {
            this.target = target;
            this.key = key;
            this.text = text;
        }

        @Override
        Delivery on(LocalManagers managers) {
            return switch (target) {
                case USER -> managers.sendToUser(key, text);
                case MANAGER -> managers.sendToManager(key, text);
                case EVERYONE -> managers.sendToEveryone(text);
            };
        }

        @Override
        Delivery nothing() {
            return null;
        }
    }
}
