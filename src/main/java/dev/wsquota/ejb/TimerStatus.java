package dev.wsquota.ejb;

import java.util.Date;

/**
 * How one of wsquota's container timers stands.
 *
 * @param info        the timer's name (its info)
 * @param active      the timer exists in the container now
 * @param error       why it could not be created the last time that was tried, or empty
 * @param recreations how often the watchdog found it missing and created it again, since start
 * @param next        when it fires next; null while it is missing
 */
public record TimerStatus(String info, boolean active, String error, long recreations, Date next) {
}
