package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.persistence.DatabaseAvailability;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.gateway.testing.TcpProxy;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.seal.CmsProfile;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Message;

/**
 * The database goes away for longer than a message's delivery attempts last (two here, over some 20 s), then
 * comes back: ofast's reports sent meanwhile wait in their consumers, and every one is sealed and queued for
 * Spain once, none quarantined. Spain posting meanwhile is answered 503 with a Retry-After, and its message,
 * posted again once the database is back, reaches ofast once; when only a partner posted, the gateway sees the
 * database back by itself. The gateway runs on PostgreSQL through a relay that the test cuts and restores
 * (skipped, and saying so, where no PostgreSQL answers, unless PASSERELLE_REQUIRE_POSTGRES is set).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class DatabaseOutageTest {

    private static final int REPORTS = 6;
    /** Longer than two attempts take: each waits for connections 3 s at a time, with 0.5 s between them. */
    private static final Duration OUTAGE = Duration.ofSeconds(35);

    private static int brokerPort;
    private static TcpProxy database;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        String schema = Databases.newPostgresSchema();
        URI target = URI.create(Databases.POSTGRES_URL.substring("jdbc:".length()));
        database = new TcpProxy(GatewayTestSupport.freePort(), target.getHost(), target.getPort());
        brokerPort = GatewayTestSupport.register(registry, "db-outage");
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:" + database.port()
                + target.getPath() + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> Databases.POSTGRES_USER);
        // Connections asked for during the outage fail after 3 s instead of the default 30 s; a message may fail
        // twice, not five times, before the broker quarantines it: without the wait, the outage would quarantine
        // every report within some 20 s.
        registry.add("spring.datasource.hikari.connection-timeout", () -> "3000");
        registry.add("passerelle.broker.max-delivery-attempts", () -> "2");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (database != null) {
            database.close();
        }
        Databases.dropCreatedSchemas();
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DatabaseAvailability availability;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int partnerPort;

    @Test
    void reportsSentWhileTheDatabaseIsAwayAreQueuedOnceItIsBackNoneQuarantined() throws Exception {
        AmqpClient broker = new AmqpClient(brokerPort);
        byte[] first = TestPki.sampleWithNewId("intel-report-to-spain.xml");
        broker.send("ofast", "national.ofast.out", first);
        assertThat(broker.receive("spain", "partner.spain.out", null, 30_000)).as("before the outage").isNotNull();

        database.cut();
        byte[] fromSpain = TestPki.sampleWithNewId("intel-report-from-spain.xml");
        byte[] sealed = new CmsProfile().seal(fromSpain, TestPki.credential("spain", "sign"),
                TestPki.partner("fr").currentEncryption());
        // The first post finds out (its connection request times out); the second is answered at once.
        for (String which : List.of("the post that finds the database away", "a post while it is known away")) {
            HttpResponse<String> refused = post(sealed);
            assertThat(refused.statusCode()).as(which).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).as(which).hasValue("10");
            assertThat(refused.body()).as(which).contains("\"reasonCode\":\"GATEWAY_UNAVAILABLE\"");
            assertThat(availability.down()).as(which).isTrue();
        }
        HttpResponse<String> probed = TlsClients.as("spain").send(HttpRequest.newBuilder(partnerUrl())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(probed.statusCode()).as("Spain's probe").isEqualTo(503);
        assertThat(probed.headers().firstValue("PasserelleReasonCode")).hasValue("GATEWAY_UNAVAILABLE");
        assertThat(probed.headers().firstValue("Retry-After")).hasValue("10");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < REPORTS; i++) {
            byte[] envelope = TestPki.sampleWithNewId("intel-report-to-spain.xml");
            broker.send("ofast", "national.ofast.out", envelope);
            sent.add(TestPki.messageIdOf(envelope));
        }
        Thread.sleep(OUTAGE.toMillis());
        assertThat(broker.waiting("admin", "gateway.quarantine")).as("quarantined during the outage").isZero();
        assertThat(availability.down()).as("the gateway knows the database is away").isTrue();
        assertThat(meters.get("passerelle.database.reachable").gauge().value()).as("gauge, outage").isZero();
        database.restore();

        Set<String> received = new HashSet<>();
        for (Message m; received.size() < REPORTS
                && (m = broker.receive("spain", "partner.spain.out", null, 60_000)) != null;) {
            received.add(m.getStringProperty("PasserelleMessageId"));
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(broker.receive("spain", "partner.spain.out", null, 2_000)).as("nothing twice").isNull();
        assertThat(broker.waiting("admin", "gateway.quarantine")).as("quarantined").isZero();
        assertThat(availability.down()).isFalse();
        assertThat(meters.get("passerelle.database.reachable").gauge().value()).as("gauge, after").isEqualTo(1.0);
        for (String id : sent) {
            assertThat(jdbc.queryForObject("select count(*) from audit_record where message_id = ? and event ="
                    + " 'OUTBOUND_QUEUED'", Integer.class, id)).as(id).isEqualTo(1);
        }

        assertThat(post(sealed).statusCode()).as("Spain's message, posted again").isEqualTo(202);
        String spainId = TestPki.messageIdOf(fromSpain);
        assertThat(broker.receive("ofast", "national.ofast.in", "PasserelleMessageId = '" + spainId + "'", 30_000))
                .as("delivered to ofast").isNotNull();
        assertThat(jdbc.queryForObject("select count(*) from audit_record where message_id = ? and event ="
                + " 'INBOUND_DELIVERED'", Integer.class, spainId)).as("delivered once").isEqualTo(1);
    }

    /**
     * Only a partner posts while the database is away, and no national message comes after: the gateway sees the
     * database back by itself (its watch thread), and the partner's next post is taken, not answered 503 until a
     * national service happens to send something.
     */
    @Test
    void aPartnerIsServedAgainOnceTheDatabaseIsBackWithNoNationalMessage() throws Exception {
        byte[] fromSpain = TestPki.sampleWithNewId("intel-report-from-spain.xml");
        byte[] sealed = new CmsProfile().seal(fromSpain, TestPki.credential("spain", "sign"),
                TestPki.partner("fr").currentEncryption());
        database.cut();
        try {
            assertThat(post(sealed).statusCode()).as("during the outage").isEqualTo(503);
            assertThat(availability.down()).isTrue();
        } finally {
            database.restore();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (availability.down() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(availability.down()).as("the database seen back, no message having come").isFalse();
        assertThat(meters.get("passerelle.database.reachable").gauge().value()).isEqualTo(1.0);

        assertThat(post(sealed).statusCode()).as("Spain's message, posted again").isEqualTo(202);
        String spainId = TestPki.messageIdOf(fromSpain);
        assertThat(new AmqpClient(brokerPort).receive("ofast", "national.ofast.in",
                "PasserelleMessageId = '" + spainId + "'", 30_000)).as("delivered to ofast").isNotNull();
    }

    private HttpResponse<String> post(byte[] sealed) throws Exception {
        return TlsClients.as("spain").send(HttpRequest.newBuilder(partnerUrl())
                .header("Content-Type", "application/pkcs7-mime")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sealed)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI partnerUrl() {
        return URI.create("https://127.0.0.1:" + partnerPort + "/partner/v1/messages");
    }
}
