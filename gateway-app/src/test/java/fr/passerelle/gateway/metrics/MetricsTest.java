package fr.passerelle.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    }

    @Test
    void readinessNamesTheBrokerAndTheDatabaseAndHealthTheAuditChain() throws Exception {
        assertThat(get("/actuator/health/readiness")).contains("\"status\":\"UP\"").contains("\"db\"")
                .contains("\"jms\"");
        assertThat(get("/actuator/health/liveness")).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health")).contains("\"auditChain\"").contains("\"records\"");
    }
}
