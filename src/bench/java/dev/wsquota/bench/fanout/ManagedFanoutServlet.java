package dev.wsquota.bench.fanout;

import dev.wsquota.ejb.UserMessages;
import dev.wsquota.quota.Delivery;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;

import java.util.Optional;

/** The benchmark's sender in the product WAR (added by the benchmark only): through {@link UserMessages}. */
@WebServlet("/bench-fanout")
public class ManagedFanoutServlet extends FanoutServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    private transient UserMessages messages;

    @Override
    protected int[] toUser(String user, String text) {
        Delivery delivery = messages.toUser(user, text);
        return new int[] {delivery.delivered(), delivery.refused()};
    }

    @Override
    protected int[] toManager(String id, String text) {
        Optional<Delivery> delivery = messages.toManager(id, text);
        return delivery.map(d -> new int[] {d.delivered(), d.refused()}).orElse(null);
    }
}
