package dev.wsquota.web;

import dev.wsquota.quota.Admission;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AfterCallTest {

    private static Admission rejected() {
        return new Admission(Admission.Outcome.USER_QUOTA, null, "alice", 5, 5, null, null);
    }

    @Test
    void anAnswerDecidedDuringTheCallWaitsUntilTheCallReturned() {
        List<Admission> answered = new ArrayList<>();
        AfterCall afterCall = new AfterCall(answered::add);
        Admission decided = rejected();
        afterCall.accept(decided);
        assertTrue(answered.isEmpty(), "answered inside the call");
        afterCall.callReturned();
        assertEquals(1, answered.size());
        assertSame(decided, answered.get(0));
    }

    @Test
    void anAnswerAfterTheCallReturnedGoesThroughAtOnce() {
        List<Admission> answered = new ArrayList<>();
        AfterCall afterCall = new AfterCall(answered::add);
        afterCall.callReturned();
        assertTrue(answered.isEmpty(), "answered without an admission");
        Admission decided = rejected();
        afterCall.accept(decided);
        assertEquals(List.of(decided), answered);
    }
}
