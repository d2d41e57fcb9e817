package dev.wsquota;

import org.junit.jupiter.api.Test;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the reference pages in step with the code: every configuration key the code reads is a row of
 * docs/configuration.md, and every attribute, operation and notification type of every MXBean is in docs/jmx.md.
 * The keys and the MXBeans are found in the sources, so one added later is checked without touching this test.
 */
class DocsMatchCodeTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Path DEFAULTS = Path.of("src/main/resources/META-INF/microprofile-config.properties");
    private static final Path CONFIGURATION = Path.of("docs/configuration.md");
    private static final Path JMX = Path.of("docs/jmx.md");
    private static final Path OPERATIONS = Path.of("docs/operations.md");

    /** A {@code wsquota.*} name as a whole string literal: a key, a metric, a notification type or a property. */
    private static final Pattern WSQUOTA_LITERAL = Pattern.compile("\"(wsquota\\.[a-z0-9.-]+)\"");
    /** A key read straight from MicroProfile Config by its literal name. */
    private static final Pattern CONFIG_READ = Pattern.compile("get(?:Optional)?Value\\(\\s*\"([^\"]+)\"");
    /** A settings loader: reads its keys through a lookup, as the beans call it with MicroProfile Config. */
    private static final Pattern LOADER = Pattern.compile(
            "public static \\w+ load\\(Function<String, Optional<String>> \\w+\\)");
    /** The first column of a row of configuration.md's table. */
    private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([^`]+)` \\|", Pattern.MULTILINE);

    /** {@code wsquota.*} literals that name neither a setting nor anything public: session and user properties. */
    private static final Set<String> INTERNAL_NAMES = Set.of("wsquota.closing", "wsquota.local-managers");

    /** The MXBean interfaces this test must find at least; a scan that finds fewer is broken. */
    private static final Set<String> KNOWN_MXBEANS = Set.of("ManagerFactoryMXBean", "GuardMXBean", "ClusterMXBean");

    @Test
    void everyConfigurationKeyTheCodeReadsIsARowOfConfigurationMd() throws Exception {
        Set<String> documented = documentedKeys();
        Set<String> read = keysTheCodeReads();
        assertTrue(read.containsAll(Set.of("wsquota.max-managers-per-user", "wsquota.handshake-burst",
                "wsquota.cluster.min-members", "mp.jwt.token.cookie")), "the scan found too few keys: " + read);

        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "configuration keys read by the code but not in the table of " + CONFIGURATION);
    }

    @Test
    void everyOtherWsquotaNameInTheCodeIsDocumentedWhereItsKindBelongs() throws IOException {
        Set<String> keys = documentedKeys();
        String jmx = Files.readString(JMX);
        String operations = Files.readString(OPERATIONS);
        List<String> undocumented = new ArrayList<>();
        for (String name : literals(WSQUOTA_LITERAL)) {
            boolean documented = keys.contains(name) || INTERNAL_NAMES.contains(name)
                    || operations.contains("`" + name.replace('.', '_').replace('-', '_')) // a metric
                    || jmx.contains("`" + name + "`"); // a notification type
            if (!documented) {
                undocumented.add(name);
            }
        }
        assertEquals(List.of(), undocumented, "wsquota.* names in the code that are neither a key in "
                + CONFIGURATION + ", a metric in " + OPERATIONS + ", a notification in " + JMX
                + ", nor listed as internal in this test");
    }

    @Test
    void everyMXBeanAttributeOperationAndNotificationIsInJmxMd() throws Exception {
        String jmx = Files.readString(JMX);
        List<Class<?>> mxbeans = mxbeanInterfaces();
        assertTrue(mxbeans.stream().map(Class::getSimpleName).toList().containsAll(KNOWN_MXBEANS),
                "the scan found too few MXBean interfaces: " + mxbeans);

        List<String> missing = new ArrayList<>();
        for (Class<?> mxbean : mxbeans) {
            MBeanInfo info = info(mxbean);
            for (MBeanAttributeInfo attribute : info.getAttributes()) {
                if (!jmx.contains("`" + attribute.getName() + "`")) {
                    missing.add(mxbean.getSimpleName() + " attribute " + attribute.getName());
                }
            }
            for (MBeanOperationInfo operation : info.getOperations()) {
                if (!jmx.contains("`" + operation.getName() + "(")) {
                    missing.add(mxbean.getSimpleName() + " operation " + operation.getName() + "(...)");
                }
            }
        }
        for (String type : notificationTypes()) {
            if (!jmx.contains("`" + type + "`")) {
                missing.add("notification " + type);
            }
        }
        assertEquals(List.of(), missing, "MXBean members missing from " + JMX);
    }

    /** The keys of configuration.md's table. */
    private static Set<String> documentedKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        Matcher row = TABLE_KEY.matcher(Files.readString(CONFIGURATION));
        while (row.find()) {
            keys.add(row.group(1));
        }
        return keys;
    }

    /**
     * Every key with a shipped default, every key a settings loader asks for (each loader run on the shipped
     * defaults, recording what it looks up) and every key read by its literal name.
     */
    private static Set<String> keysTheCodeReads() throws Exception {
        Properties defaults = new Properties();
        try (Reader in = Files.newBufferedReader(DEFAULTS)) {
            defaults.load(in);
        }
        Set<String> keys = new TreeSet<>(defaults.stringPropertyNames());

        List<Method> loaders = loaders();
        assertTrue(loaders.size() >= 4, "the scan found too few settings loaders: " + loaders);
        for (Method loader : loaders) {
            Function<String, Optional<String>> recording = key -> {
                keys.add(key);
                return Optional.ofNullable(defaults.getProperty(key));
            };
            loader.invoke(null, recording);
        }
        keys.addAll(literals(CONFIG_READ));
        return keys;
    }

    /** Every static {@code load(Function<String, Optional<String>>)} in the sources. */
    private static List<Method> loaders() throws IOException, ReflectiveOperationException {
        List<Method> loaders = new ArrayList<>();
        for (Path source : sources()) {
            if (LOADER.matcher(Files.readString(source)).find()) {
                loaders.add(classOf(source).getMethod("load", Function.class));
            }
        }
        return loaders;
    }

    /** The public MXBean interfaces in the sources. */
    private static List<Class<?>> mxbeanInterfaces() throws IOException, ReflectiveOperationException {
        List<Class<?>> mxbeans = new ArrayList<>();
        for (Path source : sources()) {
            if (source.getFileName().toString().endsWith("MXBean.java")) {
                Class<?> type = classOf(source);
                if (type.isInterface()) {
                    mxbeans.add(type);
                }
            }
        }
        return mxbeans;
    }

    /** The MBeanInfo the platform builds for the interface, so the names are the ones JConsole shows. */
    private static MBeanInfo info(Class<?> mxbean) throws NotCompliantMBeanException {
        return mxbeanInfo(mxbean, Proxy.newProxyInstance(mxbean.getClassLoader(), new Class<?>[]{mxbean},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException("only the MBeanInfo is read here");
                }));
    }

    @SuppressWarnings("unchecked")
    private static <T> MBeanInfo mxbeanInfo(Class<T> mxbean, Object implementation) throws NotCompliantMBeanException {
        return new StandardMBean((T) implementation, mxbean, true).getMBeanInfo();
    }

    /**
     * The notification types: the {@code wsquota.*} values of the static String constants of the jmx package
     * (the MXBean interfaces and the classes that send their notifications).
     */
    private static Set<String> notificationTypes() throws IOException, ReflectiveOperationException {
        Set<String> types = new TreeSet<>();
        for (Path source : sources()) {
            if (!source.startsWith(SOURCES.resolve("dev/wsquota/jmx"))) {
                continue;
            }
            for (Field field : classOf(source).getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    field.setAccessible(true);
                    Object value = field.get(null);
                    if (value instanceof String name && WSQUOTA_LITERAL.matcher('"' + name + '"').matches()) {
                        types.add(name);
                    }
                }
            }
        }
        assertTrue(types.size() >= 9, "the scan found too few notification types: " + types);
        return types;
    }

    /** The first group of every match of {@code pattern} in the sources. */
    private static Set<String> literals(Pattern pattern) throws IOException {
        Set<String> found = new TreeSet<>();
        for (Path source : sources()) {
            Matcher literal = pattern.matcher(Files.readString(source));
            while (literal.find()) {
                found.add(literal.group(1));
            }
        }
        return found;
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> !path.getFileName().toString().equals("package-info.java")).sorted().toList();
        }
    }

    private static Class<?> classOf(Path source) throws ClassNotFoundException {
        String name = SOURCES.relativize(source).toString().replace(java.io.File.separatorChar, '.');
        return Class.forName(name.substring(0, name.length() - ".java".length()));
    }
}
