package dev.wsquota.cluster;

import dev.wsquota.quota.SlotLedger;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry processors' decisions, on a plain map entry with a clock the test sets. */
class ClaimSlotTest {

    /** A renewal that looked after every claim its member asked for. */
    private static final long NO_LATER_CLAIM = Long.MAX_VALUE;

    private static Map.Entry<String, Slots> entry(Slot... slots) {
        return new AbstractMap.SimpleEntry<>("alice", slots.length == 0 ? null : new Slots(List.of(slots)));
    }

    @Test
    void grantsBelowTheQuotaAndRefusesAtIt() {
        Map.Entry<String, Slots> entry = entry(new Slot("m1", "A", 10_000), new Slot("m2", "B", 10_000));
        SlotLedger.Claim third = new ClaimSlot("A", "m3", 3, 5_000, 0).apply(entry, 1_000);
        SlotLedger.Claim fourth = new ClaimSlot("B", "m4", 3, 5_000, 0).apply(entry, 1_000);
        assertEquals(new SlotLedger.Claim(true, 3), third);
        assertEquals(new SlotLedger.Claim(false, 3), fourth);
        assertEquals(6_000, entry.getValue().list().get(2).expiresAtMillis(), "lease = owner's now + duration");
    }

    @Test
    void expiredSlotsAreDroppedBeforeTheQuotaIsChecked() {
        Map.Entry<String, Slots> entry = entry(new Slot("m1", "A", 999), new Slot("m2", "B", 10_000));
        assertEquals(new SlotLedger.Claim(true, 2), new ClaimSlot("B", "m3", 2, 5_000, 0).apply(entry, 1_000));
        assertEquals(List.of("m2", "m3"), entry.getValue().list().stream().map(Slot::managerId).toList());
    }

    @Test
    void aRetriedClaimOfTheSameManagerHoldsOneSlot() {
        Map.Entry<String, Slots> entry = entry();
        new ClaimSlot("A", "m1", 5, 5_000, 0).apply(entry, 1_000);
        assertEquals(new SlotLedger.Claim(true, 1), new ClaimSlot("A", "m1", 5, 5_000, 0).apply(entry, 2_000));
    }

    @Test
    void theBackupStoresThePrimarysResultInsteadOfDecidingAgainLater() {
        Map.Entry<String, Slots> primary = entry(new Slot("m1", "A", 1_500));
        Map.Entry<String, Slots> backup = entry(new Slot("m1", "A", 1_500));
        ClaimSlot claim = new ClaimSlot("B", "m2", 1, 5_000, 0);
        assertEquals(new SlotLedger.Claim(false, 1), claim.apply(primary, 1_000), "m1 is live at the primary's now");
        // Decided again at the backup's later moment, m1 would have expired and the claim been granted:
        assertTrue(new ClaimSlot("B", "m2", 1, 5_000, 0).apply(entry(new Slot("m1", "A", 1_500)), 2_000).granted());
        claim.getBackupProcessor().process(backup);
        assertEquals(primary.getValue(), backup.getValue(), "the backup holds what the primary decided");
    }

    @Test
    void releaseIsIdempotentAndRemovesOnlyThatManagerOfThatMember() {
        Map.Entry<String, Slots> entry = entry(new Slot("m1", "A", 9_000), new Slot("m1", "B", 9_000));
        assertTrue(new ReleaseSlot("A", "m1").process(entry));
        assertFalse(new ReleaseSlot("A", "m1").process(entry));
        assertEquals(List.of("B"), entry.getValue().list().stream().map(Slot::memberId).toList());
        assertTrue(new ReleaseSlot("B", "m1").process(entry));
        assertNull(entry.getValue(), "a user without slots has no entry");
    }

    @Test
    void renewalRestartsLeasesDropsWhatTheMemberNoLongerHoldsAndRestoresWhatAMergeLost() {
        Map.Entry<String, Slots> entry = entry(new Slot("m1", "A", 2_000), new Slot("gone", "A", 2_000),
                new Slot("x", "B", 2_000), new Slot("old", "C", 500));
        RenewSlots renew = new RenewSlots("A", Set.of("m1", "lost-in-merge"), Set.of(), 5_000, NO_LATER_CLAIM);
        assertEquals(3, renew.apply(entry, 1_000));
        assertEquals(List.of("m1@A@6000", "x@B@2000", "lost-in-merge@A@6000"), entry.getValue().list().stream()
                .map(slot -> slot.managerId() + "@" + slot.memberId() + "@" + slot.expiresAtMillis()).toList());
        Map.Entry<String, Slots> backup = entry(new Slot("m1", "A", 2_000));
        renew.getBackupProcessor().process(backup);
        assertEquals(entry.getValue(), backup.getValue());
    }

    @Test
    void purgeDropsEveryoneSlotOfTheDepartedMember() {
        Map.Entry<String, Slots> entry = entry(new Slot("m1", "A", 9_000), new Slot("m2", "B", 9_000),
                new Slot("m3", "A", 9_000));
        assertEquals(2, new PurgeMember("A").process(entry));
        assertEquals(1, entry.getValue().size());
        assertEquals(0, new PurgeMember("A").process(entry));
    }

    @Test
    void aRenewalKeepsAClaimedSlotItDoesNotListButNeverAddsOne() {
        java.util.Map.Entry<String, Slots> entry = new java.util.AbstractMap.SimpleEntry<>("u",
                new Slots(java.util.List.of(new Slot("m1", "A", 10_000))));
        new RenewSlots("A", Set.of(), Set.of("m1", "m2"), 5_000, NO_LATER_CLAIM).apply(entry, 1_000);
        assertEquals(1, entry.getValue().size(), "m1 kept, m2 (claimed, maybe refused) not added");
        assertEquals(6_000, entry.getValue().list().get(0).expiresAtMillis());
    }

    @Test
    void aRenewalSparesTheSlotOfAClaimAskedForAfterItLookedThoughTheClaimReachedThePartitionFirst() {
        Map.Entry<String, Slots> entry = entry();
        // The member looked (2 claims asked so far, m1 held), then asked for m3; m3's claim arrives first.
        new ClaimSlot("A", "m1", 5, 5_000, 1).apply(entry, 1_000);
        new ClaimSlot("A", "m2", 5, 5_000, 2).apply(entry, 1_000);
        new ClaimSlot("A", "m3", 5, 5_000, 3).apply(entry, 1_100);
        assertEquals(2, new RenewSlots("A", Set.of("m1"), Set.of(), 5_000, 2).apply(entry, 1_200));
        assertEquals(List.of("m1", "m3"), entry.getValue().list().stream().map(Slot::managerId).toList(),
                "m2 (counted, neither held nor claimed) goes; m3 stays for the next renewal to judge");
        assertEquals(1, new RenewSlots("A", Set.of("m1"), Set.of(), 5_000, 3).apply(entry, 1_300),
                "the next renewal counted m3: not held, so it goes");
    }

    @Test
    void aDepartedMembersSlotsAreHeldUntilThePurgeAndOthersAreUntouched() {
        Map.Entry<String, Slots> entry = new AbstractMap.SimpleEntry<>("u", new Slots(List.of(
                new Slot("m1", "gone", 2_000), new Slot("m2", "other", 3_000), new Slot("m3", "gone", 9_000))));
        assertEquals(1, new HoldMember("gone", 5_000).process(entry));
        assertEquals(List.of(new Slot("m1", "gone", 5_000), new Slot("m2", "other", 3_000),
                new Slot("m3", "gone", 9_000)), entry.getValue().list());
        assertEquals(3, new ClaimSlot("x", "m4", 5, 1_000, 0).apply(entry, 4_000).count(),
                "at 4 s the other member's slot ended, the departed member's held one did not");
    }
}
