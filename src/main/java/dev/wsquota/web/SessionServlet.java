package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.guard.OriginPolicy;
import dev.wsquota.util.LogSafe;
import dev.wsquota.util.WeakLogger;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.security.Principal;
import java.util.Arrays;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The browser page's sign-in, who-am-I and sign-out, through the container's programmatic security
 * ({@code HttpServletRequest.login/logout}): the login sets Liberty's SSO cookie, which the {@code /ws} handshake
 * accepts, while the application's BASIC login-config stays as it is for non-browser clients. A failed sign-in is a
 * 401 without {@code WWW-Authenticate}, so no browser pops its own password dialog.
 *
 * <p>{@code GET /session}: {@code {"user":...,"managersHere":n}}, or {@code {"user":null,"tokenCookie":b}} where b
 * says whether the browser sent the production JWT cookie (then {@code GET /session/token} names its user);
 * {@code POST /session} with a JSON body {@code {"user":...,"password":...}} signs in;
 * {@code DELETE /session} signs out. POST must be JSON and DELETE is not a form method, so a page on another site
 * cannot submit either without a CORS preflight this servlet never grants; the Origin policy of {@code /ws} applies
 * to the POST as well.
 */
@WebServlet("/session")
public class SessionServlet extends HttpServlet {

    private static final Logger LOG = WeakLogger.of(SessionServlet.class);

    @EJB
    private ManagerFactory factory;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        noStore(response);
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            // Liberty's MicroProfile JWT authenticates only requests to protected resources: the page asks
            // /session/token (TokenSessionServlet) when the browser holds the production cookie.
            write(response, HttpServletResponse.SC_OK, Json.createObjectBuilder().add("user", JsonValue.NULL)
                    .add("tokenCookie", carriesJwtCookie(request)));
            return;
        }
        write(response, HttpServletResponse.SC_OK, signedIn(principal.getName(), factory));
    }

    /** What the page is told about a signed-in user. */
    static JsonObjectBuilder signedIn(String user, ManagerFactory factory) {
        return Json.createObjectBuilder().add("user", user).add("managersHere", factory.readings().countOf(user));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        noStore(response);
        OriginPolicy.Decision origin = GuardRuntime.current().settings().allowedOrigins()
                .check(request.getHeader("Origin"), request.getHeader("Host"));
        if (!origin.allowed()) {
            error(response, HttpServletResponse.SC_FORBIDDEN, "origin not allowed: " + origin.reason());
            return;
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            error(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "send {\"user\":...,\"password\":...} as JSON");
            return;
        }
        JsonObject body;
        try (JsonReader reader = Json.createReader(request.getReader())) {
            body = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            // The client's own mistake: it gets the reason; nothing else changes.
            error(response, HttpServletResponse.SC_BAD_REQUEST, "the body is not a JSON object");
            return;
        }
        String user = body.getString("user", "");
        String password = body.getString("password", "");
        if (user.isBlank() || password.isEmpty()) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "user and password are required");
            return;
        }
        try {
            if (request.getUserPrincipal() != null) {
                request.logout(); // signing in as someone else replaces the old identity, never stacks on it
            }
            request.login(user, password);
        } catch (ServletException refused) {
            // Wrong user or password (or a registry that refuses): the page shows it; the exception carries no more.
            LOG.fine(() -> "sign-in refused for " + LogSafe.user(user) + ": " + refused.getMessage());
            error(response, HttpServletResponse.SC_UNAUTHORIZED, "wrong user name or password");
            return;
        }
        write(response, HttpServletResponse.SC_OK, signedIn(request.getUserPrincipal().getName(), factory));
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        noStore(response);
        request.logout();
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        write(response, HttpServletResponse.SC_OK, Json.createObjectBuilder().add("user", JsonValue.NULL));
    }

    private static boolean carriesJwtCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        String name = GuardRuntime.current().gate().jwtCookie();
        return cookies != null && Arrays.stream(cookies).anyMatch(c -> name.equals(c.getName()));
    }

    static void noStore(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
    }

    private static void error(HttpServletResponse response, int status, String message) throws IOException {
        write(response, status, Json.createObjectBuilder().add("error", message));
    }

    static void write(HttpServletResponse response, int status, JsonObjectBuilder body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body.build().toString());
    }
}
