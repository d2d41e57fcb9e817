package dev.wsquota.it;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * One headless Debian Chromium driven by Debian's chromedriver (paths from the {@code browser} profile; never
 * Selenium Manager), with its own profile directory so the test can find, and kill, exactly its own browser process.
 */
final class Chromium implements AutoCloseable {

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final List<LogEntry> console = new ArrayList<>();

    Chromium() throws IOException {
        profile = Files.createTempDirectory("wsquota-chromium-");
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("browser.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1000,1150", "--user-data-dir=" + profile, "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** The browser's main process (the one without {@code --type=}), found by this instance's profile directory. */
    ProcessHandle browserProcess() {
        String marker = "--user-data-dir=" + profile;
        return processes(marker)
                .filter(p -> p.info().arguments().map(a -> Arrays.stream(a).noneMatch(s -> s.startsWith("--type=")))
                        .orElse(false))
                .min(Comparator.comparing(p -> p.info().startInstant().orElse(null),
                        Comparator.nullsLast(Comparator.naturalOrder())))
                .orElseThrow(() -> new AssertionError("no chromium process with " + marker));
    }

    /** Every process of this browser still alive: those naming its profile and their descendants (renderers...). */
    List<ProcessHandle> allProcesses() {
        return processes("--user-data-dir=" + profile)
                .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
                .filter(ProcessHandle::isAlive)
                .distinct()
                .toList();
    }

    private static Stream<ProcessHandle> processes(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(marker)).orElse(false)
                        || p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
    }

    /** Console entries since the last call, kept for {@link #console()}. */
    List<LogEntry> readConsole() {
        List<LogEntry> fresh = driver.manage().logs().get(LogType.BROWSER).getAll();
        console.addAll(fresh);
        return fresh;
    }

    List<LogEntry> console() {
        return List.copyOf(console);
    }

    /** Ends the session; after a kill only the driver and any leftover process of this profile remain to stop. */
    @Override
    public void close() {
        try {
            driver.quit();
        } catch (RuntimeException gone) {
            // The browser was killed on purpose: the driver cannot end a session whose browser is gone.
            System.out.println("[browser] quit after the browser was gone: " + gone.getClass().getSimpleName());
        }
        service.stop();
        for (ProcessHandle left : allProcesses()) {
            left.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind costs disk only; say so.
            System.out.println("[browser] could not delete " + profile + ": " + e);
        }
    }
}
