package dev.wsquota.hosts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a scenario's history against the quota: per user and at every instant, how many welcomed connections
 * were open at once across all nodes; the worst excess over the quota and how long the user was above it; and
 * the false refusals, a refusal for the quota while fewer than the quota had been open for the whole second
 * before it (a slot held by nothing live), as opposed to a refusal while the cluster could not decide.
 * A connection without an end ended when its node was killed (a {@code KILL} line of the harness), else at the
 * end of the history.
 */
public final class HistoryChecker {

    /** How long a slot may stay taken after its connection ended before a refusal on it counts as false. */
    static final long STALE_MILLIS = 1_000;

    /** One line of a history: when, which node (or "harness"), what, for which user and connection, and why. */
    public record Event(long at, String node, String type, String user, String id, String detail) {

        static Event parse(String line) {
            String[] f = line.split("\t", 6);
            if (f.length < 5) {
                throw new IllegalArgumentException("history line needs at least 5 tab-separated fields: " + line);
            }
            return new Event(Long.parseLong(f[0]), f[1], f[2], f[3], f[4], f.length > 5 ? f[5] : "");
        }
    }

    /** What one user saw in one window of the history. */
    public record UserResult(String user, int welcomes, int worstOpen, int worstExcess, long excessMillis,
                             long longestExcessMillis, int quotaRefusals, int falseRefusals,
                             int unavailableRefusals, int fencedEnds) {
    }

    private HistoryChecker() {
    }

    public static List<Event> parse(List<String> lines) {
        List<Event> events = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                events.add(Event.parse(line));
            }
        }
        events.sort(Comparator.comparingLong(Event::at));
        return events;
    }

    /** The per-user results over {@code [from, to)}, counting connections welcomed before {@code from} too. */
    public static Map<String, UserResult> check(List<Event> history, int quota, long from, long to) {
        Map<String, Long> killedAt = new HashMap<>();
        for (Event e : history) {
            if (e.node().equals("harness") && e.type().equals("KILL")) {
                killedAt.putIfAbsent(e.detail(), e.at());
            }
        }
        // open and close instants per user: +1 at a welcome, -1 at its end
        Map<String, TreeMap<Long, Integer>> deltas = new TreeMap<>();
        Map<String, Event> openWelcomes = new LinkedHashMap<>();
        Map<String, int[]> counts = new HashMap<>(); // welcomes, quota refusals, unavailable, fenced ends
        for (Event e : history) {
            switch (e.type()) {
                case "WELCOME" -> {
                    if (openWelcomes.put(e.id(), e) != null) {
                        throw new IllegalArgumentException("connection id " + e.id() + " welcomed twice: ids must "
                                + "be unique across the whole history");
                    }
                    step(deltas, e.user(), e.at(), +1);
                    if (e.at() >= from && e.at() < to) {
                        counts.computeIfAbsent(e.user(), u -> new int[4])[0]++;
                    }
                }
                case "END" -> {
                    if (openWelcomes.remove(e.id()) != null) {
                        step(deltas, e.user(), e.at(), -1);
                        if (e.detail().equals("fenced") && e.at() >= from && e.at() < to) {
                            counts.computeIfAbsent(e.user(), u -> new int[4])[3]++;
                        }
                    }
                }
                default -> {
                }
            }
        }
        long last = history.isEmpty() ? to : history.get(history.size() - 1).at();
        for (Event open : openWelcomes.values()) {
            long end = killedAt.getOrDefault(open.node(), last);
            step(deltas, open.user(), Math.max(end, open.at()), -1);
        }
        Map<String, UserResult> results = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Long, Integer>> user : deltas.entrySet()) {
            results.put(user.getKey(), measure(user.getKey(), user.getValue(), history, quota, from, to,
                    counts.getOrDefault(user.getKey(), new int[4])));
        }
        return results;
    }

    private static void step(Map<String, TreeMap<Long, Integer>> deltas, String user, long at, int delta) {
        deltas.computeIfAbsent(user, u -> new TreeMap<>()).merge(at, delta, Integer::sum);
    }

    private static UserResult measure(String user, TreeMap<Long, Integer> deltas, List<Event> history, int quota,
                                      long from, long to, int[] counts) {
        // open count as a step function: value at t = sum of deltas at instants <= t
        TreeMap<Long, Integer> openAt = new TreeMap<>();
        int open = 0;
        for (Map.Entry<Long, Integer> d : deltas.entrySet()) {
            open += d.getValue();
            openAt.put(d.getKey(), open);
        }
        int worstOpen = 0;
        long excessMillis = 0;
        long longest = 0;
        long stretch = 0;
        Long previous = null;
        int previousOpen = 0;
        TreeSet<Long> instants = new TreeSet<>(openAt.keySet());
        instants.add(from);
        instants.add(to);
        for (long t : instants.subSet(from, true, to, true)) {
            if (previous != null) {
                long span = t - previous;
                if (previousOpen > quota) {
                    excessMillis += span;
                    stretch += span;
                    longest = Math.max(longest, stretch);
                } else {
                    stretch = 0;
                }
            }
            Map.Entry<Long, Integer> at = openAt.floorEntry(t);
            previousOpen = at == null ? 0 : at.getValue();
            if (t < to) {
                worstOpen = Math.max(worstOpen, previousOpen);
            }
            previous = t;
        }
        int quotaRefusals = 0;
        int falseRefusals = 0;
        int unavailable = 0;
        for (Event e : history) {
            if (!e.type().equals("REFUSE") || !e.user().equals(user) || e.at() < from || e.at() >= to) {
                continue;
            }
            if (e.detail().startsWith("quota")) {
                quotaRefusals++;
                if (maxOpen(openAt, e.at() - STALE_MILLIS, e.at()) < quota) {
                    falseRefusals++;
                }
            } else {
                unavailable++;
            }
        }
        return new UserResult(user, counts[0], worstOpen, Math.max(0, worstOpen - quota), excessMillis, longest,
                quotaRefusals, falseRefusals, unavailable, counts[3]);
    }

    private static int maxOpen(TreeMap<Long, Integer> openAt, long from, long to) {
        Map.Entry<Long, Integer> start = openAt.floorEntry(from);
        int max = start == null ? 0 : start.getValue();
        for (int value : openAt.subMap(from, true, to, true).values()) {
            max = Math.max(max, value);
        }
        return max;
    }

    /** One table row per user, in Markdown, under a title. */
    public static String table(String title, Map<String, UserResult> results, int quota) {
        StringBuilder out = new StringBuilder();
        out.append("### ").append(title).append(" (quota ").append(quota).append(")\n\n");
        out.append("| user | welcomes | most open at once | worst excess | time above quota (ms) | longest stretch "
                + "(ms) | quota refusals | false refusals | refused: cluster undecided | closed by a fence |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (UserResult r : results.values()) {
            out.append("| ").append(r.user()).append(" | ").append(r.welcomes()).append(" | ").append(r.worstOpen())
                    .append(" | ").append(r.worstExcess()).append(" | ").append(r.excessMillis()).append(" | ")
                    .append(r.longestExcessMillis()).append(" | ").append(r.quotaRefusals()).append(" | ")
                    .append(r.falseRefusals()).append(" | ").append(r.unavailableRefusals()).append(" | ")
                    .append(r.fencedEnds()).append(" |\n");
        }
        return out.toString();
    }
}
