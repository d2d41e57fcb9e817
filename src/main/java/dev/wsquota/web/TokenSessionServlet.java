package dev.wsquota.web;

import dev.wsquota.ejb.ManagerFactory;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /session/token}: who the production {@code wsquota-jwt} cookie signs in, for the browser page. Protected
 * (any authenticated user) because Liberty's MicroProfile JWT authenticates only requests to protected resources; the
 * page calls it only when {@code GET /session} reports that cookie, so a browser without it never meets the BASIC
 * challenge (and its password dialog).
 */
@WebServlet("/session/token")
@ServletSecurity(@HttpConstraint(rolesAllowed = "**"))
public class TokenSessionServlet extends HttpServlet {

    @EJB
    private ManagerFactory factory;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SessionServlet.noStore(response);
        SessionServlet.write(response, HttpServletResponse.SC_OK,
                SessionServlet.signedIn(request.getUserPrincipal().getName(), factory));
    }
}
