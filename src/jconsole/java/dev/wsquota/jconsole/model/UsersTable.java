package dev.wsquota.jconsole.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The users table without Swing: every user of the last snapshot, the visible rows after the filter, in the chosen
 * order. Each change reports which visible rows it touched, so the view repaints only those (10,000 users refresh
 * without rebuilding the table). Not thread-safe: the plugin uses it on the Swing thread only.
 */
public final class UsersTable {

    private List<UserRow> all = List.of();
    private List<UserRow> visible = List.of();
    private UserColumn sortColumn = UserColumn.USER;
    private boolean ascending = true;
    private String filter = "";
    private boolean onlyAtQuota;

    /** Replaces every row with the snapshot's. */
    public TableChange update(List<UserRow> rows) {
        all = List.copyOf(rows);
        return recompute();
    }

    /** Sorts on the column; the same column again flips the direction. */
    public TableChange sortBy(UserColumn column) {
        if (column == sortColumn) {
            ascending = !ascending;
        } else {
            sortColumn = column;
            ascending = column == UserColumn.USER; // numbers: the largest first is what an operator looks for
        }
        return recompute();
    }

    /** Shows only users whose id contains the text, ignoring case; blank shows everyone. */
    public TableChange filter(String text) {
        filter = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return recompute();
    }

    /** Shows only users at (or above) their quota. */
    public TableChange onlyAtQuota(boolean only) {
        onlyAtQuota = only;
        return recompute();
    }

    public int size() {
        return visible.size();
    }

    public UserRow row(int index) {
        return visible.get(index);
    }

    /** The visible rows, in order. */
    public List<UserRow> rows() {
        return visible;
    }

    /** Users in the last snapshot, filtered or not. */
    public int totalUsers() {
        return all.size();
    }

    /** Users at their quota in the last snapshot, filtered or not. */
    public long usersAtQuota() {
        return all.stream().filter(UserRow::atQuota).count();
    }

    /** The visible index of the user, or -1. */
    public int indexOf(String user) {
        for (int i = 0; i < visible.size(); i++) {
            if (visible.get(i).user().equals(user)) {
                return i;
            }
        }
        return -1;
    }

    public UserColumn sortColumn() {
        return sortColumn;
    }

    public boolean ascending() {
        return ascending;
    }

    private TableChange recompute() {
        Comparator<UserRow> order = sortColumn.order(ascending);
        List<UserRow> next = new ArrayList<>(all.size());
        for (UserRow row : all) {
            if ((filter.isEmpty() || row.user().toLowerCase(Locale.ROOT).contains(filter))
                    && (!onlyAtQuota || row.atQuota())) {
                next.add(row);
            }
        }
        next.sort(order);
        List<UserRow> previous = visible;
        visible = next;
        if (previous.size() != next.size()) {
            return TableChange.STRUCTURE;
        }
        int[] changed = new int[next.size()];
        int count = 0;
        for (int i = 0; i < next.size(); i++) {
            UserRow before = previous.get(i);
            UserRow after = next.get(i);
            if (!before.user().equals(after.user())) {
                return TableChange.STRUCTURE;
            }
            if (!before.equals(after)) {
                changed[count++] = i;
            }
        }
        return count == 0 ? TableChange.NONE : new TableChange(false, java.util.Arrays.copyOf(changed, count));
    }
}
