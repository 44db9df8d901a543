package fr.passerelle.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's figures: where the slowest messages were sent, the pairs' medians, the collector's pauses and the
 * disk's sync time.
 */
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

    /** The ratio of a pair is its own pipeline rate over its own broker rate; the median is the middle pair's. */
    @Test
    void theRatioIsTheMedianOfThePairsRatios() {
        List<Benchmark.Pair> pairs = List.of(pair(2000, 500), pair(1000, 450), pair(3000, 1200));

        assertThat(pairs.get(1).ratio()).isCloseTo(0.45, within(1e-9));
        assertThat(Benchmark.median(pairs, Benchmark.Pair::ratio)).isCloseTo(0.40, within(1e-9));
        assertThat(Benchmark.median(pairs, pair -> pair.broker().throughput().perSecond()))
                .isCloseTo(2000, within(1e-6));
    }

    /** With an even number of pairs, the median is the mean of the two middle ones. */
    @Test
    void anEvenNumberOfPairsTakesTheMeanOfTheMiddleTwo() {
        List<Benchmark.Pair> pairs = List.of(pair(2000, 500), pair(1000, 300), pair(3000, 1200), pair(1000, 350));

        assertThat(Benchmark.median(pairs, Benchmark.Pair::ratio)).isCloseTo((0.30 + 0.35) / 2, within(1e-9));
    }

    /** The report lists every pair's figures when there are several, and none but the pair's when there is one. */
    @Test
    void theReportListsThePairsOnlyWhenThereAreSeveral() {
        String three = report(List.of(pair(2000, 500), pair(1000, 450), pair(3000, 1200))).text();
        String one = report(List.of(pair(2000, 500))).text();

        assertThat(three).containsPattern("(?m)^plain broker: +2000 msg/s .* \\(runs: 2000, 1000, 3000\\)$")
                .containsPattern("(?m)^pipeline: +500 msg/s .* \\(runs: 500, 450, 1200\\)$")
                .containsPattern("(?m)^pipeline / broker: +0.40 +\\(the median of 3 pairs of runs: 0.25, 0.45, 0.40,"
                        + " each a plain broker run then a pipeline run\\)$");
        assertThat(one).containsPattern("(?m)^plain broker: +2000 msg/s .* -> STOMP$")
                .containsPattern("(?m)^pipeline / broker: +0.25 +\\(one pair of runs: a plain broker run, then a"
                        + " pipeline run\\)$")
                .doesNotContain("(runs:");
    }

    private static Benchmark.Report report(List<Benchmark.Pair> pairs) {
        return new Benchmark.Report(new Benchmark.Settings(1000, 4096, 500, 0, 1, pairs.size()), 12, pairs, "cms",
                3000, 2, 5000, new StompFlow.Latency(1000, 500, 2, 9, 12, 40, 2000, 0.01),
                new GcPauses.Summary(2, 9, 15), "validate 0.10 ms", "none", "none", "p50 0.2 ms");
    }

    /** A pair whose runs took 1,000 messages at the given rates. */
    private static Benchmark.Pair pair(double brokerRate, double pipelineRate) {
        return new Benchmark.Pair(run(brokerRate), run(pipelineRate));
    }

    private static Benchmark.Measured run(double rate) {
        return new Benchmark.Measured(new StompFlow.Throughput(1000, (long) (1000 / rate * 1e9), -1, -1), 1);
    }

    /** A collection asked for while listening is counted, with its duration; a summary without any says none. */
    @Test
    void gcPausesAreCountedWhileListening() throws InterruptedException {
        GcPauses.Summary seen;
        try (GcPauses pauses = GcPauses.listen()) {
            System.gc();
            long deadline = System.nanoTime() + 10_000_000_000L;
            // The JVM tells a collection on a thread of its own, just after it.
            while ((seen = pauses.summary()).pauses() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertThat(seen.pauses()).isPositive();
        assertThat(seen.longestMillis()).isNotNegative().isLessThanOrEqualTo(seen.totalMillis());
        assertThat(seen.text()).matches("[0-9]+, the longest [0-9]+ ms, [0-9]+ ms in all");
        assertThat(new GcPauses.Summary(0, 0, 0).text()).isEqualTo("none");
    }

    /** Stop-the-world collections count as pauses; the concurrent cycles of ZGC or Shenandoah do not. */
    @Test
    void concurrentCyclesAreNotPauses() {
        assertThat(GcPauses.pause("end of minor GC")).isTrue();
        assertThat(GcPauses.pause("end of major GC")).isTrue();
        assertThat(GcPauses.pause("end of GC pause")).isTrue();
        assertThat(GcPauses.pause("end of GC cycle")).isFalse();
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
