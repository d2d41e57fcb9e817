package dev.wsquota.jconsole;

import com.sun.tools.jconsole.JConsolePlugin;
import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jconsole.model.Event;
import dev.wsquota.jconsole.model.ManagerLine;
import dev.wsquota.jconsole.model.Outcome;
import dev.wsquota.jconsole.model.Poll;
import dev.wsquota.jconsole.model.TabModel;
import dev.wsquota.jconsole.model.UserColumn;
import dev.wsquota.jconsole.model.UserRow;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import dev.wsquota.jmx.ManagerRow;
import dev.wsquota.quota.UserMessagesView;
import dev.wsquota.quota.UserView;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.swing.SwingUtilities;
import java.awt.Component;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JConsole plugin's model and tab against the real MXBean on the integration-test server, over JMX from this
 * JVM exactly as JConsole connects (the local connector's address), with real WebSocket users connected.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JConsolePluginIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.product("jconsoleplugin");
    }

    private final List<WsClient> clients = WsClient.newList();
    private JmxClient jmx;
    private ManagerFactoryMXBean factory;
    private TabModel model;

    @BeforeEach
    void connectUsers() throws IOException {
        jmx = JmxClient.connect();
        factory = jmx.factory();
        model = new TabModel(() -> {
            try {
                return jmx.connection();
            } catch (IOException e) {
                throw new IllegalStateException("the test's JMX connection broke", e);
            }
        });
        open("alice", 2);
        open("bob", 1);
        open("carol", 3);
    }

    @AfterEach
    void disconnect() throws IOException {
        WsClient.closeAll(clients);
        model.close();
        for (String user : factory.getUserQuotaOverrides().keySet()) {
            factory.clearUserQuota(user);
        }
        Await.until("every test user gone", Duration.ofSeconds(15), factory::getActiveManagers, n -> n == 0);
        jmx.close();
    }

    private void open(String user, int count) {
        for (int i = 0; i < count; i++) {
            WsClient client = WsClient.open(user);
            assertTrue(client.admitted(), user + " admitted");
            clients.add(client);
        }
    }

    private Poll poll(String selected) {
        Poll poll = model.poll(selected);
        assertEquals(Poll.State.PRESENT, poll.state(), poll.message());
        return poll;
    }

    private static <T> T onEdt(Supplier<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> result.set(work.get()));
        return result.get();
    }

    @Test
    void oneRowPerUserWithTheSameNumbersAsUserManagerCountsAndUsers() {
        Poll poll = poll("carol");
        model.apply(poll);
        Map<String, Integer> counts = factory.getUserManagerCounts();
        List<UserView> users = factory.getUsers();

        assertEquals(Map.of("alice", 2, "bob", 1, "carol", 3), counts);
        assertEquals(counts, model.users().rows().stream().collect(Collectors.toMap(UserRow::user, UserRow::active)),
                "one row per user, with UserManagerCounts' count");
        assertEquals(users.size(), model.users().size());
        for (UserView view : users) {
            UserRow row = model.users().row(model.users().indexOf(view.user()));
            assertEquals(view.active(), row.active(), view.user());
            assertEquals(view.quota(), row.quota(), view.user());
            assertFalse(row.override(), view.user());
            // read a moment apart: the ages may have moved on by a second
            assertTrue(Math.abs(view.oldestManagerAgeSeconds() - row.oldestManagerAgeSeconds()) <= 2, view + " vs "
                    + row);
            assertTrue(Math.abs(view.lastActivitySecondsAgo() - row.lastActivitySecondsAgo()) <= 2, view + " vs "
                    + row);
        }
        assertEquals(factory.listManagers("carol").stream().map(ManagerRow::managerId).toList(),
                poll.managers().stream().map(ManagerLine::managerId).toList(), "the selected user's managers");
        assertEquals(factory.listManagers("carol").get(0).remoteAddress(), poll.managers().get(0).remoteAddress());
        assertTrue(poll.managers().get(0).remoteAddress().startsWith("127.0.0.1:"), poll.managers().get(0)
                .remoteAddress());
        assertEquals("6 of " + factory.getMaxManagersTotal() + " (cap)", model.header().managers());
        assertTrue(model.header().users().startsWith("3 (0 at quota)"), model.header().users());
        assertEquals("off (this server keeps its own quota)", model.header().cluster(), "the IT server runs alone");
    }

    @Test
    void theMessageColumnsAreTheUserMessagesOfTheLiveManagers() throws InterruptedException {
        WsClient bob = clients.get(2);
        for (int i = 0; i < 3; i++) {
            assertTrue(bob.echo("hello " + i).contains("hello " + i));
        }
        // The endpoint counts an echo just after writing it: the client may read it a moment before.
        UserRow row = Await.until("bob's three echoes counted", Duration.ofSeconds(10), () -> {
            model.apply(poll(null));
            return model.users().row(model.users().indexOf("bob"));
        }, read -> read.messagesOut() >= 3);
        assertEquals(3, row.messagesIn(), row.toString());
        assertEquals(0, row.queuedBytes(), row.toString());
        assertEquals(List.of("alice", "bob", "carol"),
                factory.getUserMessages().stream().map(UserMessagesView::user).toList());
        assertEquals(0, model.users().row(model.users().indexOf("carol")).messagesIn());
    }

    @Test
    void sortsAndFiltersTheRealUsers() {
        model.apply(poll(null));
        assertEquals(List.of("alice", "bob", "carol"), users());
        model.users().sortBy(UserColumn.ACTIVE);
        assertEquals(List.of("carol", "alice", "bob"), users());
        model.users().sortBy(UserColumn.ACTIVE);
        assertEquals(List.of("bob", "alice", "carol"), users());
        model.users().filter("O");
        assertEquals(List.of("bob", "carol"), users());
        model.users().filter("");
        factory.setUserQuota("carol", 3);
        model.apply(poll(null));
        model.users().onlyAtQuota(true);
        assertEquals(List.of("carol"), users(), "carol has 3 of her own quota of 3");
        assertEquals("3 *", UserColumn.QUOTA.cell(model.users().row(0)));
    }

    private List<String> users() {
        return model.users().rows().stream().map(UserRow::user).toList();
    }

    @Test
    void anActionFromTheTabRunsItsOperationAndShowsItsResult() throws Exception {
        CompletableFuture<Outcome> quota = new CompletableFuture<>();
        WsquotaTab tab = onEdt(() -> new WsquotaTab(model, new Answering("2")));
        Poll first = poll(null);
        SwingUtilities.invokeAndWait(() -> {
            tab.setSize(1200, 800);
            tab.show(first);
            tab.onOutcome(quota::complete);
            tab.select("alice");
            tab.setQuotaOfSelected();
        });
        assertEquals(Outcome.done("quota of alice set to 2 (was the default)"), quota.get(30, TimeUnit.SECONDS));
        assertTrue(onEdt(tab::resultText).endsWith("quota of alice set to 2 (was the default)"),
                onEdt(tab::resultText));
        assertEquals(Map.of("alice", 2), factory.getUserQuotaOverrides(), "the operation ran on the server");

        CompletableFuture<Outcome> disconnect = new CompletableFuture<>();
        SwingUtilities.invokeAndWait(() -> {
            tab.onOutcome(disconnect::complete);
            tab.select("bob");
            tab.disconnectSelected();
        });
        assertEquals(Outcome.done("disconnectUser(bob): 1 manager closed"), disconnect.get(30, TimeUnit.SECONDS));
        WsClient bob = clients.stream().filter(c -> c.welcome().contains("\"user\":\"bob\"")).findFirst().orElseThrow();
        assertEquals(1008, bob.awaitClose().code());
        Await.until("bob's row gone after the action's refresh", Duration.ofSeconds(15),
                () -> onEdtQuietly(() -> model.users().indexOf("bob")), index -> index == -1);

        // the notification of the change reached the tab's list
        Event audit = Await.until("the admin notification", Duration.ofSeconds(15),
                () -> model.notifications().latest().stream().filter(e -> e.type().equals(ManagerFactoryMXBean.ADMIN)
                        && e.message().contains("alice")).findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertTrue(audit.message().contains("set to 2"), audit.message());
    }

    @Test
    void aRefusedValueShowsTheIllegalArgumentMessageAndChangesNothing() throws Exception {
        CompletableFuture<Outcome> refused = new CompletableFuture<>();
        WsquotaTab tab = onEdt(() -> new WsquotaTab(model, new Answering("0")));
        Poll first = poll(null);
        SwingUtilities.invokeAndWait(() -> {
            tab.setSize(1200, 800);
            tab.show(first);
            tab.onOutcome(refused::complete);
            tab.select("alice");
            tab.setQuotaOfSelected();
        });
        Outcome outcome = refused.get(30, TimeUnit.SECONDS);
        assertEquals(Outcome.refused("setUserQuota refused: quota of a user must be between 1 and 1000000, was 0"),
                outcome);
        assertTrue(onEdt(tab::resultText).endsWith(outcome.text()), onEdt(tab::resultText));
        assertTrue(factory.getUserQuotaOverrides().isEmpty(), "nothing changed");
        Poll after = poll(null);
        assertEquals(5, onEdt(() -> { // the tab's own refresh may be applying too: both on the Swing thread
            model.apply(after);
            return model.users().row(model.users().indexOf("alice")).quota();
        }));
        assertEquals(2, factory.getUserManagerCounts().get("alice"));
    }

    @Test
    void aLimitHitIsListedAndCountedPerSecond() throws Exception {
        factory.setUserQuota("carol", 3);
        model.apply(poll(null));
        Thread.sleep(1_000); // one second between the two snapshots, so the rate is per a known interval
        try (WsClient fourth = WsClient.open("carol")) {
            assertEquals(1013, fourth.answer().close().code());
        }
        model.apply(poll(null));
        assertTrue(model.rates().limitHits() > 0, "limit hits per second now: " + model.rates());
        assertTrue(model.header().limitHits().endsWith("(" + factory.getLimitHits() + " since start)"), model.header()
                .limitHits());
        Event hit = Await.until("the limit-hit notification", Duration.ofSeconds(15),
                () -> model.notifications().latest().stream()
                        .filter(e -> e.type().equals(ManagerFactoryMXBean.LIMIT_HIT))
                        .findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertTrue(hit.message().contains("carol"), hit.message());
    }

    @Test
    void thePluginJarHoldsOnlyThePluginRegisteredAsAServiceAndTheWarHasNoneOfIt() throws Exception {
        Path jar = Path.of(System.getProperty("jconsolePluginJar"));
        assertTrue(Files.isRegularFile(jar), jar + " missing");
        try (JarFile file = new JarFile(jar.toFile())) {
            String service = new String(
                    file.getInputStream(file.getEntry("META-INF/services/" + JConsolePlugin.class.getName()))
                    .readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(WsquotaPlugin.class.getName(), service);
            List<String> foreign = file.stream().map(e -> e.getName())
                    .filter(name -> !name.startsWith("META-INF/") && !name.startsWith("dev/wsquota/jconsole/"))
                    .filter(name -> !name.equals("dev/") && !name.equals("dev/wsquota/")).toList();
            assertEquals(List.of(), foreign, "nothing but the plugin's classes");
        }
        // As JConsole loads it: a class loader over the jar alone, above the JDK.
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            List<JConsolePlugin> plugins = new ArrayList<>();
            ServiceLoader.load(JConsolePlugin.class, loader).forEach(plugins::add);
            assertEquals(1, plugins.size());
            assertEquals(loader, plugins.get(0).getClass().getClassLoader(),
                    "loaded from the jar, needing only the JDK");
        }
        try (JarFile war = new JarFile(System.getProperty("productWar"))) {
            assertEquals(List.of(), war.stream().map(e -> e.getName()).filter(n -> n.contains("jconsole")).toList(),
                    "the WAR carries nothing of the plugin");
        }
    }

    private static <T> T onEdtQuietly(Supplier<T> work) {
        try {
            return onEdt(work);
        } catch (Exception e) {
            throw new IllegalStateException("the Swing thread did not answer", e);
        }
    }

    /** The operator in a test: confirms everything and types the given quota. */
    private record Answering(String quota) implements Dialogs {
        @Override
        public boolean confirm(Component parent, String question) {
            return true;
        }

        @Override
        public String ask(Component parent, String question, String initial) {
            return quota;
        }
    }
}
