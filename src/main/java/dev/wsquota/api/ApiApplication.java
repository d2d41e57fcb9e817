package dev.wsquota.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Puts the HTTP API under {@code /api}; web.xml lets only the {@code wsquota-publisher} role in. */
@ApplicationPath("/api")
public class ApiApplication extends Application {
}
