package dev.wsquota.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Step 4: JMH microbenchmarks of the plain-Java registry (no server). */
final class JmhStep {

    static final String SECTION = "4. Registry microbenchmarks (JMH)";

    private JmhStep() {
    }

    /** The JMH results as the section reports them: every row, and the cleanup benchmarks' scores by case. */
    private record Scores(List<List<?>> rows, Map<String, Double> cleanupByStale, Map<String, Double> cleanupError,
                          Map<String, Double> scheduled) {
    }

    static void run(Results results, Path out) throws Exception {
        int warmups = Props.integer("bench.jmh.warmupIterations", 3);
        int iterations = Props.integer("bench.jmh.iterations", 5);
        int seconds = Props.integer("bench.jmh.iterationSeconds", 1);
        Options options = new OptionsBuilder()
                .include(Props.text("bench.jmh.include", "dev\\.wsquota\\.bench\\.jmh\\..*"))
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .forks(1)
                .result(out.resolve("jmh.json").toString())
                .resultFormat(ResultFormatType.JSON)
                .output(out.resolve("jmh.log").toString())
                .build();
        Scores scores = scores(new Runner(options).run());
        results.line(SECTION, "Forks 1, warm-up " + warmups + " x " + seconds + " s, measurement " + iterations
                + " x " + seconds + " s per benchmark. Raw: target/bench/jmh.json, log: target/bench/jmh.log.");
        results.table(SECTION, List.of("benchmark", "params", "threads", "score", "error (99.9%)", "unit"),
                scores.rows());
        double perManager = dev.wsquota.bench.jmh.Footprint.registryBytesPerManager(2000, 5);
        results.item(SECTION, "registry heap per live manager (plain registry, 2,000 users x 5, after GC; includes "
                + "user names, not the connection: add 24 bytes for the product's)",
                Results.fmt(perManager, 0) + " bytes");
        if (!scores.scheduled().isEmpty()) {
            results.line(SECTION, scheduledPass(scores.scheduled()));
        }
        Double zero = scores.cleanupByStale().get("000");
        Double ten = scores.cleanupByStale().get("010");
        if (zero != null && ten != null) {
            results.line(SECTION, cleanupPass(scores, zero, ten));
        }
    }

    private static Scores scores(Collection<RunResult> runs) {
        List<List<?>> rows = new ArrayList<>();
        Map<String, Double> cleanupByStale = new TreeMap<>();
        Map<String, Double> cleanupError = new TreeMap<>();
        Map<String, Double> scheduled = new java.util.LinkedHashMap<>();
        for (RunResult run : runs) {
            var params = run.getParams();
            String name = params.getBenchmark().replace("dev.wsquota.bench.jmh.", "");
            StringBuilder p = new StringBuilder();
            for (String key : params.getParamsKeys()) {
                p.append(p.length() == 0 ? "" : ", ").append(key).append('=').append(params.getParam(key));
            }
            var score = run.getPrimaryResult();
            rows.add(List.of(name, p.length() == 0 ? "-" : p.toString(), params.getThreads(),
                    Results.fmt(score.getScore(), score.getScore() < 100 ? 3 : 0),
                    Results.fmt(score.getScoreError(), score.getScore() < 100 ? 3 : 0), score.getScoreUnit()));
            if (name.startsWith("ScheduledCleanupBenchmark")) {
                scheduled.put(params.getParam("managers") + "/" + params.getParam("stale"), score.getScore());
            }
            if (name.startsWith("CleanupBenchmark") && params.getParam("managers").equals("100000")) {
                String key = String.format("%03d", Integer.parseInt(params.getParam("stalePercent")));
                cleanupByStale.put(key, score.getScore());
                cleanupError.put(key, score.getScoreError());
            }
        }
        return new Scores(rows, cleanupByStale, cleanupError, scheduled);
    }

    /** How the timer's pass grows from 100,000 to 1,000,000 managers. */
    private static String scheduledPass(Map<String, Double> scheduled) {
        StringBuilder s = new StringBuilder("Scheduled cleanup pass (suspects + a sample of 1,000; the timer's "
                + "pass), managers/stale -> ms: ");
        scheduled.forEach((k, ms) -> s.append(k).append(" -> ").append(Results.fmt(ms, 3)).append("; "));
        Double small = scheduled.get("100000/0");
        Double large = scheduled.get("1000000/0");
        if (small != null && large != null) {
            s.append("with nothing stale, 1,000,000 managers cost ").append(Results.fmt(large / small, 2))
                    .append(" x what 100,000 cost (a pass that follows the total would cost 10 x).");
        }
        return s.toString();
    }

    /** What a full pass over 100,000 managers costs: the walk of every manager, and each stale one's release. */
    private static String cleanupPass(Scores scores, double zero, double ten) {
        // cost = walk of every manager + release of each stale one; 0% gives the walk, 10% adds 10,000 releases.
        double walkNsPerManager = zero * 1e6 / 100_000;
        double releaseNsPerStale = (ten - zero) * 1e6 / 10_000;
        StringBuilder s = new StringBuilder("Cleanup pass over 100,000 managers: ");
        scores.cleanupByStale().forEach((stale, ms) -> s.append(Integer.parseInt(stale)).append("% stale ")
                .append(Results.fmt(ms, 2)).append(" ms; "));
        double noise = scores.cleanupError().getOrDefault("000", 0.0) + scores.cleanupError().getOrDefault("010", 0.0);
        if (Double.isNaN(noise) || Math.abs(ten - zero) <= noise) {
            s.append("the 0% and 10% passes differ by ").append(Results.fmt(ten - zero, 2))
                    .append(" ms, within their error bars (").append(Results.fmt(noise, 2))
                    .append(" ms): 10,000 stale managers add no measurable cost, so the pass follows the TOTAL (")
                    .append(Results.fmt(walkNsPerManager, 1))
                    .append(" ns per manager: every pass asks every manager's connection isOpen()).");
        } else {
            s.append("so the walk costs ").append(Results.fmt(walkNsPerManager, 1))
                    .append(" ns per manager whether stale or not, and each stale one adds ")
                    .append(Results.fmt(releaseNsPerStale, 1)).append(" ns to release. At 10% stale the walk is ")
                    .append(Results.fmt(100 * zero / ten, 0)).append("% of the pass. ")
                    .append(zero / ten >= 0.5
                            ? "The cost follows the TOTAL: every pass asks every manager's connection isOpen(), "
                              + "even when nothing is stale; the stale count only adds its releases on top."
                            : "At 10% the releases dominate, but the walk (proportional to the TOTAL) is paid on "
                              + "every pass, even with nothing stale.");
        }
        return s.toString();
    }
}
