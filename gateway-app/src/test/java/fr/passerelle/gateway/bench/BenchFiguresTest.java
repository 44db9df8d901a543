package fr.passerelle.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's diagnostics: where the slowest messages were sent, and the disk's sync time. */
class BenchFiguresTest {

    @TempDir
    Path folder;

    /** 200 messages sent 10 ms apart; the slowest two (1 %) were sent 3rd and 91st: 880 ms apart. */
    @Test
    void theSlowestOnePercentIsFoundWhereverItWasSent() {
        long[] sends = new long[200];
        long[] latencies = new long[200];
        for (int i = 0; i < sends.length; i++) {
            sends[i] = i * 10L;
            latencies[i] = 5 + i % 7;
        }
        latencies[2] = 300;
        latencies[90] = 250;
        latencies[150] = 100;

        assertThat(StompFlow.slowestSpan(sends, latencies)).isEqualTo(880);
    }

    /** One stall: the slowest were sent together. */
    @Test
    void slowMessagesSentTogetherSpanLittle() {
        long[] sends = new long[300];
        long[] latencies = new long[300];
        for (int i = 0; i < sends.length; i++) {
            sends[i] = i * 2L;
            latencies[i] = i >= 100 && i < 103 ? 150 - i + 100 : 2;
        }

        assertThat(StompFlow.slowestSpan(sends, latencies)).isEqualTo(4);
    }

    @Test
    void theDiskProbeTimesItsSyncsAndLeavesNothingBehind() throws Exception {
        DiskSync.Result result = DiskSync.probe(folder.resolve("broker"));

        assertThat(result.p50()).isPositive().isLessThanOrEqualTo(result.p99());
        assertThat(result.p99()).isLessThanOrEqualTo(result.max());
        try (var left = Files.list(folder.resolve("broker"))) {
            assertThat(left).isEmpty();
        }
    }
}
