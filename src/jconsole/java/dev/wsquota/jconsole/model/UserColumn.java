package dev.wsquota.jconsole.model;

import java.util.Comparator;
import java.util.function.Function;

/** The columns of the users table, each with its header and its sort order (ties broken by user id). */
public enum UserColumn {
    USER("User", String.class, UserRow::user, Comparator.comparing(UserRow::user)),
    ACTIVE("Active", Integer.class, UserRow::active, Comparator.comparingInt(UserRow::active)),
    QUOTA("Quota", String.class, row -> row.override() ? row.quota() + " *" : String.valueOf(row.quota()),
            Comparator.comparingInt(UserRow::quota)),
    OLDEST_MANAGER_AGE("Oldest manager age", String.class, row -> Durations.format(row.oldestManagerAgeSeconds()),
            Comparator.comparingLong(UserRow::oldestManagerAgeSeconds)),
    LAST_ACTIVITY("Last activity", String.class, row -> Durations.format(row.lastActivitySecondsAgo()) + " ago",
            Comparator.comparingLong(UserRow::lastActivitySecondsAgo)),
    MESSAGES_IN("Messages in", Long.class, UserRow::messagesIn, Comparator.comparingLong(UserRow::messagesIn)),
    MESSAGES_OUT("Messages out", Long.class, UserRow::messagesOut, Comparator.comparingLong(UserRow::messagesOut)),
    QUEUED_BYTES("Queued bytes", Long.class, UserRow::queuedBytes, Comparator.comparingLong(UserRow::queuedBytes));

    private final String header;
    private final Class<?> type;
    private final Function<UserRow, Object> cell;
    private final Comparator<UserRow> primary;

    UserColumn(String header, Class<?> type, Function<UserRow, Object> cell, Comparator<UserRow> order) {
        this.header = header;
        this.type = type;
        this.cell = cell;
        this.primary = order;
    }

    public String header() {
        return header;
    }

    public Class<?> type() {
        return type;
    }

    /** What the table shows in this column for the row; a quota of the user's own is marked with " *". */
    public Object cell(UserRow row) {
        return cell.apply(row);
    }

    /** The column's order, either way; users with equal values always stay in user-id order. */
    public Comparator<UserRow> order(boolean ascending) {
        return (ascending ? primary : primary.reversed()).thenComparing(UserRow::user);
    }
}
