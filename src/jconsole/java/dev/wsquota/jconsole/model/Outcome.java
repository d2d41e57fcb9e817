package dev.wsquota.jconsole.model;

/**
 * What an operator's action came to, as the tab shows it.
 *
 * @param kind what happened
 * @param text the operation's result, the refusal's message, or why the call failed
 */
public record Outcome(Kind kind, String text) {

    /**
     * DONE: the operation ran. REFUSED: the MXBean refused the value, nothing changed. FAILED: the call did not get
     * through.
     */
    public enum Kind { DONE, REFUSED, FAILED }

    public static Outcome done(String text) {
        return new Outcome(Kind.DONE, text);
    }

    public static Outcome refused(String text) {
        return new Outcome(Kind.REFUSED, text);
    }

    public static Outcome failed(String text) {
        return new Outcome(Kind.FAILED, text);
    }
}
