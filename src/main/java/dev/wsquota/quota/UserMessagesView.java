package dev.wsquota.quota;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the operator's per-user message table: what the user's live managers on this node have carried,
 * summed from the registry at the moment of reading (a manager that closed takes its counts with it).
 *
 * @param user        the user id
 * @param managers    the user's live managers on this node
 * @param messagesIn  messages their peers sent, over the live managers' lives
 * @param messagesOut messages written to their peers, over the live managers' lives
 * @param queuedBytes bytes waiting in their outbound queues now
 */
public record UserMessagesView(String user, int managers, long messagesIn, long messagesOut, long queuedBytes) {

    /** One row per user holding at least one manager, sorted by user. */
    public static List<UserMessagesView> rows(ManagerRegistry registry) {
        List<UserMessagesView> rows = new ArrayList<>();
        for (String user : registry.users()) {
            List<Manager> mine = registry.managersOf(user);
            if (mine.isEmpty()) {
                continue; // left between the two reads
            }
            long in = 0;
            long out = 0;
            long queued = 0;
            for (Manager manager : mine) {
                in += manager.messagesIn();
                out += manager.messagesOut();
                queued += Outboxes.queuedBytes(manager);
            }
            rows.add(new UserMessagesView(user, mine.size(), in, out, queued));
        }
        return rows;
    }
}
