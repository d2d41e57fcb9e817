package dev.wsquota.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuSamplerTest {

    @Test
    void interpolatesBetweenSamples() {
        CpuSampler sampler = new CpuSampler(() -> 0L);
        sampler.record(1_000, 10_000);
        sampler.record(2_000, 12_000); // 2 CPU-ns per wall-ns in this stretch
        sampler.record(3_000, 12_000); // idle
        assertEquals(2_000, sampler.between(1_000, 2_000), 1e-9);
        assertEquals(1_000, sampler.between(1_250, 1_750), 1e-9);
        assertEquals(1_000, sampler.between(1_500, 3_000), 1e-9);
        assertEquals(0, sampler.between(2_000, 3_000), 1e-9);
    }

    @Test
    void outsideTheSamplesIsUnknown() {
        CpuSampler sampler = new CpuSampler(() -> 0L);
        sampler.record(1_000, 10_000);
        sampler.record(2_000, 12_000);
        assertEquals(-1, sampler.between(500, 1_500), 1e-9);
        assertEquals(-1, sampler.between(1_500, 2_500), 1e-9);
        assertEquals(-1, new CpuSampler(() -> 0L).between(0, 1), 1e-9);
    }
}
