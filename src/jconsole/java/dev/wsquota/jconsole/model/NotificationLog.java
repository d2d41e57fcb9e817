package dev.wsquota.jconsole.model;

import javax.management.Notification;
import javax.management.NotificationListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The latest notifications of the MXBean (limit hits, cleanup failures, timer re-creations, drift corrections,
 * admin audit), newest first, at most {@code capacity}. The JMX connector calls {@link #handleNotification} on
 * its own thread; the tab reads {@link #latest()} on the Swing thread.
 */
public final class NotificationLog implements NotificationListener {

    private final int capacity;
    private final Deque<Event> events = new ArrayDeque<>();
    private long received;

    public NotificationLog(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void handleNotification(Notification notification, Object handback) {
        events.addFirst(new Event(notification.getTimeStamp(), notification.getType(), notification.getMessage()));
        while (events.size() > capacity) {
            events.removeLast();
        }
        received++;
    }

    /** The kept notifications, newest first. */
    public synchronized List<Event> latest() {
        return new ArrayList<>(events);
    }

    /** Notifications received since the tab subscribed; a change tells the view to redraw its list. */
    public synchronized long received() {
        return received;
    }
}
