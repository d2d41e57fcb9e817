package dev.wsquota.bench;

import javax.management.MBeanServerConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * Where the server's threads are, from a thread dump over JMX: how many wait (not run) inside Liberty's WebSocket
 * close, until the pending read is cancelled, or for another write to end: the two places a refusal or a ping
 * could hold a container thread.
 */
final class ServerThreads {

    /** One dump: all threads, and those in a WebSocket close or waiting to write. */
    record Sample(int threads, int inClose, int waitingToWrite) {
        Sample max(Sample other) {
            return new Sample(Math.max(threads, other.threads), Math.max(inClose, other.inClose),
                    Math.max(waitingToWrite, other.waitingToWrite));
        }
    }

    static final Sample NONE = new Sample(0, 0, 0);

    private final ThreadMXBean threads;

    ServerThreads(MBeanServerConnection jmx) throws IOException {
        threads = ManagementFactory.newPlatformMXBeanProxy(jmx, ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
    }

    Sample sample() {
        int all = 0;
        int inClose = 0;
        int waiting = 0;
        for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
            if (info == null) {
                continue;
            }
            all++;
            if (info.getThreadState() == Thread.State.RUNNABLE) {
                continue; // passing through, not held there
            }
            for (StackTraceElement frame : info.getStackTrace()) {
                String method = frame.getMethodName();
                if (method.equals("finishReadBeforeClose")) {
                    inClose++;
                    break;
                }
                if (method.equals("okToWrite")) {
                    waiting++;
                    break;
                }
            }
        }
        return new Sample(all, inClose, waiting);
    }
}
