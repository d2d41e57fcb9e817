package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryMXBean;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * What one soak run does, read once from the {@code bench.soak.*} settings and the server's quota: the churn's
 * users and lanes, its bounds, how lanes end their connections, the holders and the end's cleanup interval.
 */
record SoakPlan(int users, int total, int maxSeconds, double abortFraction, double earlyAbortFraction, int settleMs,
                int echoes, int holdMaxMs, int finalInterval, int quota, int lanesPerUser, int pingSeconds,
                int pongSeconds, int probeAfterSeconds, int holderUsers, int holderCount, long minHoldNanos) {

    static SoakPlan read(BenchServer server, int pingSeconds, int pongSeconds) throws IOException {
        int users = Math.min(Props.integer("bench.soak.users", 1000), server.users());
        ManagerFactoryMXBean factory = server.factory();
        int quota = factory.getMaxManagersPerUser();
        int holders = Props.integer("bench.soak.holders", 200);
        int holderUsers = Math.max(0, Math.min((holders + quota - 1) / quota, server.users() - users));
        long minHoldSeconds = Props.integer("bench.soak.minHoldSeconds", 2 * pingSeconds + pongSeconds + 5);
        return new SoakPlan(users,
                Props.integer("bench.soak.connections", 100_000),
                Props.integer("bench.soak.maxSeconds", 420),
                Props.integer("bench.soak.abortPercent", 20) / 100.0,
                Props.integer("bench.soak.earlyAbortPercent", 5) / 100.0,
                Props.integer("bench.soak.abortSettleMs", 1000),
                Props.integer("bench.soak.echoes", 2),
                Props.integer("bench.soak.holdMaxMs", 50),
                Props.integer("bench.soak.finalIntervalSeconds", 2),
                quota,
                Props.integer("bench.soak.lanesPerUser", quota + 1),
                pingSeconds,
                pongSeconds,
                Props.integer("bench.soak.probeAfterSeconds", 1),
                holderUsers,
                Math.min(holders, holderUsers * quota),
                TimeUnit.SECONDS.toNanos(minHoldSeconds));
    }

    /** The product's own ping and pong timeout: with them a false kill fails the run. */
    boolean productLiveness() {
        return pingSeconds == SoakStep.DEFAULT_PING_SECONDS && pongSeconds == SoakStep.DEFAULT_PONG_SECONDS;
    }

    long pongTimeoutNanos() {
        return TimeUnit.SECONDS.toNanos(pongSeconds);
    }

    int lanes() {
        return users * lanesPerUser;
    }
}
