package fr.passerelle.gateway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.StageTimings;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.SecurityProfiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The measurements of {@code bench}, in one run: the plain broker forwarding persistent messages between two
 * queues, the sealing loop, and the outbound flow of a running gateway, the last two from {@code ofast} to
 * {@code spain}. The plain broker and the pipeline are measured in pairs of runs made one after the other, and
 * their figures are the pairs' medians. Every figure comes from this run on this machine; none is remembered or
 * assumed.
 */
public final class Benchmark {

    private static final String SERVICE = "ofast";
    private static final String PARTNER = "spain";
    private static final String NATIONAL_OUT = "national." + SERVICE + ".out";
    private static final String PARTNER_OUT = "partner." + PARTNER + ".out";

    /**
     * What to send: messages per run, envelope size, the latency run's rate, messages per warm-up round, how many
     * warm-up rounds of each flow at most, and how many pairs of measured runs (a plain broker run, then a pipeline
     * run).
     */
    public record Settings(int messages, int size, double rate, int warmup, int warmupRounds, int pairs) {

        /** Checks the settings before anything starts; a bad one is named. */
        public Settings {
            if (messages < 1 || warmup < 0 || !(rate > 0)) {
                throw new IllegalArgumentException("--messages must be at least 1, --warmup at least 0 and --rate"
                        + " above 0");
            }
            if (warmupRounds < 1) {
                throw new IllegalArgumentException("--warmup-rounds must be at least 1, not " + warmupRounds);
            }
            if (pairs < 1) {
                throw new IllegalArgumentException("--pairs must be at least 1, not " + pairs);
            }
            new BenchEnvelopes(size);
        }
    }

    /**
     * A plain broker run and the pipeline run made just after it: the machine's other load, which comes and goes,
     * weighs on both alike, so their ratio is steadier than that of runs made minutes apart.
     */
    record Pair(Measured broker, Measured pipeline) {
        double ratio() {
            return pipeline.throughput().perSecond() / broker.throughput().perSecond();
        }
    }

    /** The figures, and the report printed from them. */
    public record Report(Settings settings, int forwarders, List<Pair> pairs, String profile, double sealingOne,
            int cores, double sealingAll, StompFlow.Latency latency, GcPauses.Summary paused, String stages,
            String warmedUp, String brokerWarmedUp, String diskSync) {

        public String text() {
            double brokerRate = median(pairs, pair -> pair.broker().throughput().perSecond());
            double pipelineRate = median(pairs, pair -> pair.pipeline().throughput().perSecond());
            List<String> lines = new ArrayList<>();
            lines.add(line("plain broker", "%.0f msg/s   persistent, STOMP -> %s -> %d transacted JMS forwarder(s)"
                    + " -> %s -> STOMP%s", brokerRate, NATIONAL_OUT, forwarders, PARTNER_OUT,
                    spread(pair -> pair.broker().throughput().perSecond(), "%.0f")));
            lines.add(line("sealing, 1 thread", "%.0f msg/s   %s profile for %s", sealingOne, profile, PARTNER));
            lines.add(line("sealing, " + cores + " threads", "%.0f msg/s", sealingAll));
            lines.add(line("pipeline", "%.0f msg/s   STOMP %s as %s -> gateway -> STOMP %s as %s%s",
                    pipelineRate, NATIONAL_OUT, SERVICE, PARTNER_OUT, PARTNER,
                    spread(pair -> pair.pipeline().throughput().perSecond(), "%.0f")));
            lines.add(line("latency", "p50 %.1f ms, p99 %.1f ms, max %.1f ms   %d messages at %.0f msg/s",
                    latency.p50(), latency.p99(), latency.max(), latency.messages(), latency.rate()));
            lines.add(line("slowest 1%", "sent within %.0f ms of each other, in a run of %.0f ms   (short: one"
                    + " stall held them up; long: spread over the run)", latency.slowestSpan(), latency.runMillis()));
            lines.add(line("gc pauses", "%s   (the collector's, during the latency run: a max well above the"
                    + " longest pause waited for something else, such as the journal's disk)", paused.text()));
            lines.add(line("pipeline / broker", "%.2f   (%s)", median(pairs, Pair::ratio), pairs.size() == 1
                    ? "one pair of runs: a plain broker run, then a pipeline run"
                    : "the median of " + pairs.size() + " pairs of runs: " + each(Pair::ratio, "%.2f")
                            + ", each a plain broker run then a pipeline run"));
            lines.add(line("pipeline / sealing", "%.2f   (sealing on %d threads)", pipelineRate / sealingAll, cores));
            lines.add(line("cpu per message", "pipeline %.2f ms, plain broker %.2f ms   (processor time of the"
                    + " whole process, every thread, during each run%s)",
                    median(pairs, pair -> pair.pipeline().throughput().cpuMillisPerMessage()),
                    median(pairs, pair -> pair.broker().throughput().cpuMillisPerMessage()),
                    pairs.size() == 1 ? "" : "; medians"));
            lines.add(line("stages, mean", "%s   (inside the gateway, the pairs' pipeline runs)", stages));
            lines.add(line("warm-up", "%s", warmedUp));
            lines.add(line("broker warm-up", "%s", brokerWarmedUp));
            int made = pairs.stream().mapToInt(pair -> pair.broker().runs() + pair.pipeline().runs()).sum();
            lines.add(line("JIT in the runs", "plain broker %s, pipeline %s, latency %s   (the compilers' share of"
                    + " each measured run's time; %d run(s) made for %d kept: a run at or above %s is made again,"
                    + " %d runs at most, as its figure is below the settled rate)",
                    shares(pair -> pair.broker().throughput().compiling()),
                    shares(pair -> pair.pipeline().throughput().compiling()), percent(latency.compiling()), made,
                    2 * pairs.size(), percent(SETTLED), MEASURED_RUNS));
            lines.add(line("disk sync", "%s   (4 KiB written and synced in the bench folder, before the runs)",
                    diskSync));
            return String.join(System.lineSeparator(), lines) + System.lineSeparator();
        }

        /** Every pair's figure, in the order measured, when there is more than one pair. */
        private String spread(ToDoubleFunction<Pair> figure, String format) {
            return pairs.size() == 1 ? "" : "   (runs: " + each(figure, format) + ")";
        }

        /** Every pair's figure, in the order measured. */
        private String each(ToDoubleFunction<Pair> figure, String format) {
            return pairs.stream().map(pair -> String.format(Locale.ROOT, format, figure.applyAsDouble(pair)))
                    .collect(Collectors.joining(", "));
        }

        /** The lowest and the highest compilers' share of the runs kept. */
        private String shares(ToDoubleFunction<Pair> share) {
            DoubleSummaryStatistics shares = pairs.stream().mapToDouble(share).summaryStatistics();
            return shares.getMin() == shares.getMax() || Double.isNaN(shares.getMin()) ? percent(shares.getMin())
                    : percent(shares.getMin()) + " to " + percent(shares.getMax());
        }

        private static String line(String label, String format, Object... values) {
            return String.format(Locale.ROOT, "%-20s", label + ":") + String.format(Locale.ROOT, format, values);
        }
    }

    /** The median of a figure over the pairs: the middle one, or the mean of the two middle ones. */
    static double median(List<Pair> pairs, ToDoubleFunction<Pair> figure) {
        double[] sorted = pairs.stream().mapToDouble(figure).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The compiler's share of a warm-up round's time below which the JIT counts as settled. */
    private static final double SETTLED = 0.10;
    /**
     * Measured runs of each flow at most: the compilers work in bursts, and may start again in the run after a
     * settled round; a run in which they worked {@link #SETTLED} of the time or more is made again.
     */
    static final int MEASURED_RUNS = 3;

    private final Settings settings;
    private final BenchGateway gateway;
    private final Consumer<String> progress;
    private final BenchEnvelopes envelopes;
    private final Duration patience;

    public Benchmark(Settings settings, BenchGateway gateway, Consumer<String> progress) {
        this.settings = settings;
        this.gateway = gateway;
        this.progress = progress;
        this.envelopes = new BenchEnvelopes(settings.size());
        // Even at 20 messages a second, a run ends; a slower gateway is reported as a failure, not waited for.
        this.patience = Duration.ofSeconds(Math.max(60, Math.max(settings.messages(), settings.warmup()) / 20));
    }

    /** Runs every measurement; the plain broker keeps its journal in {@code brokerData} and listens on a port. */
    public Report run(Path brokerData, int brokerPort) throws Exception {
        PasserelleProperties properties = gateway.bean(PasserelleProperties.class);
        Parties parties = gateway.bean(Parties.class);
        Partner spain = parties.partner(PARTNER).orElseThrow();
        SealingLoop sealing = new SealingLoop(gateway.bean(SecurityProfiles.class).get(spain.profile()),
                parties.identity().signing(), spain, envelopes.envelope(UUID.randomUUID().toString()));
        int cores = Runtime.getRuntime().availableProcessors();
        progress.accept("disk sync: " + DiskSync.WRITES + " synced writes of 4 KiB in " + brokerData);
        String diskSync = DiskSync.probe(brokerData).text();
        StompFlow pipeline = new StompFlow(gateway.brokerPort(), endpoint(properties, SERVICE, NATIONAL_OUT),
                endpoint(properties, PARTNER, PARTNER_OUT), envelopes::envelope, false, patience,
                this::collectionsRecorded);
        String warmedUp = warmUp(sealing, cores, pipeline);

        progress.accept("sealing loop: " + settings.messages() + " on 1 thread and " + settings.messages() + " on "
                + cores);
        double sealingOne = sealing.rate(settings.messages(), 1);
        double sealingAll = sealing.rate(settings.messages(), cores);

        // As many forwarding consumers as the gateway has on a national queue: the same broker work, nothing else.
        int forwarders = properties.outbound().consumers();
        progress.accept("plain broker: rounds of " + settings.warmup() + " until the JIT compilers settle, "
                + forwarders + " transacted consumer(s) forwarding persistent messages");
        List<Pair> pairs = new ArrayList<>();
        String brokerWarmedUp;
        String stages;
        try (PlainBroker broker = PlainBroker.start(properties, brokerData, brokerPort, forwarders, NATIONAL_OUT,
                PARTNER_OUT)) {
            StompFlow plain = new StompFlow(brokerPort, endpoint(properties, SERVICE, NATIONAL_OUT),
                    endpoint(properties, PARTNER, PARTNER_OUT), envelopes::envelope, true, patience,
                    StompFlow.Afterwards.NOTHING);
            // Its own code paths (the forwarder, a fresh journal) are compiled before it is measured.
            brokerWarmedUp = settle("plain broker", plain);
            // The plain broker's rounds made the JIT compile anew some code both flows share (its profiles
            // changed): the pipeline settles again before it is measured.
            String settledAgain = settle("pipeline", pipeline);
            if (settings.warmup() > 0) {
                warmedUp += "; after the plain broker, " + settledAgain;
            }
            Map<StageTimings.Stage, double[]> warmStages = stageTotals();
            for (int pair = 1; pair <= settings.pairs(); pair++) {
                progress.accept(String.format(Locale.ROOT, "pair %d of %d: %d messages through the plain broker,"
                        + " then %d through the pipeline, as fast as each takes them", pair, settings.pairs(),
                        settings.messages(), settings.messages()));
                Measured plainRun = measure(plain);
                pairs.add(new Pair(plainRun, measure(pipeline)));
            }
            stages = stageMeans(warmStages);
        }
        // The pairs' plain broker runs changed the profiles again: the latency run, too, is measured settled.
        String beforeLatency = settle("pipeline", pipeline);
        if (settings.warmup() > 0) {
            warmedUp += "; before the latency run, " + beforeLatency;
        }
        progress.accept(String.format(Locale.ROOT, "latency: %d messages at %.0f msg/s", settings.messages(),
                settings.rate()));
        StompFlow.Latency latency;
        GcPauses.Summary paused;
        try (GcPauses pauses = GcPauses.listen()) {
            latency = pipeline.paced(settings.messages(), settings.rate());
            paused = pauses.summary();
        }
        return new Report(settings, forwarders, pairs, spain.profile(), sealingOne, cores, sealingAll, latency,
                paused, stages, warmedUp, brokerWarmedUp, diskSync);
    }

    /**
     * Runs the sealing loop, then the pipeline until the JIT compiler has compiled what they use: a gateway serves
     * for months, and its first minutes, when compiling takes a good share of the processors, are not its rate.
     */
    private String warmUp(SealingLoop sealing, int cores, StompFlow pipeline) throws Exception {
        if (settings.warmup() == 0) {
            return "none";
        }
        progress.accept("warm-up: sealing loop, " + settings.warmup() + " messages");
        sealing.rate(settings.warmup(), cores);
        return settle("pipeline", pipeline);
    }

    /**
     * Rounds of {@code warmup} messages go through {@code flow} until one in which the compilers worked less than a
     * tenth of its time (their time summed over their threads, as the JVM counts it), or {@code warmupRounds} of
     * them; the answer says which.
     */
    private String settle(String name, StompFlow flow) throws Exception {
        if (settings.warmup() == 0) {
            return "none";
        }
        double busy = Double.NaN;
        for (int round = 1; round <= settings.warmupRounds(); round++) {
            busy = flow.throughput(settings.warmup()).compiling();
            progress.accept(String.format(Locale.ROOT, "warm-up: %s round %d of at most %d, %d messages,"
                    + " JIT compilers worked %s of its time", name, round, settings.warmupRounds(), settings.warmup(),
                    percent(busy)));
            if (busy < SETTLED) {
                return String.format(Locale.ROOT, "%d %s round(s) of %d messages, until the JIT compilers"
                        + " worked %s of a round's time (settled: below %s)", round, name, settings.warmup(),
                        percent(busy), percent(SETTLED));
            }
        }
        return String.format(Locale.ROOT, "%d %s round(s) of %d messages; the JIT compilers still worked %s"
                + " of the last one's time, so these figures are below the settled rates",
                settings.warmupRounds(), name, settings.warmup(), percent(busy));
    }

    /** The run kept, and how many were made. */
    record Measured(StompFlow.Throughput throughput, int runs) {
    }

    /**
     * Runs of {@code messages} through {@code flow} until one in which the compilers worked less than {@link
     * #SETTLED} of its time, or {@link #MEASURED_RUNS} of them: the last one is the figure.
     */
    private Measured measure(StompFlow flow) throws Exception {
        StompFlow.Throughput run = flow.throughput(settings.messages());
        int runs = 1;
        while (!(run.compiling() < SETTLED) && runs < MEASURED_RUNS && settings.warmup() > 0) {
            progress.accept(String.format(Locale.ROOT, "the JIT compilers worked %s of that run's time: again",
                    percent(run.compiling())));
            run = flow.throughput(settings.messages());
            runs++;
        }
        return new Measured(run, runs);
    }

    /**
     * Waits until the gateway has recorded every take by Spain so far (as many {@code OUTBOUND_COLLECTED} records as
     * {@code OUTBOUND_QUEUED} ones, by the gateway's own counters): that work is the pipeline's, and left to go on
     * it would weigh on the next run, a plain broker one as often as not. The queue of notes being empty is not
     * enough: the note of a take is queued once the broker's journal has the acknowledgement, which can be after the
     * partner's connection has said goodbye.
     */
    private void collectionsRecorded() throws IOException, InterruptedException {
        MeterRegistry registry = gateway.bean(MeterRegistry.class);
        long deadline = System.nanoTime() + patience.toNanos();
        for (double left = unrecorded(registry); left > 0; left = unrecorded(registry)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(String.format(Locale.ROOT, "%.0f of %s's takes were still not recorded after"
                        + " %d s", left, PARTNER, patience.toSeconds()));
            }
            Thread.sleep(5);
        }
    }

    /** Copies queued for Spain whose take is not recorded yet, by the audit records written so far. */
    private static double unrecorded(MeterRegistry registry) {
        return audited(registry, AuditEvent.OUTBOUND_QUEUED) - audited(registry, AuditEvent.OUTBOUND_COLLECTED);
    }

    private static double audited(MeterRegistry registry, AuditEvent event) {
        Counter counter = registry.find("passerelle.audit.events").tag("event", event.name()).tag("partner", PARTNER)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "(not measured)" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    /** Each outbound stage's count and total time so far, as the gateway's own metrics timed them. */
    private Map<StageTimings.Stage, double[]> stageTotals() {
        MeterRegistry registry = gateway.bean(MeterRegistry.class);
        Map<StageTimings.Stage, double[]> totals = new EnumMap<>(StageTimings.Stage.class);
        for (StageTimings.Stage stage : List.of(StageTimings.Stage.VALIDATE, StageTimings.Stage.POLICY,
                StageTimings.Stage.SEAL)) {
            Timer timer = registry.find("passerelle.stage").tag("stage", stage.tag()).timer();
            totals.put(stage, timer == null ? new double[] {0, 0}
                    : new double[] {timer.count(), timer.totalTime(TimeUnit.MILLISECONDS)});
        }
        return totals;
    }

    /** The mean time per message of each outbound stage since {@code before}. */
    private String stageMeans(Map<StageTimings.Stage, double[]> before) {
        List<String> means = new ArrayList<>();
        stageTotals().forEach((stage, now) -> {
            double[] then = before.get(stage);
            double count = now[0] - then[0];
            means.add(String.format(Locale.ROOT, "%s %.2f ms", stage.tag(),
                    count > 0 ? (now[1] - then[1]) / count : Double.NaN));
        });
        return String.join(", ", means);
    }

    private static StompFlow.Endpoint endpoint(PasserelleProperties properties, String account, String queue) {
        return new StompFlow.Endpoint(account, properties.broker().passwords().get(account), queue);
    }
}
