package dev.wsquota.jconsole;

import dev.wsquota.jconsole.model.Poll;
import dev.wsquota.jconsole.model.Snapshot;
import dev.wsquota.jconsole.model.TabModel;
import dev.wsquota.jconsole.model.UserRow;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerFactory;
import javax.swing.SwingUtilities;
import javax.swing.event.TableModelEvent;
import java.awt.Component;
import java.awt.Container;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tab painted headless into an image, with 10,000 users. Prints how long it takes; the bound is generous on
 * purpose (a shared 2-core machine): it catches a tab that renders every row or rebuilds itself, not a slow second.
 */
class WsquotaTabRenderTest {

    private static final int USERS = 10_000;
    private static final long GENEROUS_BOUND_MILLIS = 10_000;

    private static Poll poll(long at, int users, int bump) {
        List<UserRow> rows = new ArrayList<>(users);
        for (int i = 0; i < users; i++) {
            int active = 1 + (i % 5);
            rows.add(new UserRow(String.format("user-%05d", i), active, i % 7 == 0 ? 3 : 5, i % 7 == 0, 600 - i % 600,
                    i < bump ? 0 : i % 90));
        }
        Snapshot snapshot = new Snapshot(at,
                new dev.wsquota.jconsole.model.ClusterView(true, "wsquota-prod", "10.0.0.1:5701", 3, 2, 30, 4_200,
                false, 0, 0, 40_000), rows.stream().mapToInt(UserRow::active).sum(), 100_000, users, 5,
                1_000 + at / 100, 17, Map.of("USER_QUOTA", 17L), Map.of("CLOSE", at / 1000, "IDLE", 3L),
                new Snapshot.CleanupHealth(new Date(at - 2_000), new Date(at + 58_000), false, true, "", 12, 0, 0, 0,
                        60),
                rows);
        return Poll.present(snapshot, null, List.of(), "");
    }

    @Test
    void tenThousandUsersRenderHeadlessAndARefreshUpdatesRowsInPlace() throws Exception {
        assertTrue(GraphicsEnvironment.isHeadless(), "this test runs without a display");
        AtomicReference<String> report = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            WsquotaTab tab = new WsquotaTab(new TabModel(MBeanServerFactory::newMBeanServer), Dialogs.SWING);
            tab.setSize(1280, 860);
            Poll first = poll(1_000_000, USERS, 0);
            long start = System.nanoTime();
            tab.show(first);
            long applied = System.nanoTime();
            BufferedImage image = paint(tab);
            long painted = System.nanoTime();

            // later refreshes: the same users, 25 of them changed: only those rows are fired
            List<TableModelEvent> events = new ArrayList<>();
            findUsersTable(tab).getModel().addTableModelListener(events::add);
            StringBuilder later = new StringBuilder();
            for (int round = 1; round <= 5; round++) {
                events.clear();
                Poll next = poll(1_000_000 + round * 4_000L, USERS, round % 2 == 1 ? 25 : 0);
                long t0 = System.nanoTime();
                tab.show(next);
                long t1 = System.nanoTime();
                paint(tab);
                long t2 = System.nanoTime();
                later.append(String.format(" %d+%d", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000));
            }
            assertEquals(USERS, findUsersTable(tab).getRowCount());
            assertTrue(!events.isEmpty() && events.stream().allMatch(e -> e.getType() == TableModelEvent.UPDATE
                    && e.getFirstRow() != TableModelEvent.HEADER_ROW && e.getLastRow() < 25), "in place: "
                            + describe(events));
            assertNotEquals(image.getRGB(640, 430), 0, "something was painted");
            long total = (System.nanoTime() - start) / 1_000_000;
            report.set(
                    String.format("wsquota tab, %,d users: first refresh applied in %d ms, whole tab painted in %d ms; "
                            + "5 later refreshes (25 rows changed, then back) applied+painted in ms:%s; %d ms in "
                                    + "all, building the test data included",
                    USERS, (applied - start) / 1_000_000, (painted - applied) / 1_000_000, later, total));
            assertTrue(total < GENEROUS_BOUND_MILLIS, report.get());
        });
        System.out.println(report.get());
    }

    @Test
    void aJvmWithoutWsquotaShowsThePlainMessage() throws Exception {
        SwingUtilities.invokeAndWait(() -> {
            WsquotaTab tab = new WsquotaTab(new TabModel(MBeanServerFactory::newMBeanServer), Dialogs.SWING);
            tab.setSize(800, 600);
            tab.show(Poll.absent(TabModel.ABSENT));
            paint(tab);
            javax.swing.JLabel shown = visibleLabels(tab).stream()
                    .filter(l -> l.getText().contains("has no dev.wsquota"))
                    .findFirst().orElseThrow(() -> new AssertionError("no visible message"));
            assertTrue(shown.getText().contains("wsquota is not deployed here"), shown.getText());
        });
    }

    private static BufferedImage paint(WsquotaTab tab) {
        layout(tab);
        BufferedImage image = new BufferedImage(tab.getWidth(), tab.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        try {
            tab.printAll(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void layout(Component component) {
        component.doLayout();
        if (component instanceof Container container) {
            for (Component child : container.getComponents()) {
                layout(child);
            }
        }
    }

    static javax.swing.JTable findUsersTable(Container root) {
        for (Component child : root.getComponents()) {
            if (child instanceof javax.swing.JTable table && table.getModel() instanceof UsersTableModel) {
                return table;
            }
            if (child instanceof Container container) {
                javax.swing.JTable found = findUsersTable(container);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static List<javax.swing.JLabel> visibleLabels(Container root) {
        List<javax.swing.JLabel> labels = new ArrayList<>();
        for (Component child : root.getComponents()) {
            if (!child.isVisible()) {
                continue;
            }
            if (child instanceof javax.swing.JLabel label) {
                labels.add(label);
            }
            if (child instanceof Container container) {
                labels.addAll(visibleLabels(container));
            }
        }
        return labels;
    }

    private static String describe(List<TableModelEvent> events) {
        return events.stream().map(e -> e.getType() + ":" + e.getFirstRow() + "-" + e.getLastRow()).toList().toString();
    }
}
