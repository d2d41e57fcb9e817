package dev.wsquota.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Anonymous HTTP GETs to the test server's operations endpoints (/health/..., /metrics), as a probe or Prometheus
 * does. Health is on {@code healthPort} where set (WildFly serves it on its management interface), else on httpPort.
 */
public final class OpsHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** One sample line of the Prometheus text format: name{labels} value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    private OpsHttp() {
    }

    public static HttpResponse<String> get(String path) {
        String port = path.startsWith("/health") ? healthPort() : System.getProperty("httpPort");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during GET " + path, e);
        }
    }

    /** The port that serves /health: the management port on WildFly, the HTTP port on Liberty. */
    public static String healthPort() {
        return System.getProperty("healthPort", System.getProperty("httpPort"));
    }

    /** One sample of the Prometheus text format. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** Every sample of a Prometheus text body; a line that is not one fails. */
    public static List<Sample> samples(String body) {
        List<Sample> samples = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.trim());
            if (!sample.matches()) {
                throw new AssertionError("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
        return samples;
    }

    /** Scrapes /metrics?scope=application anonymously and returns the one sample with this name and these labels. */
    public static double metric(String name, String... labelPairs) {
        HttpResponse<String> scrape = get("/metrics?scope=application");
        if (scrape.statusCode() != 200) {
            throw new AssertionError("scrape answered " + scrape.statusCode() + ": " + scrape.body());
        }
        return find(samples(scrape.body()), name, labelPairs).value();
    }

    /** The one application-scope sample with this name whose labels include these name/value pairs. */
    public static Sample find(List<Sample> samples, String name, String... labelPairs) {
        List<Sample> found = new ArrayList<>();
        for (Sample sample : samples) {
            boolean matches = sample.name().equals(name) && "application".equals(sample.labels().get("mp_scope"));
            for (int i = 0; i + 1 < labelPairs.length; i += 2) {
                matches &= labelPairs[i + 1].equals(sample.labels().get(labelPairs[i]));
            }
            if (matches) {
                found.add(sample);
            }
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + " " + List.of(labelPairs) + ", found " + found);
        }
        return found.get(0);
    }
}
