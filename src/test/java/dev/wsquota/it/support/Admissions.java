package dev.wsquota.it.support;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.quota.Admission;
import dev.wsquota.quota.Connection;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the factory for a slot the way the endpoint does ({@code requestAdmission}), for connections made in the
 * test. The in-container tests that count slots set {@link #NO_PROBE_SECONDS} as the probe-after window, so a user
 * at the quota is refused at once instead of having the test's silent connections probed.
 */
public final class Admissions {

    /** A probe-after window no test outlives: every manager counts as recently active. */
    public static final int NO_PROBE_SECONDS = 3_600;

    private Admissions() {
    }

    /** The factory's answer; fails if it does not come within 30 s. */
    public static Admission request(ManagerFactory factory, String user, Connection connection) {
        CompletableFuture<Admission> answer = new CompletableFuture<>();
        factory.requestAdmission(user, connection, answer::complete);
        try {
            return answer.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for the admission of " + user, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no admission answer for " + user + " within 30 s", e);
        }
    }
}
