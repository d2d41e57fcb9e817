package dev.wsquota.api;

import dev.wsquota.ejb.ManagerFactory;
import dev.wsquota.ejb.UserMessages;
import dev.wsquota.guard.GuardSettings;
import dev.wsquota.guard.MessageBodyGuard;
import dev.wsquota.jmx.AdminRegistration;
import dev.wsquota.quota.Delivery;
import dev.wsquota.quota.LogSafe;
import dev.wsquota.quota.ManagerView;
import dev.wsquota.quota.Settings;
import dev.wsquota.quota.UserIds;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP door to the application's messages, for backends in any language: POST a text to a user, a manager or
 * everyone; list and disconnect a user's managers. Every call is audited like an operator's JMX write. The body is
 * checked whole ({@link MessageBodyGuard}) before anything is sent.
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class MessagesResource {

    @Inject
    private UserMessages messages;

    @EJB
    private ManagerFactory factory;

    @EJB
    private AdminRegistration admin;

    @POST
    @Path("users/{user}/messages")
    @Consumes(MediaType.WILDCARD)
    public Response toUser(@PathParam("user") String user, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type,
                           InputStream body) {
        String what = "POST /api/users/" + LogSafe.user(user) + "/messages";
        Optional<Response> badUser = checkUser(user, what);
        if (badUser.isPresent()) {
            return badUser.get();
        }
        return withBody(what, type, body, text -> delivered(what, "to " + LogSafe.user(user), text,
                messages.toUser(user, text)));
    }

    @POST
    @Path("managers/{managerId}/messages")
    @Consumes(MediaType.WILDCARD)
    public Response toManager(@PathParam("managerId") String managerId,
                              @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, InputStream body) {
        String what = "POST /api/managers/" + LogSafe.user(managerId) + "/messages";
        return withBody(what, type, body, text -> {
            Optional<Delivery> sent = managerId.length() > UserIds.MAX_LENGTH ? Optional.empty()
                    : messages.toManager(managerId, text);
            if (sent.isEmpty()) {
                return refused(what, Response.Status.NOT_FOUND, "no live manager with id " + LogSafe.user(managerId));
            }
            return delivered(what, "to manager " + LogSafe.user(managerId), text, sent.get());
        });
    }

    @POST
    @Path("messages")
    @Consumes(MediaType.WILDCARD)
    public Response toEveryone(@HeaderParam(HttpHeaders.CONTENT_TYPE) String type, InputStream body) {
        String what = "POST /api/messages";
        return withBody(what, type, body, text -> delivered(what, "to everyone", text, messages.toEveryone(text)));
    }

    @GET
    @Path("users/{user}/managers")
    public Response managers(@PathParam("user") String user) {
        String what = "GET /api/users/" + LogSafe.user(user) + "/managers";
        Optional<Response> badUser = checkUser(user, what);
        if (badUser.isPresent()) {
            return badUser.get();
        }
        List<Map.Entry<String, ManagerView>> rows = new ArrayList<>();
        factory.clusterWide().listByNode(user)
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
        return Response.ok(array.build().toString()).build();
    }

    @DELETE
    @Path("users/{user}/managers")
    public Response disconnect(@PathParam("user") String user) {
        String what = "DELETE /api/users/" + LogSafe.user(user) + "/managers";
        Optional<Response> badUser = checkUser(user, what);
        if (badUser.isPresent()) {
            return badUser.get();
        }
        int closed = factory.clusterWide().disconnect(user);
        admin.recordApiCall(what, closed, what + ": closed " + closed + " managers of " + LogSafe.user(user)
                + " (1008, disconnected by an operator)");
        return Response.ok(Json.createObjectBuilder().add("closed", closed).build().toString()).build();
    }

    /** 400 for a user id the handshake would refuse. */
    private Optional<Response> checkUser(String user, String what) {
        try {
            UserIds.check(user);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(refused(what, Response.Status.BAD_REQUEST, e.getMessage()));
        }
    }

    private Response withBody(String what, String type, InputStream body, Function<String, Response> send) {
        String text;
        try {
            text = MessageBodyGuard.read(type, body, maxMessageBytes());
        } catch (MessageBodyGuard.Refused e) {
            return refused(what, Response.Status.fromStatusCode(e.status()), e.getMessage());
        } catch (IOException e) {
            return refused(what, Response.Status.BAD_REQUEST, "the body could not be read: " + e.getMessage());
        }
        return send.apply(text);
    }

    private Response delivered(String what, String target, String text, Delivery sent) {
        JsonObject answer = Json.createObjectBuilder()
                .add("delivered", sent.delivered())
                .add("nodes", sent.nodes())
                .add("refused", sent.refused())
                .add("unreachable", sent.unreachable())
                .build();
        admin.recordApiCall(what, answer.toString(), what + ": message of " + text.length() + " characters " + target
                + " " + answer);
        return Response.ok(answer.toString()).build();
    }

    private Response refused(String what, Response.Status status, String why) {
        admin.recordApiCall(what, status.getStatusCode(),
                what + ": refused with " + status.getStatusCode() + ", " + why);
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Json.createObjectBuilder().add("error", why).build().toString()).build();
    }

    /** The inbound message size limit, the same for messages in both directions. */
    private static int maxMessageBytes() {
        return Settings.intValue(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class),
                GuardSettings.MAX_MESSAGE_BYTES, GuardSettings.DEFAULT_MAX_MESSAGE_BYTES);
    }
}
