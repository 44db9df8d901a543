package fr.passerelle.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.routes.TestPki;

/**
 * What operators scrape: ofast sends a report for Spain, left in Spain's queue; expects it counted as an outbound
 * message queued for Spain, the queue's depth in the metrics, the time it spent in each outbound stage as a
 * histogram, and the readiness group naming the broker and the database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
class MetricsTest {

    private static int brokerPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        brokerPort = GatewayTestSupport.register(registry, "metrics");
        // One partner pushed to, never sent anything here: its channel and retry series exist all the same.
        registry.add("passerelle.partners.caribbean.channel.type", () -> "https-push");
        registry.add("passerelle.partners.caribbean.channel.url", () -> "https://127.0.0.1:9/partner/v1/messages");
    }

    @LocalManagementPort
    int managementPort;

    private String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.E+-]+)$", Pattern.MULTILINE)
                .matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }

    @Test
    void countsMessagesAndShowsQueueDepths() throws Exception {
        new AmqpClient(brokerPort).send("ofast", "national.ofast.out",
                TestPki.sampleWithNewId("intel-report-to-spain.xml"));

        String scrape = "";
        for (long deadline = System.nanoTime() + 30_000_000_000L; System.nanoTime() < deadline; Thread.sleep(200)) {
            scrape = get("/actuator/prometheus");
            // Counted when queued, inside the broker transaction: the queue shows it once that commits.
            if (value(scrape, "passerelle_messages_total{direction=\"outbound\",outcome=\"queued\",partner=\"spain\"}")
                    >= 1 && value(scrape, "passerelle_queue_depth{queue=\"partner.spain.out\"}") >= 1) {
                break;
            }
        }
        assertThat(value(scrape, "passerelle_messages_total{direction=\"outbound\",outcome=\"queued\",partner=\"spain\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "passerelle_audit_events_total{event=\"OUTBOUND_SEALED\",partner=\"spain\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "passerelle_queue_depth{queue=\"partner.spain.out\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "passerelle_queue_depth{queue=\"gateway.quarantine\"}")).isZero();
        for (String stage : new String[] {"validate", "policy", "seal"}) {
            assertThat(value(scrape, "passerelle_stage_seconds_count{stage=\"" + stage + "\"}")).as(stage)
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(scrape, "passerelle_stage_seconds_sum{stage=\"" + stage + "\"}")).as(stage)
                    .isPositive();
            // A histogram: cumulative buckets, the last one (+Inf) holding every message timed.
            assertThat(value(scrape, "passerelle_stage_seconds_bucket{stage=\"" + stage + "\",le=\"+Inf\"}"))
                    .as(stage).isEqualTo(value(scrape, "passerelle_stage_seconds_count{stage=\"" + stage + "\"}"));
            Pattern finiteBuckets = Pattern.compile("^passerelle_stage_seconds_bucket\\{stage=\"" + stage
                    + "\",le=\"[0-9.]+\"\\} ", Pattern.MULTILINE);
            assertThat(finiteBuckets.matcher(scrape).results().count()).as(stage).isGreaterThan(10);
        }
        // Pull-queue partners only here: dispatch is declared, with no message timed yet.
        assertThat(value(scrape, "passerelle_stage_seconds_count{stage=\"dispatch\"}")).isZero();

        // Spain takes it from its queue: delivered, as the embedded broker tells.
        assertThat(new AmqpClient(brokerPort).receive("spain", "partner.spain.out", null, 10_000)).isNotNull();
        String delivered = "passerelle_messages_total{direction=\"outbound\",outcome=\"delivered\",partner=\"spain\"}";
        for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline
                && value(scrape, delivered) < 1; Thread.sleep(100)) {
            scrape = get("/actuator/prometheus");
        }
        assertThat(value(scrape, delivered)).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "passerelle_audit_events_total{event=\"OUTBOUND_COLLECTED\",partner=\"spain\"}"))
                .isGreaterThanOrEqualTo(1);
    }

    /**
     * Every series the alerting rules and the dashboard in {@code ops/} read is there from the start, the counters
     * at zero: a counter that first appears at 1 is invisible to {@code increase()}, and the first message
     * quarantined for a partner would raise no alert.
     */
    @Test
    void everySeriesTheAlertsAndTheDashboardReadIsThereFromTheStart() throws Exception {
        String scrape = get("/actuator/prometheus");
        Set<String> exported = Pattern.compile("^([a-z_]+)[{ ]", Pattern.MULTILINE).matcher(scrape).results()
                .map(found -> found.group(1)).collect(Collectors.toSet());
        for (Path file : List.of(Path.of("ops/prometheus/passerelle-alerts.yml"),
                Path.of("ops/grafana/passerelle-dashboard.json"))) {
            Set<String> read = Pattern.compile("passerelle_[a-z_]+").matcher(Files.readString(file)).results()
                    .map(MatchResult::group).collect(Collectors.toSet());
            assertThat(read).as(file.toString()).isNotEmpty();
            assertThat(read.stream().filter(name -> !exported.contains(name)).toList())
                    .as(file + " reads series a fresh gateway does not export").isEmpty();
        }
        assertThat(value(scrape, "passerelle_messages_total{direction=\"outbound\",outcome=\"quarantined\","
                + "partner=\"spain\"}")).isZero();
        assertThat(value(scrape, "passerelle_messages_total{direction=\"outbound\",outcome=\"quarantined\","
                + "partner=\"none\"}")).isZero();
        assertThat(value(scrape, "passerelle_messages_total{direction=\"inbound\",outcome=\"refused\","
                + "partner=\"morocco\"}")).isZero();
        assertThat(value(scrape, "passerelle_delivery_retries_total{partner=\"caribbean\"}")).isZero();
        assertThat(value(scrape, "passerelle_sla_breaches_total{partner=\"spain\",priority=\"IMMEDIATE\"}"))
                .isZero();
        assertThat(value(scrape, "passerelle_database_reachable")).isEqualTo(1.0);
        assertThat(scrape).contains("passerelle_channel_state{partner=\"caribbean\"}")
                .doesNotContain("passerelle_delivery_retries_total{partner=\"spain\"}");
    }

    @Test
    void readinessNamesTheBrokerAndTheDatabaseAndHealthTheAuditChain() throws Exception {
        assertThat(get("/actuator/health/readiness")).contains("\"status\":\"UP\"").contains("\"db\"")
                .contains("\"jms\"");
        assertThat(get("/actuator/health/liveness")).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health")).contains("\"auditChain\"").contains("\"records\"");
    }
}
