package dev.wsquota.jconsole.model;

/** Seconds as a person reads them at a glance: 42 s, 3 min 05 s, 2 h 07 min, 3 d 04 h. */
public final class Durations {

    private Durations() {
    }

    public static String format(long seconds) {
        if (seconds < 0) {
            return "-";
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3_600) {
            return String.format("%d min %02d s", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format("%d h %02d min", seconds / 3_600, seconds % 3_600 / 60);
        }
        return String.format("%d d %02d h", seconds / 86_400, seconds % 86_400 / 3_600);
    }
}
