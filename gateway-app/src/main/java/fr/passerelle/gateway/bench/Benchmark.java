package fr.passerelle.gateway.bench;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import fr.passerelle.gateway.broker.BrokerSettings;
import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.StageTimings;
import fr.passerelle.routes.outbound.OutboundRoutes;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.SecurityProfiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The measurements of {@code bench}, in one run: the plain broker forwarding persistent messages between two
 * queues, the sealing loop, and the outbound flow of a running gateway, the last two from {@code ofast} to
 * {@code spain}. Every figure comes from this run on this machine; none is remembered or assumed.
 */
public final class Benchmark {

    private static final String SERVICE = "ofast";
    private static final String PARTNER = "spain";
    private static final String NATIONAL_OUT = "national." + SERVICE + ".out";
    private static final String PARTNER_OUT = "partner." + PARTNER + ".out";

    /** What to send: messages per run, envelope size, the latency run's rate, and warm-up messages. */
    public record Settings(int messages, int size, double rate, int warmup) {

        /** Checks the settings before anything starts; a bad one is named. */
        public Settings {
            if (messages < 1 || warmup < 0 || !(rate > 0)) {
                throw new IllegalArgumentException("--messages must be at least 1, --warmup at least 0 and --rate"
                        + " above 0");
            }
            new BenchEnvelopes(size);
        }
    }

    /** The figures, and the report printed from them. */
    public record Report(Settings settings, int forwarders, double brokerRate, String profile, double sealingOne,
            int cores, double sealingAll, double pipelineRate, StompFlow.Latency latency, String stages) {

        public String text() {
            List<String> lines = new ArrayList<>();
            lines.add(line("plain broker", "%.0f msg/s   persistent, STOMP -> %s -> %d transacted JMS forwarder(s)"
                    + " -> %s -> STOMP", brokerRate, NATIONAL_OUT, forwarders, PARTNER_OUT));
            lines.add(line("sealing, 1 thread", "%.0f msg/s   %s profile for %s", sealingOne, profile, PARTNER));
            lines.add(line("sealing, " + cores + " threads", "%.0f msg/s", sealingAll));
            lines.add(line("pipeline", "%.0f msg/s   STOMP %s as %s -> gateway -> STOMP %s as %s",
                    pipelineRate, NATIONAL_OUT, SERVICE, PARTNER_OUT, PARTNER));
            lines.add(line("latency", "p50 %.1f ms, p99 %.1f ms, max %.1f ms   %d messages at %.0f msg/s",
                    latency.p50(), latency.p99(), latency.max(), latency.messages(), latency.rate()));
            lines.add(line("pipeline / broker", "%.2f", pipelineRate / brokerRate));
            lines.add(line("pipeline / sealing", "%.2f   (sealing on %d threads)", pipelineRate / sealingAll, cores));
            lines.add(line("stages, mean", "%s   (inside the gateway, every message of the run)", stages));
            return String.join(System.lineSeparator(), lines) + System.lineSeparator();
        }

        private static String line(String label, String format, Object... values) {
            return String.format(Locale.ROOT, "%-20s", label + ":") + String.format(Locale.ROOT, format, values);
        }
    }

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
        this.patience = Duration.ofSeconds(Math.max(60, (settings.messages() + settings.warmup()) / 20));
    }

    /** Runs every measurement; the plain broker keeps its journal in {@code brokerData} and listens on a port. */
    public Report run(Path brokerData, int brokerPort) throws Exception {
        PasserelleProperties properties = gateway.bean(PasserelleProperties.class);
        Parties parties = gateway.bean(Parties.class);
        Partner spain = parties.partner(PARTNER).orElseThrow();
        SealingLoop sealing = new SealingLoop(gateway.bean(SecurityProfiles.class).get(spain.profile()),
                parties.identity().signing(), spain, envelopes.envelope(UUID.randomUUID().toString()));
        int cores = Runtime.getRuntime().availableProcessors();
        progress.accept("sealing loop: " + settings.warmup() + " to warm up, then " + settings.messages()
                + " on 1 thread and " + settings.messages() + " on " + cores);
        sealing.rate(Math.max(1, settings.warmup()), cores);
        double sealingOne = sealing.rate(settings.messages(), 1);
        double sealingAll = sealing.rate(settings.messages(), cores);

        // As many forwarding consumers as the gateway has on a national queue: the same broker work, nothing else.
        int forwarders = OutboundRoutes.CONSUMERS;
        double brokerRate = plainBroker(properties, brokerData, brokerPort, forwarders);

        StompFlow pipeline = new StompFlow(gateway.brokerPort(), endpoint(properties, SERVICE, NATIONAL_OUT),
                endpoint(properties, PARTNER, PARTNER_OUT), envelopes::envelope, false, patience);
        progress.accept("pipeline: " + settings.warmup() + " to warm up, then " + settings.messages()
                + " as fast as the broker takes them");
        if (settings.warmup() > 0) {
            pipeline.throughput(settings.warmup());
        }
        double pipelineRate = pipeline.throughput(settings.messages()).perSecond();
        progress.accept(String.format(Locale.ROOT, "latency: %d messages at %.0f msg/s", settings.messages(),
                settings.rate()));
        StompFlow.Latency latency = pipeline.paced(settings.messages(), settings.rate());
        return new Report(settings, forwarders, brokerRate, spain.profile(), sealingOne, cores, sealingAll,
                pipelineRate, latency, stages());
    }

    /** The mean time per message of each outbound stage, as the gateway's own metrics timed them. */
    private String stages() {
        MeterRegistry registry = gateway.bean(MeterRegistry.class);
        List<String> means = new ArrayList<>();
        for (StageTimings.Stage stage : List.of(StageTimings.Stage.VALIDATE, StageTimings.Stage.POLICY,
                StageTimings.Stage.SEAL)) {
            Timer timer = registry.find("passerelle.stage").tag("stage", stage.tag()).timer();
            means.add(String.format(Locale.ROOT, "%s %.2f ms", stage.tag(),
                    timer == null ? Double.NaN : timer.mean(TimeUnit.MILLISECONDS)));
        }
        return String.join(", ", means);
    }

    /** The same broker configuration as the gateway's, with a forwarder doing the gateway's broker work only. */
    private double plainBroker(PasserelleProperties properties, Path data, int port, int forwarders)
            throws Exception {
        progress.accept("plain broker: " + settings.warmup() + " to warm up, then " + settings.messages()
                + " persistent messages forwarded by " + forwarders + " transacted consumer(s)");
        PasserelleProperties.Broker configured = properties.broker();
        String secret = randomSecret();
        EmbeddedBroker broker = new EmbeddedBroker(new BrokerSettings(configured.host(), port, data,
                properties.services(), List.copyOf(properties.partners().keySet()), configured.passwords(),
                BrokerSettings.GATEWAY_USER, secret, configured.maxDeliveryAttempts()));
        broker.start();
        try (Forwarder forwarder = new Forwarder(broker.inVmUrl(), BrokerSettings.GATEWAY_USER, secret, NATIONAL_OUT,
                PARTNER_OUT, forwarders)) {
            StompFlow flow = new StompFlow(port, endpoint(properties, SERVICE, NATIONAL_OUT),
                    endpoint(properties, PARTNER, PARTNER_OUT), envelopes::envelope, true, patience);
            if (settings.warmup() > 0) {
                flow.throughput(settings.warmup());
            }
            return flow.throughput(settings.messages()).perSecond();
        } finally {
            broker.stop();
        }
    }

    private static StompFlow.Endpoint endpoint(PasserelleProperties properties, String account, String queue) {
        return new StompFlow.Endpoint(account, properties.broker().passwords().get(account), queue);
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
