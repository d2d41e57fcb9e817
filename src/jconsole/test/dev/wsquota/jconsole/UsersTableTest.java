package dev.wsquota.jconsole;

import dev.wsquota.jconsole.model.TableChange;
import dev.wsquota.jconsole.model.UserColumn;
import dev.wsquota.jconsole.model.UserRow;
import dev.wsquota.jconsole.model.UsersTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsersTableTest {

    private final UsersTable table = new UsersTable();

    private static UserRow row(String user, int active, int quota, long age, long idle) {
        return new UserRow(user, active, quota, quota != 5, age, idle);
    }

    private List<String> users() {
        return table.rows().stream().map(UserRow::user).toList();
    }

    @Test
    void sortsOnEveryColumnAndFlipsOnTheSecondClick() {
        table.update(List.of(row("carol", 3, 3, 10, 9), row("alice", 1, 5, 30, 1), row("bob", 2, 5, 20, 5)));
        assertEquals(List.of("alice", "bob", "carol"), users(), "by user, ascending, at first");
        table.sortBy(UserColumn.ACTIVE);
        assertEquals(List.of("carol", "bob", "alice"), users(), "numbers: largest first");
        table.sortBy(UserColumn.ACTIVE);
        assertEquals(List.of("alice", "bob", "carol"), users());
        table.sortBy(UserColumn.QUOTA);
        assertEquals(List.of("alice", "bob", "carol"), users(), "quota 5, 5, 3: ties by user");
        table.sortBy(UserColumn.OLDEST_MANAGER_AGE);
        assertEquals(List.of("alice", "bob", "carol"), users());
        table.sortBy(UserColumn.LAST_ACTIVITY);
        assertEquals(List.of("carol", "bob", "alice"), users());
        table.sortBy(UserColumn.USER);
        assertEquals(List.of("alice", "bob", "carol"), users());
        table.sortBy(UserColumn.USER);
        assertEquals(List.of("carol", "bob", "alice"), users());
    }

    @Test
    void filtersByPartOfTheIdIgnoringCaseAndByAtQuota() {
        table.update(List.of(row("Carol", 3, 3, 10, 9), row("alice", 1, 5, 30, 1), row("bob", 2, 5, 20, 5)));
        table.filter("AR");
        assertEquals(List.of("Carol"), users());
        assertEquals(3, table.totalUsers());
        table.filter(" ");
        assertEquals(3, table.size());
        table.onlyAtQuota(true);
        assertEquals(List.of("Carol"), users());
        assertEquals(1, table.usersAtQuota());
    }

    @Test
    void aRefreshWithTheSameUsersReportsOnlyTheRowsThatChanged() {
        table.update(List.of(row("a", 1, 5, 1, 1), row("b", 1, 5, 1, 1), row("c", 1, 5, 1, 1), row("d", 1, 5, 1, 1)));
        TableChange change = table.update(List.of(row("a", 1, 5, 1, 1), row("b", 2, 5, 1, 1), row("c", 1, 5, 1, 1),
                row("d", 1, 5, 9, 1)));
        assertFalse(change.structural());
        assertArrayEquals(new int[]{1, 3}, change.updatedRows());
        assertTrue(table.update(table.rows()).isNone(), "nothing changed: nothing to repaint");
    }

    @Test
    void aNewGoneOrReorderedUserIsAStructuralChange() {
        table.update(List.of(row("a", 1, 5, 1, 1), row("b", 1, 5, 1, 1)));
        assertTrue(table.update(List.of(row("a", 1, 5, 1, 1))).structural(), "b left");
        assertTrue(table.update(List.of(row("a", 1, 5, 1, 1), row("c", 1, 5, 1, 1))).structural(), "c came, same size");
        table.sortBy(UserColumn.ACTIVE);
        assertTrue(table.update(List.of(row("a", 1, 5, 1, 1), row("c", 4, 5, 1, 1))).structural(),
                "c moved to the top");
        assertEquals(List.of("c", "a"), users());
    }

    @Test
    void atQuotaAndTheOverrideMarkAreWhatTheTableShows() {
        UserRow own = new UserRow("x", 2, 2, true, 65, 3_700);
        assertTrue(own.atQuota());
        assertEquals("2 *", UserColumn.QUOTA.cell(own));
        assertEquals("1 min 05 s", UserColumn.OLDEST_MANAGER_AGE.cell(own));
        assertEquals("1 h 01 min ago", UserColumn.LAST_ACTIVITY.cell(own));
        assertEquals("5", UserColumn.QUOTA.cell(new UserRow("y", 6, 5, false, 0, 0)));
        assertTrue(new UserRow("y", 6, 5, false, 0, 0).atQuota(), "above a lowered quota counts as at it");
        assertFalse(new UserRow("z", 4, 5, false, 0, 0).atQuota());
    }
}
