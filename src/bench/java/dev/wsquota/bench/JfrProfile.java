package dev.wsquota.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Where the server's CPU goes: a JFR recording ("profile" settings) of the server, started and saved
 * over JMX (FlightRecorderMXBean), its execution samples split by Gatling phase (wall clock) and
 * counted per component. A sample counts for every component that has a frame on its stack
 * (inclusive, so the rows overlap).
 */
final class JfrProfile {

    /** Component name -> frame prefixes (class names). */
    static final Map<String, List<String>> COMPONENTS = new LinkedHashMap<>();

    static {
        COMPONENTS.put("wsquota registry (dev.wsquota.quota)", List.of("dev.wsquota.quota."));
        COMPONENTS.put("wsquota EJB calls: admit/release through the EJB container", List.of("dev.wsquota.ejb."));
        COMPONENTS.put("wsquota endpoint code (ManagersEndpoint / BareEndpoint)",
                List.of("dev.wsquota.web.ManagersEndpoint",
                "dev.wsquota.web.SessionConnection", "dev.wsquota.web.PlainEndpointConfigurator",
                        "dev.wsquota.bench.bare."));
        COMPONENTS.put("wsquota handshake gate (inclusive of the handshake it wraps)",
                List.of("dev.wsquota.web.HandshakeGateFilter", "dev.wsquota.guard.HandshakeGate"));
        COMPONENTS.put("CDI (Weld, Liberty CDI)", List.of("org.jboss.weld.", "com.ibm.ws.cdi."));
        COMPONENTS.put("endpoint instance creation and injection",
                List.of("com.ibm.ws.wsoc.cdi.", "com.ibm.ws.wsoc.configurator.",
                "com.ibm.ws.injectionengine.", "com.ibm.ws.managedobject."));
        COMPONENTS.put("servlet request listeners (request context)",
                List.of("com.ibm.ws.webcontainer.webapp.WebApp.notifyServletRequest"));
        COMPONENTS.put("security: BASIC auth, subjects",
                List.of("com.ibm.ws.security.", "com.ibm.ws.webcontainer.security."));
        COMPONENTS.put("JSON (Parsson)", List.of("org.eclipse.parsson.", "jakarta.json."));
        COMPONENTS.put("WebSocket container (com.ibm.ws.wsoc)", List.of("com.ibm.ws.wsoc."));
        COMPONENTS.put("HTTP/TCP channels",
                List.of("com.ibm.ws.http.", "com.ibm.ws.tcpchannel.", "com.ibm.ws.channelfw."));
        COMPONENTS.put("JMX (CPU sampler)", List.of("javax.management.", "com.sun.jmx."));
    }

    /** Frames that only pass the request on: the handshake below them is the container's work. */
    private static final Set<String> PASS_THROUGH = Set.of(
            "dev.wsquota.web.HandshakeGateFilter.doFilter", "dev.wsquota.web.PeerAddress.during",
            "jakarta.servlet.http.HttpFilter.doFilter");

    private final MBeanServerConnection jmx;
    private final ObjectName recorder;
    private long id = -1;

    private final String period;

    JfrProfile(MBeanServerConnection jmx) throws Exception {
        this(jmx, "2 ms");
    }

    /** With execution samples every {@code period} per running thread (a JFR duration, e.g. "10 ms"). */
    JfrProfile(MBeanServerConnection jmx, String period) throws Exception {
        this.jmx = jmx;
        this.recorder = new ObjectName("jdk.management.jfr:type=FlightRecorder");
        this.period = period;
    }

    void start() throws Exception {
        id = (Long) jmx.invoke(recorder, "newRecording", null, null);
        // Only execution samples (the "profile" preset samples every 10 ms).
        jdk.management.jfr.FlightRecorderMXBean proxy = javax.management.JMX.newMXBeanProxy(jmx, recorder,
                jdk.management.jfr.FlightRecorderMXBean.class);
        proxy.setRecordingSettings(id,
                Map.of("jdk.ExecutionSample#enabled", "true", "jdk.ExecutionSample#period", period));
        jmx.invoke(recorder, "startRecording", new Object[] {id}, new String[] {long.class.getName()});
    }

    /** Stops the recording and has the server write it to file (same machine). */
    void stop(Path file) throws Exception {
        if (id < 0) {
            return;
        }
        jmx.invoke(recorder, "stopRecording", new Object[] {id}, new String[] {long.class.getName()});
        jmx.invoke(recorder, "copyTo", new Object[] {id, file.toAbsolutePath().toString()},
                new String[] {long.class.getName(), String.class.getName()});
        jmx.invoke(recorder, "closeRecording", new Object[] {id}, new String[] {long.class.getName()});
    }

    /** Samples per component within [fromMillis, toMillis] (epoch ms); key "" holds the total. */
    static Map<String, Long> count(Path file, long fromMillis, long toMillis) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("", 0L);
        COMPONENTS.keySet().forEach(k -> counts.put(k, 0L));
        eachSample(file, t -> t >= fromMillis && t <= toMillis, methods -> {
            counts.merge("", 1L, Long::sum);
            for (Map.Entry<String, List<String>> component : COMPONENTS.entrySet()) {
                if (methods.stream().anyMatch(m -> component.getValue().stream().anyMatch(m::startsWith))) {
                    counts.merge(component.getKey(), 1L, Long::sum);
                }
            }
        });
        return counts;
    }

    /**
     * The methods most often on the stack in the quota layer's own calls during the phases whose names start
     * with {@code phasePrefix}: for each sample whose innermost dev.wsquota frame is our own work (not a
     * filter passing the request on), every distinct method from the top of the stack down to that frame
     * counts once: the quota layer's calls and what they call. Ordered by count, at most {@code limit}.
     */
    static Map<String, Long> topQuotaFrames(Path file, Properties phases, String phasePrefix, int limit)
            throws Exception {
        List<long[]> windows = new ArrayList<>();
        for (String phase : phases.getProperty("phases").split(",")) {
            if (phase.startsWith(phasePrefix)) {
                windows.add(new long[] {Long.parseLong(phases.getProperty("phase." + phase + ".startMillis")),
                        Long.parseLong(phases.getProperty("phase." + phase + ".endMillis"))});
            }
        }
        Map<String, Long> counts = new HashMap<>();
        eachSample(file, t -> windows.stream().anyMatch(w -> t >= w[0] && t <= w[1]), methods -> {
            int innermost = -1;
            for (int i = 0; i < methods.size() && innermost < 0; i++) {
                if (methods.get(i).startsWith("dev.wsquota.")) {
                    innermost = i;
                }
            }
            // A sample whose innermost wsquota frame is a filter's pass-through is the handshake's, not ours.
            if (innermost >= 0 && !PASS_THROUGH.contains(methods.get(innermost))) {
                new LinkedHashSet<>(methods.subList(0, innermost + 1))
                        .forEach(m -> counts.merge(m, 1L, Long::sum));
            }
        });
        return top(counts, limit);
    }

    /** The most frequent methods within [fromMillis, toMillis]: on top of the stack (self) and anywhere on it. */
    record HotFrames(long samples, Map<String, Long> self, Map<String, Long> total) {
    }

    /**
     * Counts, per method, the execution samples with that method on top of the stack (self) and those with it
     * anywhere on the stack, once per sample (total); each ordered by count, at most {@code limit}.
     */
    static HotFrames hotFrames(Path file, long fromMillis, long toMillis, int limit) throws Exception {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        long[] samples = {0};
        eachSample(file, t -> t >= fromMillis && t <= toMillis, methods -> {
            if (methods.isEmpty()) {
                return;
            }
            samples[0]++;
            self.merge(methods.get(0), 1L, Long::sum);
            new HashSet<>(methods).forEach(m -> total.merge(m, 1L, Long::sum));
        });
        return new HotFrames(samples[0], top(self, limit), top(total, limit));
    }

    /** Every execution sample with a stack, taken at a wall-clock time {@code when} accepts: its methods, top first. */
    private static void eachSample(Path file, LongPredicate when,
                                   Consumer<List<String>> methods) throws Exception {
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                        || !when.test(event.getStartTime().toEpochMilli())) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    names.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
                }
                methods.accept(names);
            }
        }
    }

    private static Map<String, Long> top(Map<String, Long> counts, int limit) {
        Map<String, Long> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }
}
