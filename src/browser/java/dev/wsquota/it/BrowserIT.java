package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.Deployments;
import dev.wsquota.it.support.Jwt;
import dev.wsquota.it.support.WsClient;
import dev.wsquota.jmx.GuardAdmin;
import dev.wsquota.jmx.GuardMXBean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.logging.LogEntry;

import javax.management.JMX;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page at {@code /} in headless Chromium: a person signs in, opens and closes managers, sees the quota
 * sentence; a closed tab and a killed browser give their slots back; a page of another origin cannot use the
 * signed-in user's cookie (403) while an allowed one can; pushed messages reach only their user; the console
 * stays clean. Times to free slots are printed ("[browser] ..."), never asserted beyond generous bounds.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrowserIT extends RawHandshakeItBase {

    private static final String PASSWORD = WsClient.PASSWORD;
    private static final String QUOTA_SENTENCE = "You already have 5 of 5 connections open. Close one to open another.";
    private static final Duration FREED = Duration.ofSeconds(60);

    private static GuardMXBean guard;

    @Deployment(testable = false)
    static WebArchive deployment() {
        String self = "http://localhost:" + System.getProperty("httpPort");
        String allowed = "http://localhost:" + System.getProperty("browser.allowedPort");
        // Above the product's defaults and the server's system properties: this deployment's own allow-list.
        JavaArchive config = ShrinkWrap.create(JavaArchive.class, "browser-test-config.jar")
                .addAsManifestResource(new StringAsset("config_ordinal=500\n"
                        + "wsquota.allowed-origins=" + self + "," + allowed + "\n"
                        + Jwt.mpConfig()), "microprofile-config.properties");
        WebArchive war = Deployments.product("browser").addAsLibrary(config);
        for (String page : List.of("index.html", "app.js", "style.css")) { // the page as src/main/webapp has it
            war.addAsWebResource(new File("src/main/webapp/" + page), page);
        }
        return war;
    }

    @BeforeAll
    static void connectGuard() throws IOException {
        guard = JMX.newMXBeanProxy(jmx.connection(), GuardAdmin.OBJECT_NAME, GuardMXBean.class);
    }

    @AfterEach
    void everyManagerGone() {
        Await.until("no manager left", FREED, () -> factory.getActiveManagers(), n -> n == 0);
    }

    private static int countOf(String user) {
        return factory.getUserManagerCounts().getOrDefault(user, 0);
    }

    private static void assertNoConsoleErrors(Chromium browser, String... expectedFrom) {
        browser.readConsole();
        List<String> errors = browser.console().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> Arrays.stream(expectedFrom).noneMatch(m::startsWith))
                .toList();
        assertEquals(List.of(), errors, "errors in the browser console");
    }

    @Test
    void theSixthShowsTheQuotaSentenceAndAClosedOneIsReplacedAtOnce() throws Exception {
        try (Chromium browser = new Chromium()) {
            WsquotaPage page = new WsquotaPage(browser.driver()).signIn("alice", PASSWORD);
            assertTrue(page.signedIn(), "signed in: " + page.signInError());
            assertEquals("alice", page.who());
            Cookie signIn = browser.driver().manage().getCookieNamed("LtpaToken2");
            assertTrue(signIn != null && signIn.isHttpOnly() && "Strict".equals(signIn.getSameSite()),
                    "the sign-in cookie is HttpOnly and SameSite=Strict: " + signIn);
            for (int n = 1; n <= 5; n++) {
                assertEquals("open", page.state(page.openOne()), "manager #" + n);
                assertEquals(n + "/5", page.count(n));
            }
            int sixth = page.openOne();
            assertEquals("closed", page.state(sixth));
            assertEquals("1013", page.closeCode(sixth));
            assertEquals(QUOTA_SENTENCE, page.sentence(sixth));
            assertEquals(5, countOf("alice"));
            assertTrue(page.totals().contains("5 of 5"), page.totals());
            screenshot(browser);

            page.send(2, "hello from the page");
            page.until(d -> page.frames(2).contains("echo: hello from the page"));

            long closing = System.nanoTime();
            page.close(1);
            page.until(d -> page.state(1).equals("closed"));
            int next = page.openOne();
            double millis = (System.nanoTime() - closing) / 1e6;
            assertEquals("open", page.state(next), "after a close in the page: " + page.sentence(next));
            System.out.printf("[browser] closed in the page -> the next manager welcomed after %.0f ms%n", millis);
            assertEquals("1000", page.closeCode(1));
            assertEquals("You closed this connection.", page.sentence(1));
            assertNoConsoleErrors(browser);

            page.signOut();
            Await.until("alice's managers closed by the sign-out", FREED, () -> countOf("alice"), n -> n == 0);
            page.load();
            assertFalse(page.signedIn(), "signed out stays signed out after a reload");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void aWrongPasswordIsRefusedInThePage() throws Exception {
        try (Chromium browser = new Chromium()) {
            WsquotaPage page = new WsquotaPage(browser.driver()).signIn("alice", "not-the-password");
            assertFalse(page.signedIn());
            assertEquals("wrong user name or password", page.signInError());
            // The 401 of a failed sign-in is the one error the console may show: it is the request the page made.
            assertNoConsoleErrors(browser, WsquotaPage.base() + "session");
        }
    }

    /** Every close code of the README's table gets its own sentence in the page, never the fallback. */
    @Test
    void everyCloseCodeOfTheReadmeHasASentence() throws Exception {
        String[][] closes = {
            {"1013", "quota exceeded: 5/5 managers for alice", QUOTA_SENTENCE},
            {"1013", "quota exceeded: 100/100 managers in total", "The server is full"},
            {"1013", "quota service unavailable: no quorum", "The cluster cannot count"},
            {"1013", "server draining", "being emptied for maintenance"},
            {"4001", "replaced by a newer connection", "A newer connection of yours"},
            {"4002", "no pong within 10000 ms", "did not answer the server's ping"},
            {"4002", "no pong to the probe within 5000 ms", "did not answer the server's ping"},
            {"4003", "too slow: 1048576 bytes queued", "Messages came faster"},
            {"1001", "idle for more than 3600 s", "nothing was sent or received"},
            {"1001", "server shutting down", "shutting down or being emptied"},
            {"1001", "lost contact with the cluster", "lost contact with the rest of the cluster"},
            {"1008", "closed by an operator", "An operator closed"},
            {"1008", "disconnected by an operator", "An operator closed"},
            {"1008", "over quota: closed by an operator", "An operator lowered your quota"},
            {"1008", "connection lost its quota slot; reconnect", "lost track of this connection"},
            {"1008", "rate limit: more than 50 messages per second", "Too many messages per second"},
            {"1008", "user id not accepted", "cannot be used as a quota key"},
            {"1011", "internal error", "unexpected error"},
            {"1011", "ping failed", "could not check this connection"},
            {"1009", "message too big: more than 65536 bytes", "too big"},
            {"1003", "binary messages are not supported, send text", "text messages only"},
            {"1007", "", "not valid text (UTF-8)"},
            {"1002", "", "protocol error"},
            {"1006", "", "lost without a goodbye"},
        };
        try (Chromium browser = new Chromium()) {
            new WsquotaPage(browser.driver()).load();
            for (String[] close : closes) {
                Object sentence = browser.driver().executeScript("return closeSentence(arguments[0], arguments[1]);",
                        Integer.parseInt(close[0]), close[1]);
                assertTrue(String.valueOf(sentence).contains(close[2]),
                        close[0] + " " + close[1] + " -> " + sentence);
            }
            assertNoConsoleErrors(browser);
        }
    }

    private static void screenshot(Chromium browser) throws IOException {
        Path dir = Path.of(System.getProperty("browser.outputDir", "target/browser"));
        Files.createDirectories(dir);
        Path shot = dir.resolve("browser.png");
        Files.write(shot, browser.driver().getScreenshotAs(OutputType.BYTES));
        String docs = System.getProperty("browser.screenshot");
        if (docs != null && !docs.isBlank()) {
            Files.copy(shot, Path.of(docs), StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("[browser] screenshot " + shot);
    }

    @Test
    void aClosedTabGivesItsSlotsBack() throws Exception {
        try (Chromium browser = new Chromium()) {
            String first = browser.driver().getWindowHandle();
            WsquotaPage page = new WsquotaPage(browser.driver()).signIn("alice", PASSWORD);
            browser.driver().switchTo().newWindow(WindowType.TAB);
            WsquotaPage tab = new WsquotaPage(browser.driver()).load();
            assertTrue(tab.signedIn(), "the second tab shares the sign-in cookie");
            for (int n = 1; n <= 3; n++) {
                assertEquals("open", tab.state(tab.openOne()));
            }
            assertEquals(3, countOf("alice"));
            long closing = System.nanoTime();
            browser.driver().close();
            Await.until("the closed tab's slots free", FREED, () -> countOf("alice"), n -> n == 0);
            System.out.printf("[browser] closed tab (3 managers) -> slots free after %.0f ms%n",
                    (System.nanoTime() - closing) / 1e6);
            browser.driver().switchTo().window(first);
            assertEquals("open", page.state(page.openOne()));
            assertNoConsoleErrors(browser);
            page.signOut();
        }
    }

    @Test
    void aKilledBrowserGivesItsSlotsBackAndANewBrowserIsAdmitted() throws Exception {
        long probesBefore = factory.getProbes();
        Chromium killed = new Chromium();
        try {
            WsquotaPage page = new WsquotaPage(killed.driver()).signIn("alice", PASSWORD);
            for (int n = 1; n <= 5; n++) {
                assertEquals("open", page.state(page.openOne()));
            }
            assertEquals(5, countOf("alice"));
            ProcessHandle main = killed.browserProcess();
            long killing = System.nanoTime();
            assertTrue(main.destroyForcibly(), "SIGKILL sent to chromium " + main.pid());
            // No onExit(): the killed process is chromedriver's child and stays a zombie until chromedriver reaps it.
            Await.until("the killed browser's slots free", FREED, () -> countOf("alice"), n -> n == 0);
            System.out.printf("[browser] kill -9 of chromium %d (5 managers) -> slots free after %.0f ms; "
                            + "probe rounds meanwhile: %d; processes of that browser still alive: %d%n", main.pid(),
                    (System.nanoTime() - killing) / 1e6, factory.getProbes() - probesBefore,
                    killed.allProcesses().size());
        } finally {
            killed.close();
        }
        try (Chromium fresh = new Chromium()) {
            WsquotaPage page = new WsquotaPage(fresh.driver()).signIn("alice", PASSWORD);
            for (int n = 1; n <= 5; n++) {
                assertEquals("open", page.state(page.openOne()), "new browser, manager #" + n);
            }
            assertNoConsoleErrors(fresh);
            page.signOut();
        }
    }

    /**
     * A killed browser on the same host always gets its sockets closed by the kernel; a frozen one (SIGSTOP: a laptop
     * lid, a hung machine) keeps them open and answers no ping, which only the probe at the quota or the sweep find.
     */
    @Test
    void aFrozenBrowserIsProbedAtTheQuotaAndItsSlotsGoToANewBrowser() throws Exception {
        long probesBefore = factory.getProbes();
        Chromium frozen = new Chromium();
        List<ProcessHandle> stopped = List.of();
        try {
            WsquotaPage page = new WsquotaPage(frozen.driver()).signIn("alice", PASSWORD);
            for (int n = 1; n <= 5; n++) {
                assertEquals("open", page.state(page.openOne()));
            }
            stopped = frozen.allProcesses();
            signal("STOP", stopped);
            try (Chromium fresh = new Chromium()) {
                WsquotaPage next = new WsquotaPage(fresh.driver()).signIn("alice", PASSWORD);
                long opening = System.nanoTime();
                int first = next.openOne();
                double millis = (System.nanoTime() - opening) / 1e6;
                assertEquals("open", next.state(first), "at the quota with a frozen browser: " + next.sentence(first));
                System.out.printf("[browser] frozen browser (SIGSTOP, 5 managers) -> a new browser's manager welcomed "
                        + "after %.0f ms (probe timeout %d ms); probe rounds: %d%n", millis,
                        factory.getProbeTimeoutMillis(), factory.getProbes() - probesBefore);
                for (int n = 2; n <= 5; n++) {
                    assertEquals("open", next.state(next.openOne()), "new browser, manager #" + n);
                }
                assertNoConsoleErrors(fresh);
                next.signOut();
            }
        } finally {
            for (ProcessHandle p : stopped) {
                p.destroyForcibly(); // SIGKILL ends a stopped process too
            }
            frozen.close();
        }
    }

    private static void signal(String name, List<ProcessHandle> processes) throws Exception {
        for (ProcessHandle p : processes) {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + name + " " + p.pid());
        }
    }

    @Test
    void aPageOfAnotherOriginCannotUseAlicesCookieButAnAllowedOneCan() throws Exception {
        String ws = "ws://localhost:" + System.getProperty("httpPort") + "/ws";
        int foreignPort = Integer.getInteger("browser.foreignPort");
        int allowedPort = Integer.getInteger("browser.allowedPort");
        try (Chromium browser = new Chromium();
             OriginPage foreign = new OriginPage(foreignPort, ws);
             OriginPage allowed = new OriginPage(allowedPort, ws)) {
            String alicesTab = browser.driver().getWindowHandle();
            WsquotaPage page = new WsquotaPage(browser.driver()).signIn("alice", PASSWORD);
            assertEquals("open", page.state(page.openOne()));
            assertEquals("open", page.state(page.openOne()));
            long originRefusals = guard.getRefusals().get("ORIGIN");
            long admissions = factory.getAdmissions();

            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.driver().get(foreign.url());
            new WsquotaPage(browser.driver()).until(d -> "closed".equals(
                    d.findElement(By.tagName("body")).getAttribute("data-state")));
            assertEquals("1006", browser.driver().findElement(By.tagName("body"))
                    .getAttribute("data-code"), "a refused handshake ends the browser's socket with 1006");
            assertEquals(originRefusals + 1, guard.getRefusals().get("ORIGIN"), "refused by the Origin step (403)");
            List<String> foreignErrors = browser.readConsole().stream().map(LogEntry::getMessage)
                    .filter(m -> m.startsWith(foreign.url())).toList();
            assertTrue(foreignErrors.stream().anyMatch(m -> m.contains("403")),
                    "the browser saw a 403: " + foreignErrors);
            assertEquals(2, countOf("alice"), "the foreign page took no slot");
            assertEquals(admissions, factory.getAdmissions(), "the foreign page reached no admission");
            browser.driver().close();

            browser.driver().switchTo().window(alicesTab);
            assertEquals("open", page.state(page.openOne()), "alice's page keeps working");
            assertEquals("open", page.state(1));

            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.driver().get(allowed.url());
            new WsquotaPage(browser.driver()).until(d -> !"connecting".equals(
                    d.findElement(By.tagName("body")).getAttribute("data-state")));
            String frame = browser.driver().findElement(By.tagName("body"))
                    .getAttribute("data-frame");
            assertTrue(frame != null && frame.contains("\"type\":\"welcome\"") && frame.contains("\"user\":\"alice\""),
                    "the allowed origin is welcomed as alice: " + frame);
            assertEquals(4, countOf("alice"));
            browser.driver().close();
            browser.driver().switchTo().window(alicesTab);
            assertNoConsoleErrors(browser, foreign.url());
            page.signOut();
        }
    }

    @Test
    void theProductionJwtCookieSignsThePageIn() throws Exception {
        try (Chromium browser = new Chromium()) {
            WsquotaPage page = new WsquotaPage(browser.driver()).load();
            assertFalse(page.signedIn());
            // What an identity provider's login front end would set on the wsquota site.
            browser.driver().manage().addCookie(new Cookie.Builder("wsquota-jwt", Jwt.valid("carol"))
                    .path("/").isHttpOnly(true).sameSite("Strict").build());
            page.load();
            assertTrue(page.signedIn(), "GET /session names the JWT cookie's user");
            assertEquals("carol", page.who());
            int first = page.openOne();
            assertEquals("open", page.state(first), "welcomed with the JWT cookie: " + page.sentence(first));
            assertEquals(1, countOf("carol"));
            assertNoConsoleErrors(browser);
            browser.driver().manage().deleteCookieNamed("wsquota-jwt");
            page.close(first);
            page.until(d -> page.state(first).equals("closed"));
        }
    }

    @Test
    void aMessagePushedToAliceAppearsOnHerPageOnly() throws Exception {
        try (Chromium aliceBrowser = new Chromium(); Chromium bobBrowser = new Chromium()) {
            WsquotaPage alice = new WsquotaPage(aliceBrowser.driver()).signIn("alice", PASSWORD);
            WsquotaPage bob = new WsquotaPage(bobBrowser.driver()).signIn("bob", PASSWORD);
            assertEquals("open", alice.state(alice.openOne()));
            assertEquals("open", bob.state(bob.openOne()));
            String text = "for alice only " + System.nanoTime();
            HttpResponse<String> sent = pushToUser("alice", text);
            // The messages API comes with the "messages to users" work; without it /api answers 404.
            Assumptions.assumeTrue(sent.statusCode() != 404,
                    "NOT RUN: no messages API (POST /api/users/{user}/messages) in this build");
            assertEquals(200, sent.statusCode(), sent.body());
            alice.until(d -> alice.frames(1).contains("message: " + text));
            Thread.sleep(500); // a wrong delivery to bob would have arrived by now as well
            assertTrue(bob.allFrames().stream().noneMatch(f -> f.contains(text)), "bob saw: " + bob.allFrames());
            assertNoConsoleErrors(aliceBrowser);
            assertNoConsoleErrors(bobBrowser);
            alice.signOut();
            bob.signOut();
        }
    }

    private static HttpResponse<String> pushToUser(String user, String text) throws Exception {
        String basic = Base64.getEncoder().encodeToString(("publisher:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(WsquotaPage.base() + "api/users/" + user + "/messages"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "text/plain; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(text))
                .timeout(Duration.ofSeconds(30))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
