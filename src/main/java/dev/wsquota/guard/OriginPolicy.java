package dev.wsquota.guard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which browser origins may open a WebSocket (against cross-site WebSocket hijacking: a foreign page
 * must not open connections with a victim's cookies and spend the victim's quota).
 *
 * <ul>
 *   <li>No {@code Origin} header: a non-browser client (browsers always send one on a WebSocket
 *       handshake); allowed, it still has to authenticate.</li>
 *   <li>{@code Origin: null} (sandboxed frames, file: pages, some redirects): always refused.</li>
 *   <li>Empty allow-list (the default): only the same host, i.e. the origin's {@code host[:port]}
 *       equals the request's {@code Host} header.</li>
 *   <li>Otherwise the origin must be one of the listed origins ({@code scheme://host[:port]},
 *       compared case-insensitively, default ports ignored); {@code *} allows every well-formed origin.</li>
 * </ul>
 * Anything that is not exactly {@code http(s)://host[:port]} is refused.
 */
public final class OriginPolicy {

    private static final Pattern ORIGIN = Pattern.compile(
            "(https?)://([a-z0-9.\\-]+|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?");
    private static final Pattern HOST = Pattern.compile("([a-z0-9.\\-]+|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?");

    private final Set<String> allowed;
    private final boolean any;

    private OriginPolicy(Set<String> allowed, boolean any) {
        this.allowed = allowed;
        this.any = any;
    }

    /** What the policy decided, with a reason fit for a log line. */
    public record Decision(boolean allowed, String reason) {
    }

    /** Parses a comma-separated allow-list; blank = same host only. Refuses entries that are not origins. */
    public static OriginPolicy parse(String commaSeparated) {
        Set<String> origins = new LinkedHashSet<>();
        boolean any = false;
        if (commaSeparated != null) {
            for (String entry : commaSeparated.split(",")) {
                String trimmed = entry.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.equals("*")) {
                    any = true;
                    continue;
                }
                String normalized = normalize(trimmed);
                if (normalized == null) {
                    throw new IllegalArgumentException("'" + trimmed + "' is not an origin: write scheme://host[:port],"
                            + " e.g. https://app.example.com, or * for any");
                }
                origins.add(normalized);
            }
        }
        return new OriginPolicy(Collections.unmodifiableSet(origins), any);
    }

    /** True when only same-host origins are allowed (no list given). */
    public boolean sameHostOnly() {
        return !any && allowed.isEmpty();
    }

    /** The normalized allow-list, for logs. */
    public List<String> allowed() {
        List<String> shown = new ArrayList<>(allowed);
        if (any) {
            shown.add("*");
        }
        return shown;
    }

    /**
     * @param origin the {@code Origin} header, or null when the request has none
     * @param host   the {@code Host} header, or null
     */
    public Decision check(String origin, String host) {
        if (origin == null) {
            return new Decision(true, "no Origin header: not a browser");
        }
        if (origin.trim().equalsIgnoreCase("null")) {
            return new Decision(false, "opaque origin 'null' is never allowed");
        }
        String normalized = normalize(origin); // untrimmed: a header value with stray whitespace or CR/LF is malformed
        if (normalized == null) {
            return new Decision(false, "malformed origin");
        }
        if (any) {
            return new Decision(true, "any origin allowed");
        }
        if (!allowed.isEmpty()) {
            return allowed.contains(normalized)
                    ? new Decision(true, "listed origin")
                    : new Decision(false, "origin not in " + GuardSettings.ALLOWED_ORIGINS);
        }
        String sameHost = hostOf(normalized);
        String requestHost = normalizeHost(host, normalized.startsWith("https:") ? 443 : 80);
        if (requestHost != null && requestHost.equals(sameHost)) {
            return new Decision(true, "same host");
        }
        return new Decision(false, "origin is not the same host and " + GuardSettings.ALLOWED_ORIGINS + " is empty");
    }

    /** {@code scheme://host[:port]} in lower case without a default port, or null when it is not an origin. */
    static String normalize(String origin) {
        Matcher m = ORIGIN.matcher(origin.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        String scheme = m.group(1);
        String port = m.group(3);
        if (port != null) {
            int number = Integer.parseInt(port);
            if (number < 1 || number > 65_535) {
                return null;
            }
            if (number == defaultPort(scheme)) {
                port = null;
            } else {
                port = Integer.toString(number);
            }
        }
        return scheme + "://" + m.group(2) + (port == null ? "" : ":" + port);
    }

    private static String hostOf(String normalizedOrigin) {
        return normalizedOrigin.substring(normalizedOrigin.indexOf("://") + 3);
    }

    private static String normalizeHost(String host, int defaultPort) {
        if (host == null) {
            return null;
        }
        Matcher m = HOST.matcher(host.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        String port = m.group(2);
        if (port != null && Integer.parseInt(port) == defaultPort) {
            port = null;
        }
        return m.group(1) + (port == null ? "" : ":" + Integer.parseInt(port));
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    @Override
    public String toString() {
        return sameHostOnly() ? "same host only" : String.join(",", allowed());
    }
}
