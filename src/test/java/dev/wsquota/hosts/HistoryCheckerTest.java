package dev.wsquota.hosts;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryCheckerTest {

    private final List<String> lines = new ArrayList<>();

    private void at(long t, String node, String type, String user, String id, String detail) {
        lines.add(t + "\t" + node + "\t" + type + "\t" + user + "\t" + id + "\t" + detail);
    }

    private Map<String, HistoryChecker.UserResult> check(int quota, long from, long to) {
        return HistoryChecker.check(HistoryChecker.parse(lines), quota, from, to);
    }

    @Test
    void connectionsOnDifferentNodesCountTogetherAndTheExcessIsTimed() {
        at(0, "n1", "WELCOME", "alice", "a", "");
        at(100, "n2", "WELCOME", "alice", "b", "");
        at(200, "n3", "WELCOME", "alice", "c", ""); // 3 open with quota 2: excess 1 from 200
        at(1_400, "n1", "END", "alice", "a", "client"); // back to 2 at 1,400
        at(2_000, "n2", "END", "alice", "b", "client");
        at(3_000, "n3", "END", "alice", "c", "fenced");
        HistoryChecker.UserResult alice = check(2, 0, 5_000).get("alice");
        assertEquals(3, alice.welcomes());
        assertEquals(3, alice.worstOpen());
        assertEquals(1, alice.worstExcess());
        assertEquals(1_200, alice.excessMillis());
        assertEquals(1_200, alice.longestExcessMillis());
        assertEquals(1, alice.fencedEnds());
    }

    @Test
    void aConnectionEndingAsAnotherOpensIsNoExcess() {
        at(0, "n1", "WELCOME", "bob", "a", "");
        at(500, "n1", "END", "bob", "a", "client");
        at(500, "n2", "WELCOME", "bob", "b", "");
        at(900, "n2", "END", "bob", "b", "client");
        HistoryChecker.UserResult bob = check(1, 0, 1_000).get("bob");
        assertEquals(1, bob.worstOpen());
        assertEquals(0, bob.excessMillis());
    }

    @Test
    void twoStretchesAddUpAndTheLongestIsKept() {
        at(0, "n1", "WELCOME", "u", "a", "");
        at(10, "n2", "WELCOME", "u", "b", "");
        at(110, "n2", "END", "u", "b", "client");
        at(500, "n2", "WELCOME", "u", "c", "");
        at(800, "n2", "END", "u", "c", "client");
        HistoryChecker.UserResult u = check(1, 0, 1_000).get("u");
        assertEquals(400, u.excessMillis());
        assertEquals(300, u.longestExcessMillis());
    }

    @Test
    void aKilledNodesOpenConnectionsEndWhenItWasKilled() {
        at(0, "n1", "WELCOME", "u", "a", "");
        at(1_000, "harness", "KILL", "-", "-", "n1");
        at(1_500, "n2", "WELCOME", "u", "b", ""); // n1 is dead: no overlap
        at(5_000, "n2", "END", "u", "b", "client");
        HistoryChecker.UserResult u = check(1, 0, 6_000).get("u");
        assertEquals(1, u.worstOpen());
        assertEquals(0, u.excessMillis());
    }

    @Test
    void aConnectionNeverEndedStaysOpenToTheEndOfTheHistory() {
        at(0, "n1", "WELCOME", "u", "a", "");
        at(3_000, "n2", "WELCOME", "u", "b", "");
        at(4_000, "n2", "STOPPING", "-", "-", "");
        HistoryChecker.UserResult u = check(1, 0, 10_000).get("u");
        assertEquals(2, u.worstOpen());
        assertEquals(1_000, u.excessMillis());
    }

    @Test
    void aRefusalWhileFewerThanTheQuotaWereOpenForASecondIsFalseButNotRightAfterAnEnd() {
        at(0, "n1", "WELCOME", "u", "a", "");
        at(0, "n1", "WELCOME", "u", "b", "");
        at(2_000, "n1", "END", "u", "b", "client");
        at(2_010, "n2", "REFUSE", "u", "c", "quota 2"); // the release has not reached the ledger yet: fair
        at(4_000, "n2", "REFUSE", "u", "d", "quota 2"); // a slot held by nothing for 2 s: false
        at(4_100, "n2", "REFUSE", "u", "e", "unavailable quota service unavailable: lost contact with the cluster");
        at(4_200, "n1", "WELCOME", "u", "f", "");
        at(4_300, "n2", "REFUSE", "u", "g", "quota 2"); // at the quota: fair
        HistoryChecker.UserResult u = check(2, 0, 5_000).get("u");
        assertEquals(3, u.quotaRefusals());
        assertEquals(1, u.falseRefusals());
        assertEquals(1, u.unavailableRefusals());
    }

    @Test
    void aWindowCountsConnectionsOpenedBeforeItButOnlyItsOwnEventsAndTime() {
        at(0, "n1", "WELCOME", "u", "a", "");
        at(0, "n1", "WELCOME", "u", "b", "");
        at(9_000, "n1", "END", "u", "b", "client");
        at(10_000, "n1", "END", "u", "a", "client");
        HistoryChecker.UserResult u = check(1, 5_000, 20_000).get("u");
        assertEquals(0, u.welcomes());
        assertEquals(2, u.worstOpen());
        assertEquals(4_000, u.excessMillis());
        String table = HistoryChecker.table("window", Map.of("u", u), 1);
        assertTrue(table.contains("| u | 0 | 2 | 1 | 4000 | 4000 | 0 | 0 | 0 | 0 |"), table);
    }

    @Test
    void aConnectionIdWelcomedTwiceIsAnErrorNotAPhantom() {
        at(0, "n1", "WELCOME", "u", "a", "");
        at(1_000, "harness", "KILL", "-", "-", "n1");
        at(2_000, "n1", "WELCOME", "u", "a", ""); // a restarted node reusing its ids
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> check(1, 0, 3_000));
    }
}
