package fr.passerelle.gateway.console.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.console.ConsoleServer;
import fr.passerelle.gateway.testing.ConsoleBrowser;
import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageStore.Direction;
import jakarta.jms.ConnectionFactory;

/**
 * The dashboard, audit and partners pages on the whole gateway: its H2 database, its broker, its audit trail with
 * signed checkpoints, reached over HTTP on the console port after logging in through the form. What the tests
 * store, queue and audit comes back in the figures, within each user's desks.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsolePagesOnTheGatewayTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.register(registry, "console-pages");
    }

    @Autowired
    ConsoleServer console;

    private final ConsoleBrowser browser = new ConsoleBrowser(() -> console.port());

    @Autowired
    MessageStore store;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JdbcAuditTrail trail;

    @Autowired
    EmbeddedBroker broker;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    TrafficCounts traffic;

    @Autowired
    QuarantineCount quarantine;

    /**
     * Stores two messages for Spain and three for Morocco today, and one for Spain two days ago; quarantines two
     * of Spain's, one of Morocco's and one of no partner's; queues two for Spain. Expects the figures by desk
     * from the database and the broker, and officer-spain's dashboard showing Spain's alone.
     */
    @Test
    void theDashboardCountsWhatTheGatewayHoldsWithinTheDesks() throws Exception {
        String old = stored(Direction.OUTBOUND, "spain");
        jdbc.update("update message_store set stored_at = ? where message_id = ?",
                Timestamp.from(Instant.now().minus(Duration.ofDays(2))), old);
        stored(Direction.OUTBOUND, "spain");
        stored(Direction.INBOUND, "spain");
        for (int i = 0; i < 3; i++) {
            stored(Direction.OUTBOUND, "morocco");
        }
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        for (String partner : new String[] {"spain", "spain", "morocco", null}) {
            jms.send(EmbeddedBroker.QUARANTINE, session -> {
                var message = session.createBytesMessage();
                if (partner != null) {
                    message.setStringProperty(Headers.PARTNER, partner);
                }
                return message;
            });
        }
        jms.send("partner.spain.out", session -> session.createBytesMessage());
        jms.send("partner.spain.out", session -> session.createBytesMessage());

        Instant since = Instant.now().minus(Duration.ofHours(24));
        assertThat(traffic.since(new DeskScope(true, Set.of()), since)).containsOnly(
                entry("spain", new TrafficCounts.Traffic(1, 1)), entry("morocco", new TrafficCounts.Traffic(3, 0)));
        assertThat(traffic.since(new DeskScope(false, Set.of("spain")), since)).containsOnlyKeys("spain");
        assertThat(quarantine.count(new DeskScope(true, Set.of()))).isEqualTo(4);
        assertThat(quarantine.count(new DeskScope(false, Set.of("spain")))).isEqualTo(2);
        assertThat(quarantine.count(new DeskScope(false, Set.of("spain", "morocco")))).isEqualTo(3);
        assertThat(broker.messageCount("partner.spain.out")).isEqualTo(2);
        assertThatThrownBy(() -> broker.messageCount("partner.nowhere.out"))
                .isInstanceOf(IllegalArgumentException.class);

        String officer = browser.get(browser.login("officer-spain"), "/");
        assertThat(officer).doesNotContain("morocco")
                .contains("<th scope=\"row\">spain</th>\n          <td>1</td>\n          <td>1</td>")
                .contains("<td><code>partner.spain.out</code></td>\n          <td>2</td>");
        assertThat(officer.substring(officer.indexOf("id=\"quarantine-card\""))).startsWith(
                "id=\"quarantine-card\">\n        <h3>In quarantine</h3>\n        <p class=\"value\">2</p>");

        String supervisor = browser.get(browser.login("supervisor"), "/");
        assertThat(supervisor).contains("<th scope=\"row\">morocco</th>\n          <td>3</td>\n          <td>0</td>");
        assertThat(supervisor.substring(supervisor.indexOf("id=\"quarantine-card\""))).startsWith(
                "id=\"quarantine-card\">\n        <h3>In quarantine</h3>\n        <p class=\"value\">4</p>");

        String partners = browser.get(browser.login("officer-spain"), "/partners");
        assertThat(partners).contains("<h2 id=\"partner-spain-heading\">spain</h2>").doesNotContain("morocco")
                .contains("<span class=\"prominent\">2</span>");
    }

    /**
     * Records three events by a new actor and signs a checkpoint; expects an auditor to find them newest first,
     * to see the checkpoint, and to verify the chain intact from the page; an officer gets no audit page.
     */
    @Test
    void anAuditorSearchesTheTrailAndVerifiesIt() throws Exception {
        String actor = "tester-" + UUID.randomUUID().toString().substring(0, 8);
        String messageId = UUID.randomUUID().toString();
        trail.record(messageId, AuditEvent.OUTBOUND_RECEIVED, actor, null, "first");
        trail.record(messageId, AuditEvent.OUTBOUND_QUEUED, actor, "spain", "second");
        trail.record(messageId, AuditEvent.MESSAGE_READ, actor, null, "third <b>bold</b>");
        trail.checkpoint();
        long head = jdbc.queryForObject("select max(seq) from audit_record", Long.class);

        HttpClient auditor = browser.login("auditor");
        String found = browser.get(auditor, "/audit?actor=" + actor);
        assertThat(found).containsSubsequence("third &lt;b&gt;bold&lt;/b&gt;", "second", "first")
                .contains("Last signed checkpoint: record\n      <strong>" + head + "</strong>")
                .doesNotContain("Older records");
        assertThat(browser.get(auditor, "/audit?messageId=" + messageId + "&event=OUTBOUND_QUEUED"))
                .contains(">second</td>").doesNotContain(">first</td>");

        HttpResponse<String> verified = auditor.send(HttpRequest.newBuilder(browser.url("/audit/verify"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + ConsoleBrowser.enc(ConsoleBrowser.csrf(found)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(verified.statusCode()).isEqualTo(302);
        assertThat(verified.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/audit"));
        assertThat(browser.get(auditor, "/audit")).contains("<span class=\"badge good\">intact</span>")
                .containsPattern("All <span>\\d+</span> records and their signed checkpoints verify.");

        HttpResponse<String> officer = browser.login("officer-spain").send(HttpRequest.newBuilder(browser.url("/audit")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(officer.statusCode()).isEqualTo(403);
    }

    private String stored(Direction direction, String partner) {
        String messageId = UUID.randomUUID().toString();
        store.store(direction, messageId, partner, MessageStore.Summary.ofType("INTEL_REPORT"), new byte[] {1},
                "<Envelope/>".getBytes(StandardCharsets.UTF_8), null, null);
        return messageId;
    }
}
