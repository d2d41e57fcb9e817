package dev.wsquota.web;

import dev.wsquota.guard.CredentialCount;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.WeakLogger;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.logging.Logger;

/**
 * Refuses with 401 a WebSocket handshake that carries a Bearer token in the Authorization header and the JWT
 * cookie at once: two identities, and the container would pick one by its own rule (WildFly's MicroProfile JWT
 * takes the cookie, Liberty refuses). Here so the refusal is the same on every server; it runs after the
 * container authenticated the request and before the upgrade, so the endpoint and the quota never see it.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class SingleCredentialFilter extends HttpFilter {

    /** The cookie browsers send the JWT in, unless MicroProfile JWT's {@code mp.jwt.token.cookie} names another. */
    static final String DEFAULT_COOKIE = "wsquota-jwt";

    private static final Logger LOG = WeakLogger.of(SingleCredentialFilter.class);

    private String cookieName = DEFAULT_COOKIE;

    @Override
    public void init() {
        cookieName = ConfigProvider.getConfig().getOptionalValue("mp.jwt.token.cookie", String.class)
                .filter(name -> !name.isBlank()).orElse(DEFAULT_COOKIE);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Cookie[] cookies = request.getCookies();
        List<String> cookieNames = cookies == null ? List.of() : Arrays.stream(cookies).map(Cookie::getName).toList();
        if (!CredentialCount.bearerAndCookie(Collections.list(request.getHeaders("Authorization")), cookieNames, cookieName)) {
            chain.doFilter(request, response);
            return;
        }
        String user = request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
        LOG.info(() -> "refused a WebSocket handshake with 401: a Bearer token in the Authorization header and the "
                + cookieName + " cookie at once (the container had chosen user " + LogSafe.user(user) + ")");
        response.setHeader("WWW-Authenticate",
                "Bearer error=\"invalid_request\", error_description=\"send the token in the header or the cookie, not both\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "two credentials: header and cookie");
    }
}
