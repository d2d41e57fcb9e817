package dev.wsquota.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Everything one soak run saw, and the checks it must pass: drift, over-admissions, false rejections and kills. */
record SoakRun(SoakPlan plan, SoakStep.UserState[] users, SoakStep.Tally tally, SoakLoad load, SoakStep.Churn churn,
               SoakHolders.Held held, SoakStep.End end, ServerDeltas server) {

    /** What the server's own counters added during the run. */
    record ServerDeltas(long admissions, long limitHits, Map<String, Long> releases, long cleanupRuns) {
    }

    SoakOutcomes outcomes() {
        return tally.outcomes;
    }

    long drift() {
        return end.driftHeld() + end.driftClosed() + Math.abs(end.activeHeld() - end.keptOpen());
    }

    long overAdmissions() {
        return tally.overAdmissions.sum() + load.sampledOverQuota.get();
    }

    long falseRejections() {
        return tally.falseRejections.sum();
    }

    long wrongEchoes() {
        return outcomes().count(SoakOutcomes.Echo.WRONG);
    }

    long pongTimeouts() {
        return server.releases().getOrDefault("PONG_TIMEOUT", 0L);
    }

    /** The highest count of one user the server reported in a welcome. */
    int highestActive() {
        int highest = 0;
        for (SoakStep.UserState user : users) {
            highest = Math.max(highest, user.highestActive);
        }
        return highest;
    }

    int usersAtQuota() {
        int atQuota = 0;
        for (SoakStep.UserState user : users) {
            if (user.highestActive >= plan.quota()) {
                atQuota++;
            }
        }
        return atQuota;
    }

    /** The checks that failed, empty when the run passed. */
    List<String> failedChecks() {
        List<String> failed = new ArrayList<>();
        if (drift() != 0 || overAdmissions() != 0 || falseRejections() != 0) {
            failed.add("drift " + drift() + ", over-admissions " + overAdmissions() + ", false rejections "
                    + falseRejections());
        }
        if (!churn.finished()) {
            failed.add("lanes did not finish");
        }
        if (wrongEchoes() != 0) {
            failed.add(wrongEchoes() + " echoes came back with other text");
        }
        SoakOutcomes out = outcomes();
        if (plan.productLiveness() && out.falseKills() != 0) {
            failed.add(out.falseKills() + " live clients closed for pong timeout with the default ping "
                    + plan.pingSeconds() + " s / pong " + plan.pongSeconds() + " s (" + out.falseKillsInClientStall()
                    + " in a stall of this client)");
        }
        return failed;
    }
}
