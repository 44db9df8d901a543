package fr.passerelle.gateway.sla;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.console.ConsoleServer;
import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.gateway.testing.ConsoleBrowser;
import fr.passerelle.routes.TestPki;
import jakarta.jms.Message;

/**
 * The acceptance scenario on the whole gateway, the SLA of IMMEDIATE messages set to 3 seconds: ofast sends an
 * IMMEDIATE report to Spain, a pull-queue partner, and nobody takes it. Expects within 60 seconds the WARN line,
 * the audit event, the counter on /actuator/prometheus, the banner and the dashboard figure on the console, and the
 * webhook's JSON; then Spain takes the message from its queue, the alarm clears and the webhook is told.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class SlaAlarmOnTheGatewayTest {

    private static final List<String> HOOKED = new CopyOnWriteArrayList<>();
    private static HttpServer webhook;
    private static int brokerPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        brokerPort = GatewayTestSupport.register(registry, "sla");
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hooks/sla", exchange -> {
            HOOKED.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        registry.add("passerelle.sla.immediate", () -> "PT3S");
        registry.add("passerelle.sla.check-interval", () -> "PT1S");
        registry.add("passerelle.sla.webhook.url",
                () -> "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hooks/sla");
    }

    @AfterAll
    static void stopWebhook() {
        webhook.stop(0);
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    ConsoleServer console;

    private final ConsoleBrowser browser = new ConsoleBrowser(() -> console.port());

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anUnacknowledgedImmediateMessageRaisesTheAlarmWithinSixtySeconds(CapturedOutput output) throws Exception {
        byte[] immediate = new String(TestPki.sampleWithNewId("intel-report-to-spain.xml"), StandardCharsets.UTF_8)
                .replaceAll("<priority>[A-Z]+</priority>", "<priority>IMMEDIATE</priority>")
                .getBytes(StandardCharsets.UTF_8);
        String messageId = TestPki.messageIdOf(immediate);
        long sent = System.nanoTime();
        new AmqpClient(brokerPort).send("ofast", "national.ofast.out", immediate);

        within(Duration.ofSeconds(60), () -> audited(messageId, "SLA_BREACHED") && !HOOKED.isEmpty(),
                () -> "audit trail of the message: " + trail(messageId) + "; webhook got " + HOOKED);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("from sending to the alarm")
                .isLessThan(Duration.ofSeconds(60));
        assertThat(output.getOut()).contains("WARN").contains("SLA_BREACH messageId=" + messageId
                + " partner=spain priority=IMMEDIATE");
        String scrape = get(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"));
        assertThat(value(scrape, "passerelle_sla_breaches_total{partner=\"spain\",priority=\"IMMEDIATE\"}"))
                .isEqualTo(1);
        assertThat(value(scrape, "passerelle_sla_open_breaches")).isEqualTo(1);
        JsonNode posted = new ObjectMapper().readTree(HOOKED.get(0));
        assertThat(posted.get("event").asText()).isEqualTo("SLA_BREACHED");
        assertThat(posted.get("messageId").asText()).isEqualTo(messageId);
        assertThat(posted.get("partner").asText()).isEqualTo("spain");
        assertThat(posted.get("priority").asText()).isEqualTo("IMMEDIATE");
        assertThat(HOOKED.get(0)).doesNotContain("<Envelope").doesNotContain("FICTIONAL");

        HttpClient supervisor = browser.login("supervisor");
        String dashboard = browser.get(supervisor, "/");
        assertThat(dashboard).contains("<p class=\"sla-banner\" role=\"alert\">")
                .contains("<strong>1</strong> URGENT/IMMEDIATE\n      message not acknowledged in time");
        assertThat(dashboard.substring(dashboard.indexOf("id=\"sla-card\""))).startsWith("id=\"sla-card\">\n"
                + "        <h3>SLA breaches</h3>\n        <p class=\"value bad\">1</p>");
        assertThat(browser.get(supervisor, "/sla")).contains(messageId);
        assertThat(browser.get(browser.login("officer-morocco"), "/")).doesNotContain("sla-banner");

        Message taken = new AmqpClient(brokerPort).receive("spain", "partner.spain.out", null, 10_000);
        assertThat(taken.getStringProperty("PasserelleMessageId")).isEqualTo(messageId);

        within(Duration.ofSeconds(30), () -> audited(messageId, "SLA_CLEARED"), () -> trail(messageId).toString());
        assertThat(output.getOut()).contains("SLA_CLEARED messageId=" + messageId + " partner=spain");
        assertThat(browser.get(supervisor, "/")).doesNotContain("sla-banner");
        assertThat(jdbc.queryForObject("select count(*) from message_store where message_id = ? and partner = 'spain'"
                + " and delivered_at is not null", Integer.class, messageId)).isEqualTo(1);
        within(Duration.ofSeconds(10), () -> value(get(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/prometheus")), "passerelle_sla_open_breaches") == 0, () -> "the gauge back to 0");
        within(Duration.ofSeconds(10), () -> HOOKED.size() == 2, () -> "webhook got " + HOOKED);
        JsonNode cleared = new ObjectMapper().readTree(HOOKED.get(1));
        assertThat(cleared.get("event").asText()).isEqualTo("SLA_CLEARED");
        assertThat(cleared.get("messageId").asText()).isEqualTo(messageId);
        assertThat(cleared.get("partner").asText()).isEqualTo("spain");
    }

    private boolean audited(String messageId, String event) {
        return jdbc.queryForObject("select count(*) from audit_record where message_id = ? and event = ?",
                Integer.class, messageId, event) == 1;
    }

    private List<String> trail(String messageId) {
        return jdbc.queryForList("select event from audit_record where message_id = ? order by seq", String.class,
                messageId);
    }

    private static void within(Duration limit, BooleanSupplier condition, Supplier<String> otherwise)
            throws InterruptedException {
        for (long end = System.nanoTime() + limit.toNanos(); System.nanoTime() < end && !condition.getAsBoolean(); ) {
            Thread.sleep(200);
        }
        assertThat(condition.getAsBoolean()).as(() -> "within " + limit + ": " + otherwise.get()).isTrue();
    }

    private static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.E+]+)$", Pattern.MULTILINE)
                .matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }

    private static String get(URI url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
