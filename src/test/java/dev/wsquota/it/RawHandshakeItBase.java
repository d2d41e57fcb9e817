package dev.wsquota.it;

import dev.wsquota.it.support.Await;
import dev.wsquota.it.support.JmxClient;
import dev.wsquota.it.support.RawWs;
import dev.wsquota.jmx.ManagerFactoryMXBean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a {@code @RunAsClient} test of handshakes sent by hand needs: the factory MXBean over one JMX connection
 * per class, the admissions counted before each test (a refused handshake must never be admitted), and every
 * raw connection closed and every slot back before the next test.
 */
abstract class RawHandshakeItBase {

    protected static JmxClient jmx;
    protected static ManagerFactoryMXBean factory;
    protected final List<RawWs> opened = new ArrayList<>();
    protected long admissionsBefore;

    @BeforeAll
    static void connectJmx() throws IOException {
        jmx = JmxClient.connect();
        factory = jmx.factory();
    }

    @AfterAll
    static void closeJmx() throws IOException {
        jmx.close();
    }

    @BeforeEach
    void rememberAdmissions() {
        admissionsBefore = factory.getAdmissions();
    }

    @AfterEach
    void closeAndAwaitEverySlotBack() {
        opened.forEach(RawWs::close);
        Await.until("every slot back", Duration.ofSeconds(15), factory::getActiveManagers, n -> n == 0);
    }

    /** Keeps the connection to be closed after the test. */
    protected RawWs kept(RawWs ws) {
        opened.add(ws);
        return ws;
    }

    protected void assertNeverAdmitted() {
        assertEquals(admissionsBefore, factory.getAdmissions(), "a refused handshake is never admitted");
    }
}
