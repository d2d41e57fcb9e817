package dev.wsquota.bench;

import dev.wsquota.jmx.ManagerFactoryAdmin;
import dev.wsquota.jmx.ManagerFactoryMXBean;

import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The Liberty server the benchmark drives: server {@code wsquotaBench} (created from liberty/ by the
 * liberty-maven-plugin in the bench profile), with bench-only additions that never reach liberty/:
 * a configDropins override with N generated users, jvm.options (fixed, pre-touched heap; a total cap
 * above 10,000), the product WAR and the bare comparison WAR in dropins.
 */
final class BenchServer {

    static final String PASSWORD = "wsquota";

    private final Path wlp;
    private final String name;
    private final int port;
    private final Path productWar;
    private final Path testClasses;
    private final Path out;
    private final int users;
    private final String heap;
    private final int maxTotal;
    /**
     * Set for a server beside the bench server: its settings as system properties, and the server whose config it
     * copies.
     */
    private List<String> nodeJvmArgs = List.of();
    /** Test classes added to this node's product WAR (e.g. a CDI observer), by class file path; none by default. */
    private List<String> extraClasses = List.of();
    private String templateName;
    private int httpsPort;

    private volatile boolean launched;
    /** Whether the running (or last) server had the handshake limit raised; null before the first start. */
    private Boolean handshakesRaised;
    private boolean started;
    private JMXConnector connector;
    private long pid = -1;

    private BenchServer(Path wlp, String name, int port, Path productWar, Path testClasses, Path out, int users,
                        String heap, int maxTotal) {
        this.wlp = wlp;
        this.name = name;
        this.port = port;
        this.productWar = productWar;
        this.testClasses = testClasses;
        this.out = out;
        this.users = users;
        this.heap = heap;
        this.maxTotal = maxTotal;
    }

    static BenchServer fromProperties(Path out) {
        return new BenchServer(
                Path.of(Props.text("bench.wlpHome", "target/liberty/wlp")),
                Props.text("bench.serverName", "wsquotaBench"),
                Props.integer("bench.httpPort", 29080),
                Path.of(Props.text("bench.productWar", "target/wsquota.war")),
                Path.of(Props.text("bench.testClasses", "target/test-classes")),
                out,
                Props.integer("bench.users", 2000),
                Props.text("bench.serverHeap", "1g"),
                Props.integer("bench.maxManagersTotal", 200_000));
    }

    /**
     * Another server beside the bench server, laid out from its configuration with its own ports, running
     * only the product WAR with {@code jvmArgs} added (e.g. {@code -Dwsquota.cluster=hazelcast}).
     */
    static BenchServer node(BenchServer template, String suffix, int httpPort, int httpsPort, List<String> jvmArgs) {
        return node(template, suffix, httpPort, httpsPort, jvmArgs, Props.text("bench.cluster.nodeHeap", "512m"));
    }

    private static BenchServer node(BenchServer template, String suffix, int httpPort, int httpsPort,
                                    List<String> jvmArgs, String heap) {
        BenchServer node = new BenchServer(template.wlp, template.name + suffix, httpPort, template.productWar,
                template.testClasses, template.out, template.users, heap, template.maxTotal);
        node.nodeJvmArgs = List.copyOf(jvmArgs);
        node.templateName = template.name;
        node.httpsPort = httpsPort;
        return node;
    }

    /** This node with {@code classFiles} (paths under the test classes) added to its product WAR. */
    BenchServer withClasses(String... classFiles) {
        extraClasses = List.of(classFiles);
        return this;
    }

    /**
     * Another bench server next to this one (name "-index", HTTP port + 10 x index, HTTPS one above), with this
     * one's heap and settings: for the scale-out step, which needs several server processes.
     */
    BenchServer sibling(int index) {
        int siblingPort = port + 10 * index;
        return node(this, "-" + index, siblingPort, siblingPort + 1, List.of(), heap);
    }

    String name() {
        return name;
    }

    /** The generated users: u0000, u0001, ... (password wsquota). */
    static String user(int i) {
        return String.format("u%04d", i);
    }

    int users() {
        return users;
    }

    URI managed() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    URI bare() {
        return URI.create("ws://127.0.0.1:" + port + "/bare/ws");
    }

    /** The base of the bench-only fan-out senders: {@code /bench-fanout} in the product WAR, {@code /bare/fanout}. */
    URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The fair baseline: the bare endpoint in a WAR with CDI on, in the same server with the same features. */
    URI fair() {
        return URI.create("ws://127.0.0.1:" + port + "/fair/ws");
    }

    int port() {
        return port;
    }

    long pid() {
        return pid;
    }

    Path serverDir() {
        return wlp.resolve("usr/servers").resolve(name);
    }

    boolean isStarted() {
        return started;
    }

    /**
     * Starts the server with the product's handshake limit, or with it raised to {@code bench.raisedHandshakeLimit}.
     */
    void start(Results results, boolean raiseHandshakeLimit) throws Exception {
        Path dir = serverDir();
        if (templateName != null) {
            layOutNode(dir);
        }
        if (!Files.isRegularFile(dir.resolve("server.xml"))) {
            throw new IllegalStateException("no server " + name + " under " + wlp
                    + ": run through ./mvnw -Pbench verify");
        }
        if (!Files.isRegularFile(productWar)) {
            throw new IllegalStateException("no product WAR at " + productWar);
        }
        stopQuietly(); // a server left over by a killed run
        writeUsers(dir.resolve("configDropins/overrides/bench-users.xml"));
        Files.writeString(dir.resolve("jvm.options"), String.join("\n",
                "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch",
                "-Dwsquota.max-managers-total=" + maxTotal,
                raiseHandshakeLimit ? raisedHandshakeLimit() : "-Dbench.handshakeLimit=product",
                Props.text("bench.serverJvmArgs", "-Dbench.server=1").replace(' ', '\n'),
                String.join("\n", nodeJvmArgs), productJvmOptions(), ""), StandardCharsets.UTF_8);
        String variant = Props.text("bench.productVariant", "asis");
        // Cluster nodes and the scale-out step need only the product: no comparison WARs to start there.
        boolean baselines = templateName == null && Boolean.parseBoolean(Props.text("bench.baselineWars", "true"));
        deployApplications(dir.resolve("dropins"), variant, baselines);
        deleteTree(dir.resolve("logs"));
        launch(dir, baselines);
        if (results == null) {
            System.out.println("[bench] server " + name + " started, pid " + pid);
            return;
        }
        String section = "Server";
        if (handshakesRaised != null) { // a restart: only what changed
            results.item(section, "restarted", (raiseHandshakeLimit ? "with the handshake limit raised"
                    : "with the product's handshake limit") + " ("
                    + String.join(" ", Files.readAllLines(dir.resolve("jvm.options"))) + ")");
            handshakesRaised = raiseHandshakeLimit;
            System.out.println("[bench] server " + name + " restarted, pid " + pid);
            return;
        }
        handshakesRaised = raiseHandshakeLimit;
        describe(results, dir, variant);
        System.out.println("[bench] server " + name + " started, pid " + pid);
    }

    /** Empties dropins, then puts the product WAR there (as it is, or a what-if variant) and the comparison WARs. */
    private void deployApplications(Path dropins, String variant, boolean baselines) throws IOException {
        Files.createDirectories(dropins);
        try (Stream<Path> old = Files.list(dropins)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                deleteTree(p);
            }
        }
        switch (variant) {
            case "asis" -> {
                if (extraClasses.isEmpty()) {
                    Files.copy(productWar, dropins.resolve("wsquota.war"), StandardCopyOption.REPLACE_EXISTING);
                } else {
                    copyWithClasses(productWar, dropins.resolve("wsquota.war"));
                }
            }
            // What-if experiment, never the default: the product WAR with CDI bean discovery off for the module.
            case "beans-none" -> copyWithBeansXml(productWar, dropins.resolve("wsquota.war"));
            default -> throw new IllegalArgumentException("bench.productVariant must be asis or beans-none, was "
                    + variant);
        }
        if (baselines) {
            writeBareWar(dropins.resolve("bare.war"), "bare", false);
            writeBareWar(dropins.resolve("fair.war"), "fair", true);
        }
    }

    /** Runs "server start", waits for the applications, and connects over JMX. */
    private void launch(Path dir, boolean baselines) throws Exception {
        int nofile = Props.integer("bench.serverOpenFiles", 65536);
        launched = true;
        // A large pre-touched heap on busy cores can take minutes before "server start" returns.
        int rc = exec(Props.integer("bench.serverStartSeconds", 120), "bash", "-c", "ulimit -n " + nofile
                + " 2>/dev/null || ulimit -n $(ulimit -Hn); exec \"" + wlp.resolve("bin/server") + "\" start " + name
                + " --clean");
        if (rc != 0) {
            throw new IllegalStateException("server start exited " + rc + "; see " + dir.resolve("logs"));
        }
        waitForLog(baselines ? List.of("CWWKZ0001I: Application wsquota started",
                "CWWKZ0001I: Application bare started", "CWWKZ0001I: Application fair started", "CWWKF0011I")
                : List.of("CWWKZ0001I: Application wsquota started", "CWWKF0011I"), 300);
        connector = JMXConnectorFactory.connect(new JMXServiceURL(Files.readString(
                dir.resolve("logs/state/com.ibm.ws.jmx.local.address")).trim()));
        pid = (Long) jmx().getAttribute(new ObjectName("java.lang:type=Runtime"), "Pid");
        started = true;
    }

    /** The server's section of RESULTS.md: runtime, JVM, limits, users and endpoints. */
    private void describe(Results results, Path dir, String variant) throws Exception {
        String section = "Server";
        results.item(section, "Open Liberty", libertyVersion() + " (server " + name + ", http://127.0.0.1:" + port
                + ")");
        results.item(section, "server JVM", String.join(" ", Files.readAllLines(dir.resolve("jvm.options"))));
        results.item(section, "server JDK", jmx().getAttribute(new ObjectName("java.lang:type=Runtime"), "VmName") + " "
                + jmx().getAttribute(new ObjectName("java.lang:type=Runtime"), "SpecVersion"));
        results.item(section, "server open-file limit", openFileLimit(pid));
        results.item(section, "users in the bench registry", users + " (u0000..." + user(users - 1)
                + ", configDropins/overrides/bench-users.xml, bench only)");
        results.item(section, "endpoints", "managed " + managed() + (variant.equals("asis")
                ? (extraClasses.isEmpty() ? " (product WAR, unchanged)"
                        : " (product WAR plus the bench's " + extraClasses + ")")
                : " (EXPERIMENT: product WAR + WEB-INF/beans.xml bean-discovery-mode=none)") + ", bare " + bare()
                + " (bench WAR: same container, same BASIC auth, same welcome + echo, no quota factory, no CDI), fair "
                + fair() + " (the same endpoint in a WAR with WEB-INF/beans.xml bean-discovery-mode=all: CDI on, as in"
                + " the product)");
    }

    /** The bench server's configuration (server.xml, server.env) with this node's ports; no logs, apps or state. */
    private void layOutNode(Path dir) throws IOException {
        Path template = wlp.resolve("usr/servers").resolve(templateName);
        Files.createDirectories(dir);
        for (String file : List.of("server.xml", "server.env")) {
            if (Files.isRegularFile(template.resolve(file))) {
                Files.copy(template.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(dir.resolve("bootstrap.properties"), String.join("\n",
                "# Generated by the benchmark (dev.wsquota.bench.BenchServer): a server beside " + templateName,
                "http.host=127.0.0.1", "http.port=" + port, "https.port=" + httpsPort, ""), StandardCharsets.UTF_8);
    }

    /** The product's own JVM options (liberty/jvm.options: the flags embedded Hazelcast asks for). */
    private static String productJvmOptions() throws IOException {
        Path options = Path.of("liberty/jvm.options");
        return Files.isRegularFile(options) ? Files.readString(options, StandardCharsets.UTF_8).strip() : "";
    }

    /** The JVM options that raise the per-user handshake limit: "1000/1000" by default (as the IT servers have it). */
    private static String raisedHandshakeLimit() {
        String[] limit = Props.text("bench.raisedHandshakeLimit", "1000/1000").split("/");
        return "-Dwsquota.handshakes-per-second=" + limit[0].trim() + "\n-Dwsquota.handshake-burst=" + limit[1].trim();
    }

    /** Whether the running server has the handshake limit raised (null if it never started). */
    Boolean handshakesRaised() {
        return handshakesRaised;
    }

    MBeanServerConnection jmx() throws IOException {
        return connector.getMBeanServerConnection();
    }

    ManagerFactoryMXBean factory() throws IOException {
        return JMX.newMXBeanProxy(jmx(), ManagerFactoryAdmin.OBJECT_NAME, ManagerFactoryMXBean.class);
    }

    /** Heap used after two full collections, in bytes. */
    long heapAfterGc() throws Exception {
        ObjectName memory = new ObjectName("java.lang:type=Memory");
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            jmx().invoke(memory, "gc", null, null);
            Thread.sleep(300);
            CompositeData heap = (CompositeData) jmx().getAttribute(memory, "HeapMemoryUsage");
            used = Math.min(used, (Long) heap.get("used"));
        }
        return used;
    }

    /** CPU time the server process used since it started, in nanoseconds. */
    long cpuNanos() throws Exception {
        return (Long) jmx().getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "ProcessCpuTime");
    }

    /** Resident set size of the server process, in bytes. */
    long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /** Open file descriptors of the server process. */
    long openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    void stopQuietly() {
        if (!launched && !Files.isDirectory(serverDir().resolve("workarea"))) {
            return;
        }
        try {
            if (connector != null) {
                connector.close();
                connector = null;
            }
        } catch (IOException e) {
            // the server is going anyway
        }
        try {
            exec(90, wlp.resolve("bin/server").toString(), "stop", name);
        } catch (Exception e) {
            System.out.println("[bench] could not stop server " + name + ": " + e);
        }
        launched = false;
        started = false;
    }

    private void writeUsers(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<!-- Generated by the benchmark (dev.wsquota.bench.BenchServer): bench-only users. -->\n")
                .append("<server>\n  <basicRegistry id=\"basic\" realm=\"wsquota\">\n");
        for (int i = 0; i < users; i++) {
            xml.append("    <user name=\"").append(user(i)).append("\" password=\"").append(PASSWORD).append("\"/>\n");
        }
        xml.append("  </basicRegistry>\n</server>\n");
        Files.writeString(file, xml, StandardCharsets.UTF_8);
    }

    /**
     * bare.war / fair.war: the one endpoint class plus its web.xml (BASIC, same realm) and context root
     * /{@code name}; with {@code cdi} a beans.xml (discovery all) makes the module a CDI bean archive whose
     * endpoint instances the container creates through CDI, as it does for the product.
     */
    private void writeBareWar(Path war, String name, boolean cdi) throws IOException {
        List<String> classes = List.of("dev/wsquota/bench/bare/BareEndpoint.class",
                "dev/wsquota/bench/bare/BareFanoutServlet.class", "dev/wsquota/bench/fanout/FanoutServlet.class");
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                    <display-name>wsquota bench: bare endpoint (%s)</display-name>
                    <security-constraint>
                        <web-resource-collection>
                            <web-resource-name>bare</web-resource-name>
                            <url-pattern>/ws</url-pattern>
                        </web-resource-collection>
                        <auth-constraint>
                            <role-name>**</role-name>
                        </auth-constraint>
                    </security-constraint>
                    <login-config>
                        <auth-method>BASIC</auth-method>
                        <realm-name>wsquota</realm-name>
                    </login-config>
                </web-app>
                """.formatted(name);
        String ext = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-ext xmlns="http://websphere.ibm.com/xml/ns/javaee" version="1.1">
                    <context-root uri="/%s"/>
                </web-ext>
                """.formatted(name);
        try (OutputStream os = Files.newOutputStream(war); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (String cls : classes) { // the endpoint, and the fan-out sender the fanout step calls
                put(zip, "WEB-INF/classes/" + cls, Files.readAllBytes(testClasses.resolve(cls)));
            }
            put(zip, "WEB-INF/web.xml", webXml.getBytes(StandardCharsets.UTF_8));
            put(zip, "WEB-INF/ibm-web-ext.xml", ext.getBytes(StandardCharsets.UTF_8));
            if (cdi) {
                put(zip, "WEB-INF/beans.xml", ("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\" "
                        + "bean-discovery-mode=\"all\"/>\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void copyWithBeansXml(Path from, Path to) throws IOException {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(from));
             ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (!entry.isDirectory() && !entry.getName().equals("WEB-INF/beans.xml")) {
                    put(zip, entry.getName(), in.readAllBytes());
                }
            }
            put(zip, "WEB-INF/beans.xml", ("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\" "
                    + "bean-discovery-mode=\"none\"/>\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void copyWithClasses(Path from, Path to) throws IOException {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(from));
             ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (!entry.isDirectory()) {
                    put(zip, entry.getName(), in.readAllBytes());
                }
            }
            for (String classFile : extraClasses) {
                put(zip, "WEB-INF/classes/" + classFile, Files.readAllBytes(testClasses.resolve(classFile)));
            }
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private void waitForLog(List<String> needles, int seconds) throws Exception {
        Path log = serverDir().resolve("logs/messages.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> missing = new ArrayList<>(needles);
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(log)) {
                String text = Files.readString(log, StandardCharsets.ISO_8859_1);
                missing.removeIf(text::contains);
                if (missing.isEmpty()) {
                    return;
                }
                if (text.contains("CWWKZ0002E") || text.contains("CWWKZ0012I")) {
                    throw new IllegalStateException("an application failed to start; see " + log);
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("server not ready within " + seconds + " s, missing " + missing + "; see "
                + log);
    }

    private String libertyVersion() {
        try {
            for (String line : Files.readAllLines(wlp.resolve("lib/versions/openliberty.properties"))) {
                if (line.startsWith("com.ibm.websphere.productVersion=")) {
                    return line.substring(line.indexOf('=') + 1);
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    static String openFileLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] parts = line.trim().split("\\s+");
                    return parts[3] + " (soft), " + parts[4] + " (hard)";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }

    private int exec(int timeoutSeconds, String... command) throws Exception {
        Path log = out.resolve("server-commands.log");
        Files.createDirectories(out);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
