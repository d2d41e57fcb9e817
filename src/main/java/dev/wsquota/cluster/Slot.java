package dev.wsquota.cluster;

import java.io.Serializable;

/**
 * One held slot in the cluster map: which manager, on which member, and until when its lease runs.
 *
 * @param managerId       the manager's id on its member
 * @param memberId        the owning Hazelcast member's UUID, as text
 * @param expiresAtMillis when the lease ends, on the clock of the partition owner that last wrote it
 */
record Slot(String managerId, String memberId, long expiresAtMillis) implements Serializable {

    boolean isOf(String member, String manager) {
        return memberId.equals(member) && managerId.equals(manager);
    }

    boolean expiredAt(long nowMillis) {
        return expiresAtMillis <= nowMillis;
    }

    Slot renewedUntil(long expiresAt) {
        return new Slot(managerId, memberId, expiresAt);
    }
}
