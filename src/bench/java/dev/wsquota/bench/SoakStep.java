package dev.wsquota.bench;

import java.nio.file.Path;

final class SoakStep {
    static final String SECTION = "5. Churn soak";
    private SoakStep() {
    }

    static void run(Results results, BenchServer server, Path out) throws Exception {
        throw new UnsupportedOperationException("not yet");
    }

    static void run(Results results, BenchServer server) throws Exception {
        throw new UnsupportedOperationException("not yet");
    }
}
