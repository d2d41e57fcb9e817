package dev.wsquota.jmx;

import org.junit.jupiter.api.Test;

import javax.management.Notification;
import javax.management.openmbean.CompositeData;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminAuditTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final OperatorNotifications notifications = new OperatorNotifications();
    private final List<Notification> records = new CopyOnWriteArrayList<>();
    private final AdminAudit audit = new AdminAudit(notifications, () -> Optional.of("ops"), now::get);
    private final AtomicInteger interval = new AtomicInteger(2);

    AdminAuditTest() {
        notifications.addNotificationListener((notification, handback) -> records.add(notification), null, null);
    }

    private void write(int value) {
        audit.write("CleanupIntervalSeconds", interval::get, () -> interval.set(value));
    }

    private static long changes(Notification record) {
        return (Long) ((CompositeData) record.getUserData()).get("changes");
    }

    private static String field(Notification record, String name) {
        return (String) ((CompositeData) record.getUserData()).get(name);
    }

    @Test
    void aStormOfWritesIsOneRecordPerSecondAndEveryChangeIsCounted() {
        int written = 0;
        for (int i = 0; i < 1_000; i++) { // 100 per second for 10 s
            write(2 + (i + 1) % 2);
            written++;
            now.addAndGet(10);
            if (i % 50 == 0) {
                audit.flush(); // the registration's once-a-second flush, here twice a second
            }
        }
        now.addAndGet(AdminAudit.FOLD_WINDOW_MILLIS);
        audit.flush();

        assertTrue(records.size() <= 2 * 10 + 2, records.size() + " records for 10 s of writes");
        assertEquals(written, records.stream().mapToLong(AdminAuditTest::changes).sum(), "every change counted once");
        Notification last = records.get(records.size() - 1);
        assertEquals(String.valueOf(interval.get()), field(last, "newValue"),
                "the last record ends at the value in force");
        assertEquals("ops", field(last, "caller"));
    }

    @Test
    void aSingleWriteIsRecordedAtOnceAsBefore() {
        write(7);
        assertEquals(1, records.size());
        assertEquals("wsquota admin: CleanupIntervalSeconds changed from 2 to 7 (by ops)", records.get(0).getMessage());
        assertEquals(1L, changes(records.get(0)));
    }

    @Test
    void writesAfterTheFirstAreHeldUntilTheSecondEndsThenSummed() {
        write(3);
        write(4);
        write(5);
        audit.flush();
        assertEquals(1, records.size(), "folded while the second lasts");

        now.addAndGet(AdminAudit.FOLD_WINDOW_MILLIS);
        audit.flush();

        assertEquals(2, records.size());
        Notification summary = records.get(1);
        assertEquals(2L, changes(summary));
        assertEquals("3", field(summary, "oldValue"));
        assertEquals("5", field(summary, "newValue"));
        assertTrue(summary.getMessage().contains("changed 2 more times"), summary.getMessage());
    }

    @Test
    void oneFoldedChangeReadsAsAnOrdinaryRecord() {
        write(3);
        write(7);
        now.addAndGet(AdminAudit.FOLD_WINDOW_MILLIS);
        write(7); // no change: not a record, but the folded one before it comes out first
        audit.flush();
        assertEquals(List.of("wsquota admin: CleanupIntervalSeconds changed from 2 to 3 (by ops)",
                "wsquota admin: CleanupIntervalSeconds changed from 3 to 7 (by ops)"),
                records.stream().map(Notification::getMessage).toList());
    }

    @Test
    void aSecondEndingDuringAWriteHandsOutItsSummaryBeforeThatWritesRecord() {
        AtomicLong tick = new AtomicLong(); // added to the clock at each reading
        AdminAudit audit = new AdminAudit(notifications, () -> Optional.of("ops"), () -> now.getAndAdd(tick.get()));
        AtomicInteger quota = new AtomicInteger(2);
        for (int value = 3; value <= 5; value++) {
            int next = value;
            audit.write("MaxManagersPerUser", quota::get, () -> quota.set(next));
        }
        now.addAndGet(AdminAudit.FOLD_WINDOW_MILLIS - 1);
        tick.set(1); // the write's flush reads the last millisecond of the second, its record the first one after it
        audit.write("MaxManagersPerUser", quota::get, () -> quota.set(6));

        assertEquals(List.of("wsquota admin: MaxManagersPerUser changed from 2 to 3 (by ops)",
                "wsquota admin: MaxManagersPerUser changed 2 more times within 1000 ms of its last record, from 3 to 5"
                        + " (the last by ops)",
                "wsquota admin: MaxManagersPerUser changed from 5 to 6 (by ops)"),
                records.stream().map(Notification::getMessage).toList());
        assertEquals(4L, records.stream().mapToLong(AdminAuditTest::changes).sum(), "every change counted once");
    }

    @Test
    void stoppingHandsOutWhatIsStillHeld() {
        write(3);
        write(4);
        audit.flushAll();
        assertEquals(2, records.size());
        assertEquals(2L, records.stream().mapToLong(AdminAuditTest::changes).sum());
    }

    @Test
    void otherAttributesAreNotFoldedWithThisOne() {
        AtomicInteger quota = new AtomicInteger(5);
        write(3);
        audit.write("MaxManagersPerUser", quota::get, () -> quota.set(6));
        assertEquals(2, records.size());
    }
}
