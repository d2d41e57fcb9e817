package dev.wsquota.cluster;

import java.io.Serializable;

/**
 * One held slot in the cluster map: which manager, on which member, and until when its lease runs.
 *
 * @param managerId       the manager's id on its member
 * @param memberId        the owning Hazelcast member's UUID, as text
 * @param expiresAtMillis when the lease ends, on the clock of the partition owner that last wrote it
 * @param claimSeq        the owning member's count of claims when it asked for this one (0: put back by a
 *                        renewal); its renewals drop only slots claimed before they looked at what it holds
 */
record Slot(String managerId, String memberId, long expiresAtMillis, long claimSeq) implements Serializable {

    Slot(String managerId, String memberId, long expiresAtMillis) {
        this(managerId, memberId, expiresAtMillis, 0);
    }

    boolean isOf(String member, String manager) {
        return memberId.equals(member) && managerId.equals(manager);
    }

    boolean expiredAt(long nowMillis) {
        return expiresAtMillis <= nowMillis;
    }

    Slot renewedUntil(long expiresAt) {
        return new Slot(managerId, memberId, expiresAt, claimSeq);
    }
}
