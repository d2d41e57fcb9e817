package dev.wsquota.api;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.ejb.UserMessages;
import dev.wsquota.guard.GuardSettings;
import dev.wsquota.guard.MessageBodyGuard;
import dev.wsquota.jmx.ManagerFactoryRegistration;
import dev.wsquota.quota.Delivery;
import dev.wsquota.util.LogSafe;
import dev.wsquota.quota.ManagerView;
import dev.wsquota.quota.Settings;
import dev.wsquota.quota.UserIds;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP door to the application's messages, for backends in any language: POST a text to a user, a manager or
 * everyone; list and disconnect a user's managers (docs/messages.md). Every call is audited like an operator's JMX
 * write, and the body is checked whole ({@link MessageBodyGuard}) before anything is sent. A plain servlet: on
 * Liberty 26.0.0.5 the Jakarta REST feature kept every undeployed version of the application loaded.
 */
@WebServlet(urlPatterns = "/api/*")
public class MessagesServlet extends HttpServlet {

    private static final Pattern TO_USER = Pattern.compile("/users/([^/]+)/messages");
    private static final Pattern TO_MANAGER = Pattern.compile("/managers/([^/]+)/messages");
    private static final String TO_EVERYONE = "/messages";
    private static final Pattern MANAGERS = Pattern.compile("/users/([^/]+)/managers");

    @Inject
    private UserMessages messages;

    @EJB
    private ManagerFactory factory;

    @EJB
    private ManagerFactoryRegistration admin;

    /** An answer: the status and its JSON body. */
    private record Answer(int status, String json) {
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = path(request);
        Matcher user = TO_USER.matcher(path);
        Matcher manager = TO_MANAGER.matcher(path);
        Answer answer;
        if (user.matches()) {
            answer = toUser(user.group(1), request);
        } else if (manager.matches()) {
            answer = toManager(manager.group(1), request);
        } else if (path.equals(TO_EVERYONE)) {
            String what = "POST /api/messages";
            answer = withBody(what, request, text -> delivered(what, "to everyone", text, messages.toEveryone(text)));
        } else {
            answer = notHere(request, path);
        }
        write(response, answer);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = path(request);
        Matcher user = MANAGERS.matcher(path);
        write(response, user.matches() ? managers(user.group(1)) : notHere(request, path));
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = path(request);
        Matcher user = MANAGERS.matcher(path);
        write(response, user.matches() ? disconnect(user.group(1)) : notHere(request, path));
    }

    private static String path(HttpServletRequest request) {
        return request.getPathInfo() == null ? "" : request.getPathInfo();
    }

    private Answer toUser(String user, HttpServletRequest request) {
        String what = "POST /api/users/" + LogSafe.user(user) + "/messages";
        return checkUser(user, what).orElseGet(() -> withBody(what, request,
                text -> delivered(what, "to " + LogSafe.user(user), text, messages.toUser(user, text))));
    }

    private Answer toManager(String managerId, HttpServletRequest request) {
        String what = "POST /api/managers/" + LogSafe.user(managerId) + "/messages";
        return withBody(what, request, text -> {
            Optional<Delivery> sent = managerId.length() > UserIds.MAX_LENGTH ? Optional.empty()
                    : messages.toManager(managerId, text);
            if (sent.isEmpty()) {
                return refused(what, HttpServletResponse.SC_NOT_FOUND, "no live manager with id "
                        + LogSafe.user(managerId));
            }
            return delivered(what, "to manager " + LogSafe.user(managerId), text, sent.get());
        });
    }

    private Answer managers(String user) {
        String what = "GET /api/users/" + LogSafe.user(user) + "/managers";
        Optional<Answer> badUser = checkUser(user, what);
        if (badUser.isPresent()) {
            return badUser.get();
        }
        List<Map.Entry<String, ManagerView>> rows = new ArrayList<>();
        factory.operatorActions().listByNode(user)
                .forEach((node, views) -> views.forEach(view -> rows.add(Map.entry(node, view))));
        rows.sort(Comparator.comparingLong(row -> row.getValue().openedAtMillis()));
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (Map.Entry<String, ManagerView> row : rows) {
            ManagerView view = row.getValue();
            array.add(Json.createObjectBuilder()
                    .add("managerId", view.managerId())
                    .add("node", row.getKey())
                    .add("openedAt", Instant.ofEpochMilli(view.openedAtMillis()).toString())
                    .add("remoteAddress", view.remoteAddress())
                    .add("idleSeconds", view.idleSeconds())
                    .add("messagesIn", view.messagesIn())
                    .add("messagesOut", view.messagesOut()));
        }
        admin.recordApiCall(what, rows.size(), what + ": listed " + rows.size() + " managers");
        return new Answer(HttpServletResponse.SC_OK, array.build().toString());
    }

    private Answer disconnect(String user) {
        String what = "DELETE /api/users/" + LogSafe.user(user) + "/managers";
        Optional<Answer> badUser = checkUser(user, what);
        if (badUser.isPresent()) {
            return badUser.get();
        }
        int closed = factory.operatorActions().disconnect(user);
        admin.recordApiCall(what, closed, what + ": closed " + closed + " managers of " + LogSafe.user(user)
                + " (1008, disconnected by an operator)");
        return new Answer(HttpServletResponse.SC_OK, Json.createObjectBuilder().add("closed", closed).build()
                .toString());
    }

    /** 404 for a path the API does not have, 405 for a method its path does not take; audited like the others. */
    private Answer notHere(HttpServletRequest request, String path) {
        String what = request.getMethod() + " /api" + LogSafe.user(path);
        boolean known = TO_USER.matcher(path).matches() || TO_MANAGER.matcher(path).matches()
                || path.equals(TO_EVERYONE) || MANAGERS.matcher(path).matches();
        return known ? refused(what, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method not allowed here")
                : refused(what, HttpServletResponse.SC_NOT_FOUND, "no such API path");
    }

    /** 400 for a user id the handshake would refuse. */
    private Optional<Answer> checkUser(String user, String what) {
        try {
            UserIds.check(user);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(refused(what, HttpServletResponse.SC_BAD_REQUEST, e.getMessage()));
        }
    }

    private Answer withBody(String what, HttpServletRequest request, Function<String, Answer> send) {
        String text;
        try {
            text = MessageBodyGuard.read(request.getContentType(), request.getInputStream(), maxMessageBytes());
        } catch (MessageBodyGuard.Refused e) {
            return refused(what, e.status(), e.getMessage());
        } catch (IOException e) {
            return refused(what, HttpServletResponse.SC_BAD_REQUEST, "the body could not be read: " + e.getMessage());
        }
        return send.apply(text);
    }

    private Answer delivered(String what, String target, String text, Delivery sent) {
        JsonObject answer = Json.createObjectBuilder()
                .add("delivered", sent.delivered())
                .add("nodes", sent.nodes())
                .add("refused", sent.refused())
                .add("unreachable", sent.unreachable())
                .build();
        admin.recordApiCall(what, answer.toString(), what + ": message of " + text.length() + " characters " + target
                + " " + answer);
        return new Answer(HttpServletResponse.SC_OK, answer.toString());
    }

    private Answer refused(String what, int status, String why) {
        admin.recordApiCall(what, status, what + ": refused with " + status + ", " + why);
        return new Answer(status, Json.createObjectBuilder().add("error", why).build().toString());
    }

    private static void write(HttpServletResponse response, Answer answer) throws IOException {
        response.setStatus(answer.status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(answer.json());
    }

    /** The inbound message size limit, the same for messages in both directions. */
    private static int maxMessageBytes() {
        return Settings.intValue(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class),
                GuardSettings.MAX_MESSAGE_BYTES, GuardSettings.DEFAULT_MAX_MESSAGE_BYTES);
    }
}
