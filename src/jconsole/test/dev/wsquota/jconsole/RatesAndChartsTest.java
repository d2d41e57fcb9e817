package dev.wsquota.jconsole;

import dev.wsquota.jconsole.model.Rates;
import dev.wsquota.jconsole.model.Snapshot;
import dev.wsquota.jconsole.model.TimeSeries;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RatesAndChartsTest {

    static Snapshot snapshot(long at, long admissions, long limitHits, Map<String, Long> rejections,
                             Map<String, Long> releases) {
        return new Snapshot(at, null, 0, 100, 0, 5, admissions, limitHits, rejections, releases,
                new Snapshot.CleanupHealth(null, null, false, true, "", 0, 0, 0, 0, 60), List.of());
    }

    @Test
    void ratesAreDifferencesOverTheTimeBetweenTwoSnapshots() {
        Snapshot before = snapshot(10_000, 100, 4, Map.of("USER_QUOTA", 4L), Map.of("CLOSE", 50L));
        Snapshot after = snapshot(14_000, 120, 12, Map.of("USER_QUOTA", 10L, "TOTAL_QUOTA", 2L),
                Map.of("CLOSE", 58L, "IDLE", 4L));
        Rates rates = Rates.between(before, after);
        assertEquals(4.0, rates.seconds());
        assertEquals(5.0, rates.admissions());
        assertEquals(2.0, rates.limitHits());
        assertEquals(2.0, rates.rejections(), 1e-9);
        assertEquals(Map.of("CLOSE", 2.0, "IDLE", 1.0), rates.releasesByCause());
    }

    @Test
    void aCounterThatWentDownIsARestartNotANegativeRate() {
        Rates rates = Rates.between(snapshot(0, 500, 0, Map.of(), Map.of()), snapshot(2_000, 3, 0, Map.of(), Map.of()));
        assertEquals(0.0, rates.admissions());
        assertFalse(Rates.between(snapshot(5, 1, 0, Map.of(), Map.of()), snapshot(5, 2, 0, Map.of(), Map.of())).known(),
                "no time between them: no rate");
    }

    @Test
    void theValueAxisEndsOnARoundNumberWithRoundSteps() {
        assertEquals(1.0, ChartPanel.niceCeiling(0), "an empty chart still has an axis");
        assertEquals(0.5, ChartPanel.niceCeiling(0.26));
        assertEquals(20.0, ChartPanel.niceCeiling(11));
        assertEquals(100.0, ChartPanel.niceCeiling(100));
        assertEquals(5, ChartPanel.bands(0.5), "0.1 per band");
        assertEquals(4, ChartPanel.bands(20), "5 per band");
        assertEquals(5, ChartPanel.bands(1), "0.2 per band");
    }

    @Test
    void aChartKeepsOnlyItsWindowAndGrowsSeriesAsTheyAppear() {
        TimeSeries chart = new TimeSeries("t", "/s", 60_000, List.of("a"));
        chart.record(0, Map.of("a", 1.0));
        chart.record(30_000, Map.of("a", 3.0, "b", 0.0));
        chart.record(70_000, Map.of("a", 2.0, "b", 0.0));
        assertEquals(List.of("a", "b"), chart.names());
        assertEquals(2, chart.points("a").size(), "the point at 0 left the 60 s window at 70 s");
        assertEquals(2.0, chart.latest("a"));
        assertEquals(3.0, chart.max());
        assertTrue(chart.moved("a"));
        assertFalse(chart.moved("b"), "a cause that never moved is not drawn");
    }
}
