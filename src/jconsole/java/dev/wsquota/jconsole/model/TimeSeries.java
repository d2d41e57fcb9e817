package dev.wsquota.jconsole.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The points of one live chart over the last minutes: named series of (time, value), oldest dropped once they
 * fall out of the window. Series appear when first recorded (a release cause seen for the first time).
 * Not thread-safe: recorded and drawn on the Swing thread.
 */
public final class TimeSeries {

    /** One point of a series. */
    public record Point(long timeMillis, double value) {
    }

    private final String title;
    private final String unit;
    private final long windowMillis;
    private final Map<String, Deque<Point>> series = new LinkedHashMap<>();

    public TimeSeries(String title, String unit, long windowMillis, List<String> fixedSeries) {
        this.title = title;
        this.unit = unit;
        this.windowMillis = windowMillis;
        fixedSeries.forEach(name -> series.put(name, new ArrayDeque<>()));
    }

    public String title() {
        return title;
    }

    public String unit() {
        return unit;
    }

    public long windowMillis() {
        return windowMillis;
    }

    /** Adds one point per series at the time, and drops what left the window. */
    public void record(long timeMillis, Map<String, Double> values) {
        values.forEach((name, value) -> series.computeIfAbsent(name, n -> new ArrayDeque<>())
                .addLast(new Point(timeMillis, value)));
        long oldest = timeMillis - windowMillis;
        for (Deque<Point> points : series.values()) {
            while (!points.isEmpty() && points.peekFirst().timeMillis() < oldest) {
                points.removeFirst();
            }
        }
    }

    /** The series names, in the order they first appeared. */
    public List<String> names() {
        return new ArrayList<>(series.keySet());
    }

    /** The series' points in the window, oldest first. */
    public List<Point> points(String name) {
        Deque<Point> points = series.get(name);
        return points == null ? List.of() : new ArrayList<>(points);
    }

    /** The newest value of the series, or 0 before its first point. */
    public double latest(String name) {
        Deque<Point> points = series.get(name);
        return points == null || points.isEmpty() ? 0 : points.peekLast().value();
    }

    /** True when the series has a non-zero point in the window (a chart of nine causes draws only those that moved). */
    public boolean moved(String name) {
        return points(name).stream().anyMatch(point -> point.value() != 0);
    }

    /** The largest value of any series in the window, 0 when empty. */
    public double max() {
        return series.values().stream().flatMap(Deque::stream).mapToDouble(Point::value).max().orElse(0);
    }
}
