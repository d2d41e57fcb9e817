package dev.wsquota.example;

import dev.wsquota.inbound.ManagerClosed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A test observer that reports every closed event over HTTP to the URL in {@code it.inbound.report-url}, in the
 * forward mode's JSON, so a test outside the server sees what observers get while the application stops.
 */
@ApplicationScoped
public class ClosedReporter {

    private static final Logger LOG = Logger.getLogger(ClosedReporter.class.getName());

    void onClosed(@Observes ManagerClosed closed) throws IOException {
        Optional<String> url = ConfigProvider.getConfig().getOptionalValue("it.inbound.report-url", String.class);
        if (url.isEmpty()) {
            return;
        }
        String json = "{\"event\":\"closed\",\"user\":\"" + closed.user() + "\",\"managerId\":\"" + closed.managerId()
                + "\",\"cause\":\"" + closed.cause() + "\"}";
        HttpURLConnection post = (HttpURLConnection) new URL(url.get()).openConnection();
        try {
            post.setRequestMethod("POST");
            post.setDoOutput(true);
            post.setConnectTimeout(5_000);
            post.setReadTimeout(5_000);
            try (OutputStream body = post.getOutputStream()) {
                body.write(json.getBytes(StandardCharsets.UTF_8));
            }
            int status = post.getResponseCode();
            LOG.log(Level.FINE, "reported {0}: {1}", new Object[]{closed, status});
        } finally {
            post.disconnect();
        }
    }
}
