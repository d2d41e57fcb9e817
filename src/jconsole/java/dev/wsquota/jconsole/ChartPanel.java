package dev.wsquota.jconsole;

import dev.wsquota.jconsole.model.Header;
import dev.wsquota.jconsole.model.TimeSeries;

import javax.swing.BorderFactory;
import javax.swing.JComponent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.Insets;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * One live line chart drawn with Java2D in the manner of JConsole's Overview tab: a titled frame, a grid, the
 * value axis on the left, wall-clock times below, and a legend with each series' latest value.
 */
final class ChartPanel extends JComponent {

    private static final Color[] COLORS = {new Color(0x1f, 0x5f, 0xbf), new Color(0xc0, 0x30, 0x30),
            new Color(0x2e, 0x8b, 0x3e), new Color(0xd0, 0x80, 0x00), new Color(0x80, 0x40, 0xa0),
            new Color(0x00, 0x90, 0x90), new Color(0x80, 0x60, 0x30), new Color(0x60, 0x60, 0x60),
            new Color(0xe0, 0x40, 0xa0)};
    private static final Color GRID = new Color(0xe4, 0xe4, 0xe4);

    private final TimeSeries series;

    ChartPanel(TimeSeries series) {
        this.series = series;
        setBorder(BorderFactory.createTitledBorder(series.title()));
        setPreferredSize(new Dimension(320, 240));
        setOpaque(false); // the titled border's corners show the panel behind; only the inside is painted white
        setBackground(Color.WHITE);
    }

    @Override
    protected void paintComponent(Graphics graphics) {
        Graphics2D g = (Graphics2D) graphics.create();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            Insets insets = getInsets();
            g.setColor(getBackground());
            g.fillRect(insets.left, insets.top, getWidth() - insets.left - insets.right,
                    getHeight() - insets.top - insets.bottom);
            paintChart(g, insets);
        } finally {
            g.dispose();
        }
    }

    private void paintChart(Graphics2D g, Insets insets) {
        g.setFont(getFont().deriveFont(11f));
        FontMetrics fm = g.getFontMetrics();
        List<String> shown = new ArrayList<>();
        for (String name : series.names()) {
            if (series.names().size() <= 3 || series.moved(name)) {
                shown.add(name);
            }
        }
        int legendRows = Math.max(1, (shown.size() + 1) / 2);
        double top = niceCeiling(series.max());
        int bands = bands(top);
        int labelWidth = 0;
        for (int i = 0; i <= bands; i++) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(number(top * i / bands)));
        }
        int left = insets.left + 6 + labelWidth + 4;
        int right = getWidth() - insets.right - 8;
        int plotTop = insets.top + 6;
        int bottom = getHeight() - insets.bottom - 6 - legendRows * fm.getHeight() - fm.getHeight() - 2;
        if (right - left < 20 || bottom - plotTop < 20) {
            return;
        }
        long now = System.currentTimeMillis();
        long newest = series.names().stream().flatMap(n -> series.points(n).stream())
                .mapToLong(TimeSeries.Point::timeMillis).max().orElse(now);
        long first = series.names().stream().flatMap(n -> series.points(n).stream())
                .mapToLong(TimeSeries.Point::timeMillis).min().orElse(now);
        // As JConsole's "All" range: from the first point (at least a minute back) up to the whole window.
        long span = Math.min(series.windowMillis(), Math.max(60_000, newest - first));
        long oldest = newest - span;

        // grid and value axis: bands of round steps (top 1 or 5: fifths; top 2: quarters)
        for (int i = 0; i <= bands; i++) {
            int y = bottom - (bottom - plotTop) * i / bands;
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String label = number(top * i / bands);
            g.drawString(label, left - 4 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        // time axis: five steps over the span shown
        long step = span / 5;
        int labelEnd = Integer.MIN_VALUE;
        for (int i = 0; i <= 5; i++) {
            long t = oldest + step * i;
            int x = left + (int) ((right - left) * (double) (t - oldest) / span);
            g.setColor(GRID);
            g.drawLine(x, plotTop, x, bottom);
            g.setColor(Color.DARK_GRAY);
            String label = span < 5 * 60_000 ? Header.clock(new Date(t)) : Header.clock(new Date(t)).substring(0, 5);
            int lx = Math.min(Math.max(left, x - fm.stringWidth(label) / 2), right - fm.stringWidth(label));
            if (lx > labelEnd + 6) { // a narrow chart shows fewer times rather than overlapping ones
                g.drawString(label, lx, bottom + fm.getAscent() + 2);
                labelEnd = lx + fm.stringWidth(label);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, plotTop, right - left, bottom - plotTop);

        // lines
        g.setStroke(new BasicStroke(1.6f));
        for (int s = 0; s < shown.size(); s++) {
            List<TimeSeries.Point> points = series.points(shown.get(s));
            if (points.isEmpty()) {
                continue;
            }
            Path2D.Double path = new Path2D.Double();
            for (int i = 0; i < points.size(); i++) {
                TimeSeries.Point p = points.get(i);
                double x = left + (right - left) * (double) (p.timeMillis() - oldest) / span;
                double y = bottom - (bottom - plotTop) * (top == 0 ? 0 : p.value() / top);
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            g.setColor(color(series.names().indexOf(shown.get(s))));
            g.draw(path);
        }

        // legend: colored square, name, latest value
        int legendTop = bottom + fm.getHeight() + 4;
        int column = (right - insets.left) / 2;
        for (int s = 0; s < shown.size(); s++) {
            String name = shown.get(s);
            int x = insets.left + 8 + (s % 2) * column;
            int y = legendTop + (s / 2) * fm.getHeight();
            g.setColor(color(series.names().indexOf(name)));
            g.fillRect(x, y + 2, 8, 8);
            g.setColor(Color.BLACK);
            g.drawString(name + ": " + number(series.latest(name)), x + 12, y + fm.getAscent());
        }
        if (shown.isEmpty()) {
            g.setColor(Color.GRAY);
            g.drawString("nothing released in the window", insets.left + 8, legendTop + fm.getAscent());
        }
    }

    static int bands(double top) {
        double mantissa = top / Math.pow(10, Math.floor(Math.log10(top)));
        return Math.abs(mantissa - 2) < 1e-9 ? 4 : 5;
    }

    private static Color color(int index) {
        return COLORS[Math.floorMod(index, COLORS.length)];
    }

    /** 1, 2, 5 times a power of ten at or above the value, so the axis reads in round numbers. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (m * power >= value) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : "%,.1f", value);
    }
}
