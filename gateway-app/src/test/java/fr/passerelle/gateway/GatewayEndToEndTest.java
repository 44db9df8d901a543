package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import javax.net.ssl.SSLException;

import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.persistence.EvidenceBundle;
import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.gateway.store.JdbcMessageStore;
import fr.passerelle.routes.OpenSsl;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.format.Formats;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.Opened;
import fr.passerelle.routes.seal.XmlProfile;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.receipt.Receipt;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * The whole gateway on its embedded defaults (broker, database, partner endpoint), driven from outside as
 * national services and partners would: AMQP clients on the broker, HTTPS with client certificates.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "passerelle.partners.europol.profile=xml")
@AutoConfigureObservability
class GatewayEndToEndTest {

    private static int brokerPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        brokerPort = GatewayTestSupport.register(registry, "e2e");
    }

    @LocalServerPort
    int partnerPort;

    @LocalManagementPort
    int managementPort;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JdbcMessageStore messageStore;

    @Autowired
    JdbcAuditTrail auditTrail;

    @TempDir
    Path work;

    private final CmsProfile cms = new CmsProfile();

    /** ofast sends the sample over AMQP; expects Spain to receive, over AMQP, bytes it opens to that sample. */
    @Autowired
    CamelContext camel;

    /** Each national queue has the configured consumers taking every message (12 by default), plus its urgent lane. */
    @Test
    void eachNationalQueueHasItsConsumers() {
        for (String service : List.of("ofast", "douane", "gendarmerie", "police", "tracfin")) {
            assertThat(((JmsEndpoint) camel.getRoute("outbound-" + service + "-receive").getEndpoint())
                    .getConcurrentConsumers()).isEqualTo(12);
            JmsEndpoint urgent = (JmsEndpoint) camel.getRoute("outbound-" + service + "-urgent").getEndpoint();
            assertThat(urgent.getConcurrentConsumers()).isEqualTo(1);
            assertThat(urgent.getSelector()).isEqualTo("JMSPriority >= 7");
        }
    }

    @Test
    void outboundSampleReachesSpainSealed() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-to-spain.xml");

        sendAmqp("ofast", "national.ofast.out", envelope);
        byte[] sealed = receiveBytes("spain", "partner.spain.out");

        Opened opened = cms.open(sealed, TestPki.identity("spain").decryption(),
                TestPki.partner("fr").trust());
        assertThat(opened.content()).isEqualTo(envelope);
        assertThat(auditEvents(TestPki.messageIdOf(envelope))).contains("OUTBOUND_RECEIVED", "OUTBOUND_SEALED",
                "OUTBOUND_QUEUED");
        assertThat(jdbc.queryForList("select partner from message_store where message_id = ? and direction = 'OUTBOUND'",
                String.class, TestPki.messageIdOf(envelope))).contains("spain");
    }

    /**
     * Spain takes its messages from its queue: once it has taken one, the copy is delivered at that moment and the
     * audit trail says how it was taken; a message still on the queue stays queued.
     */
    @Test
    void aMessageSpainTakesFromItsQueueIsRecordedAsCollected() throws Exception {
        byte[] taken = TestPki.sampleWithNewId("intel-report-to-spain.xml");
        String messageId = TestPki.messageIdOf(taken);
        sendAmqp("ofast", "national.ofast.out", taken);
        receive("spain", "partner.spain.out", "PasserelleMessageId = '" + messageId + "'");

        String details = awaitCollected(messageId);
        assertThat(details).startsWith("taken from partner.spain.out by spain over AMQP from ");
        assertThat(auditEvents(messageId)).containsSubsequence("OUTBOUND_QUEUED", "OUTBOUND_COLLECTED");
        java.sql.Timestamp deliveredAt = jdbc.queryForObject("select delivered_at from message_store"
                + " where message_id = ? and direction = 'OUTBOUND' and partner = 'spain'", java.sql.Timestamp.class,
                messageId);
        java.sql.Timestamp collectedAt = jdbc.queryForObject("select recorded_at from audit_record"
                + " where message_id = ? and event = 'OUTBOUND_COLLECTED'", java.sql.Timestamp.class, messageId);
        // The audit trail keeps milliseconds, the store finer: both to the millisecond.
        assertThat(deliveredAt).isNotNull();
        assertThat(deliveredAt.toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .isBeforeOrEqualTo(collectedAt.toInstant());

        byte[] left = TestPki.sampleWithNewId("intel-report-to-spain.xml");
        String leftId = TestPki.messageIdOf(left);
        sendAmqp("ofast", "national.ofast.out", left);
        GatewayTestSupport.await(() -> auditEvents(leftId).contains("OUTBOUND_QUEUED"), "queued");
        Thread.sleep(1_000);
        assertThat(auditEvents(leftId)).doesNotContain("OUTBOUND_COLLECTED");
        assertThat(jdbc.queryForObject("select delivered_at from message_store where message_id = ?"
                + " and direction = 'OUTBOUND' and partner = 'spain'", java.sql.Timestamp.class, leftId)).isNull();
        receive("spain", "partner.spain.out", "PasserelleMessageId = '" + leftId + "'");
        awaitCollected(leftId);
    }

    /** The details of the message's OUTBOUND_COLLECTED record, once it is there (within 10 s). */
    private String awaitCollected(String messageId) throws InterruptedException {
        String query = "select details from audit_record where message_id = ? and event = 'OUTBOUND_COLLECTED'";
        GatewayTestSupport.await(() -> !jdbc.queryForList(query, String.class, messageId).isEmpty(),
                "OUTBOUND_COLLECTED for " + messageId);
        return jdbc.queryForObject(query, String.class, messageId);
    }

    /** Europol is configured for the xml profile: what ofast sends reaches it, in its format, as signed and encrypted XML. */
    @Test
    void xmlPartnerReceivesXmlSecurity() throws Exception {
        byte[] envelope = Files.readAllBytes(TestPki.sample("request-for-information-to-europol.xml"));

        sendAmqp("ofast", "national.ofast.out", envelope);
        byte[] sealed = receiveBytes("europol", "partner.europol.out");

        assertThat(new String(sealed, StandardCharsets.UTF_8)).contains("EncryptedData").contains("aes256-gcm");
        Opened opened = new XmlProfile().open(sealed, TestPki.identity("europol").decryption(),
                TestPki.partner("fr").trust());
        Formats.europolStyleSchema().newValidator().validate(
                new javax.xml.transform.stream.StreamSource(new ByteArrayInputStream(opened.content())));
        assertThat(new String(opened.content(), StandardCharsets.UTF_8)).as("Europol's format")
                .contains("urn:passerelle:europol-style:1").contains(TestPki.messageIdOf(envelope));
    }

    /** Europol posts in its xml profile; expects 202 and delivery to ofast. */
    @Test
    void xmlPartnerPostsXmlSecurity() throws Exception {
        String envelope = Files.readString(TestPki.sample("intel-report-from-spain.xml"))
                .replace("992ff21b-371f-4039-94db-124e3e6f7d03", "0e4b5f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b")
                .replace("<sender>spain</sender>", "<sender>europol</sender>");
        byte[] sealed = new XmlProfile().seal(envelope.getBytes(StandardCharsets.UTF_8),
                TestPki.credential("europol", "sign"), TestPki.partner("fr").currentEncryption());

        HttpResponse<byte[]> response = post("europol", sealed);

        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        assertThat(((TextMessage) receive("ofast", "national.ofast.in",
                "PasserelleMessageId = '0e4b5f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b'")).getText()).isEqualTo(envelope);
    }

    /** Customs sends a backlog of ROUTINE messages for the Caribbean, then one IMMEDIATE: it is received first. */
    @Test
    void anImmediateMessageOvertakesARoutineBacklog() throws Exception {
        int before = queuedFor("caribbean");
        for (int i = 0; i < 20; i++) {
            sendAmqp("douane", "national.douane.out", new String(TestPki.sampleWithNewId(
                    "seizure-notification-to-caribbean.xml"), StandardCharsets.UTF_8)
                    .replaceAll("<priority>[A-Z]+</priority>", "<priority>ROUTINE</priority>")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String sample = Files.readString(TestPki.sample("seizure-notification-to-caribbean.xml"));
        String immediate = sample.replaceAll("<priority>[A-Z]+</priority>", "<priority>IMMEDIATE</priority>")
                .replace(TestPki.messageIdOf(sample.getBytes(StandardCharsets.UTF_8)),
                        "00000000-0000-4000-8000-00000000000a");
        sendAmqp("douane", "national.douane.out", immediate.getBytes(StandardCharsets.UTF_8));
        long deadline = System.currentTimeMillis() + 30_000;
        while (queuedFor("caribbean") < before + 21 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(queuedFor("caribbean") - before).as("messages queued for the Caribbean").isEqualTo(21);

        try (Connection connection = amqp().createConnection("caribbean", "sample-caribbean")) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("partner.caribbean.out"));
            Message first = consumer.receive(20_000);
            assertThat(first.getStringProperty("PasserelleMessageId")).isEqualTo("00000000-0000-4000-8000-00000000000a");
            assertThat(first.getJMSPriority()).isEqualTo(9);
            int rest = 0;
            while (consumer.receive(2_000) != null) {
                rest++;
            }
            assertThat(rest).isEqualTo(20);
        }
    }

    /** The jar's send command puts the envelope on national.ofast.out as ofast; Spain receives it sealed. */
    @Test
    void sendCommandHandsOverAnEnvelope() throws Exception {
        Path sample = Files.write(work.resolve("to-spain.xml"), TestPki.sampleWithNewId("intel-report-to-spain.xml"));

        int status = PasserelleMain.commandLine().execute("send", "--service", "ofast", "--in", sample.toString(),
                "--broker", "tcp://127.0.0.1:" + brokerPort);

        assertThat(status).isZero();
        Opened opened = cms.open(receiveBytes("spain", "partner.spain.out"),
                TestPki.identity("spain").decryption(), TestPki.partner("fr").trust());
        assertThat(opened.content()).isEqualTo(Files.readAllBytes(sample));
    }

    /** Same flow, checked by openssl: Spain's key decrypts, fr's CA verifies, the plaintext is the envelope. */
    @Test
    void opensslOpensWhatLandsOnPartnerSpainOut() throws Exception {
        OpenSsl.assumePresent();
        byte[] envelope = TestPki.sampleWithNewId("intel-report-to-spain.xml");
        sendAmqp("ofast", "national.ofast.out", envelope);
        Files.write(work.resolve("sealed.der"), receiveBytes("spain", "partner.spain.out"));

        OpenSsl.decryptAndVerify(work, "sealed.der", "spain", "fr", "plain.xml");

        assertThat(Files.readAllBytes(work.resolve("plain.xml"))).isEqualTo(envelope);
    }

    /** douane sends an envelope whose sender is ofast; expects quarantine with SENDER_MISMATCH, audited. */
    @Test
    void envelopeUnderAnotherServicesNameIsQuarantined() throws Exception {
        String envelope = Files.readString(TestPki.sample("intel-report-to-spain.xml"));

        sendAmqp("douane", "national.douane.out", envelope.getBytes(StandardCharsets.UTF_8));
        Message quarantined = receive("admin", "gateway.quarantine", "PasserelleReasonCode = 'SENDER_MISMATCH'");

        assertThat(quarantined.getStringProperty("PasserelleReasonCode")).isEqualTo("SENDER_MISMATCH");
        assertThat(quarantined.getStringProperty("PasserelleReason")).contains("under its own name");
        Message notice = receive("douane", "national.douane.in", "PasserelleNotice = 'REFUSED'");
        assertThat(notice.getStringProperty("PasserelleReasonCode")).isEqualTo("SENDER_MISMATCH");
        assertThat(((TextMessage) notice).getText()).contains("was not sent");
    }

    /** Spain posts a message sealed for fr over mutual TLS; expects 202, a signed receipt, delivery to ofast. */
    @Test
    void inboundFromSpainReachesOfastWithReceipt() throws Exception {
        byte[] envelope = Files.readAllBytes(TestPki.sample("intel-report-from-spain.xml"));
        byte[] sealed = cms.seal(envelope, TestPki.credential("spain", "sign"), TestPki.partner("fr").currentEncryption());

        HttpResponse<byte[]> response = post("spain", sealed);

        assertThat(response.statusCode()).isEqualTo(202);
        Receipt receipt = (Receipt) Schemas.jaxbContext().createUnmarshaller().unmarshal(new ByteArrayInputStream(
                cms.verify(response.body(), TestPki.partner("fr").trust()).content()));
        assertThat(receipt.getSha256()).isEqualTo(Receipts.sha256Hex(sealed));
        TextMessage delivered = (TextMessage) receive("ofast", "national.ofast.in",
                "PasserelleMessageId = '992ff21b-371f-4039-94db-124e3e6f7d03'");
        assertThat(delivered.getText()).isEqualTo(new String(envelope, StandardCharsets.UTF_8));
        assertThat(auditEvents("992ff21b-371f-4039-94db-124e3e6f7d03"))
                .contains("INBOUND_DELIVERED", "RECEIPT_ISSUED");

        Path evidence = work.resolve("evidence");
        Files.createDirectories(evidence);
        new EvidenceBundle(jdbc, messageStore, auditTrail).write("992ff21b-371f-4039-94db-124e3e6f7d03", evidence,
                TestPki.dir("fr"));
        assertThat(Files.readAllBytes(evidence.resolve("message-inbound-spain.sealed"))).isEqualTo(sealed);
        assertThat(Files.readAllBytes(evidence.resolve("receipt-inbound-spain.der"))).isEqualTo(response.body());

        HttpResponse<byte[]> again = post("spain", sealed);
        assertThat(again.statusCode()).as("the same bytes again").isEqualTo(202);
        assertThat(again.body()).as("the first receipt, again").isEqualTo(response.body());
        assertThat(auditEvents("992ff21b-371f-4039-94db-124e3e6f7d03")).contains("INBOUND_REPEATED")
                .containsOnlyOnce("INBOUND_DELIVERED");

        byte[] resealed = cms.seal(envelope, TestPki.credential("spain", "sign"),
                TestPki.partner("fr").currentEncryption());
        HttpResponse<byte[]> other = post("spain", resealed);
        assertThat(other.statusCode()).as("another message under the same messageId").isEqualTo(409);
        assertThat(new String(other.body(), StandardCharsets.UTF_8)).contains("\"reasonCode\":\"DUPLICATE_MESSAGE\"");
    }

    /**
     * Routing by case reference: douane wrote to the Caribbean under a case reference; the Caribbean's answer under
     * that reference, addressed to no national service, goes to douane rather than to the default service.
     */
    @Test
    void aPartnersAnswerFindsTheServiceThatUsedItsCaseReference() throws Exception {
        String caseReference = "DOUANE-972-" + System.nanoTime();
        byte[] out = new String(TestPki.sampleWithNewId("seizure-notification-to-caribbean.xml"),
                StandardCharsets.UTF_8).replace("DOUANE-972-2026-0007", caseReference).getBytes(StandardCharsets.UTF_8);
        sendAmqp("douane", "national.douane.out", out);
        receive("caribbean", "partner.caribbean.out", "PasserelleMessageId = '" + TestPki.messageIdOf(out) + "'");
        String answer = new String(TestPki.sampleWithNewId("intel-report-from-spain.xml"), StandardCharsets.UTF_8)
                .replace("<sender>spain</sender>", "<sender>caribbean</sender>")
                .replace("<recipient>ofast</recipient>", "<recipient>fr</recipient>")
                .replace("ES-UDYCO-2026/117", caseReference);
        byte[] sealed = cms.seal(answer.getBytes(StandardCharsets.UTF_8), TestPki.credential("caribbean", "sign"),
                TestPki.partner("fr").currentEncryption());

        assertThat(post("caribbean", sealed).statusCode()).isEqualTo(202);

        String id = TestPki.messageIdOf(answer.getBytes(StandardCharsets.UTF_8));
        assertThat(((TextMessage) receive("douane", "national.douane.in", "PasserelleMessageId = '" + id + "'"))
                .getText()).isEqualTo(answer);
        assertThat(jdbc.queryForObject("select details from audit_record where message_id = ? and event = 'INBOUND_ROUTED'",
                String.class, id)).contains(caseReference).contains("douane");
    }

    /** Morocco's TLS certificate with a message signed by Spain; expects 403 CERT_UNKNOWN_CA. */
    @Test
    void moroccoCannotPostWhatSpainSigned() throws Exception {
        String envelope = Files.readString(TestPki.sample("intel-report-from-spain.xml"))
                .replace("992ff21b-371f-4039-94db-124e3e6f7d03", "992ff21b-371f-4039-94db-124e3e6f7d04");
        byte[] sealed = cms.seal(envelope.getBytes(StandardCharsets.UTF_8), TestPki.credential("spain", "sign"),
                TestPki.partner("fr").currentEncryption());

        HttpResponse<byte[]> response = post("morocco", sealed);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("CERT_UNKNOWN_CA");
    }

    /**
     * A partner's probe, HEAD on the same path: 204, nothing kept, nothing audited. (Spain's collections of the other
     * tests' messages are recorded a little after the fact, so they are left out of the count.)
     */
    @Test
    void aPartnersProbeIsAnsweredWithNoContent() throws Exception {
        String count = "select count(*) from audit_record where event <> 'OUTBOUND_COLLECTED'";
        int records = jdbc.queryForObject(count, Integer.class);

        for (String partner : List.of("spain", "morocco")) {
            HttpResponse<byte[]> response = TlsClients.as(partner).send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + partnerPort + "/partner/v1/messages"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).as(partner).isEqualTo(204);
        }
        assertThat(jdbc.queryForObject(count, Integer.class)).isEqualTo(records);
    }

    /** A client without a certificate does not get past the TLS handshake. */
    @Test
    void clientWithoutCertificateIsRefused() {
        assertThatThrownBy(() -> TlsClients.anonymous().send(request(new byte[] {1}),
                HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOfAny(SSLException.class, java.io.IOException.class);
    }

    /** Downgrade: a client offering only a CBC suite over TLS 1.2 finds no common cipher suite. */
    @Test
    void weakCipherSuitesAreRefused() {
        assertThatThrownBy(() -> TlsClients.as("spain", new String[] {"TLSv1.2"},
                new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"})
                .send(request(new byte[] {1}), HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOfAny(SSLException.class, java.io.IOException.class);
    }

    /** TLS 1.2 with an AEAD suite is still served, for partners not yet on TLS 1.3. */
    @Test
    void tls12WithAnAeadSuiteIsServed() throws Exception {
        HttpResponse<byte[]> response = TlsClients.as("spain", new String[] {"TLSv1.2"},
                new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"})
                .send(request("not sealed".getBytes(StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("NOT_CMS");
    }

    /** Health reports UP with the broker and the database, and Prometheus metrics are served. */
    @Test
    void healthAndMetrics() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"jms\"").contains("\"db\"")
                .contains("\"certificates\"").contains("daysToExpiry");
        var metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes")
                .contains("passerelle_certificate_days_to_expiry{party=\"spain\",role=\"enc\"");
    }

    private HttpResponse<byte[]> post(String party, byte[] body) throws Exception {
        return TlsClients.as(party).send(request(body), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest request(byte[] body) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + partnerPort + "/partner/v1/messages"))
                .header("Content-Type", "application/pkcs7-mime")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private int queuedFor(String partner) {
        return jdbc.queryForObject("select count(*) from audit_record where event = 'OUTBOUND_QUEUED' and partner = ?",
                Integer.class, partner);
    }

    private List<String> auditEvents(String messageId) {
        return jdbc.queryForList("select event from audit_record where message_id = ? order by seq", String.class,
                messageId);
    }

    private void sendAmqp(String user, String queue, byte[] body) throws Exception {
        new AmqpClient(brokerPort).send(user, queue, body);
    }

    private byte[] receiveBytes(String user, String queue) throws Exception {
        return AmqpClient.bytes(receive(user, queue));
    }

    private Message receive(String user, String queue) throws Exception {
        return receive(user, queue, null);
    }

    /** The first message on the queue matching the JMS selector (any message when null), within 20 s. */
    private Message receive(String user, String queue, String selector) throws Exception {
        Message message = new AmqpClient(brokerPort).receive(user, queue, selector, 20_000);
        assertThat(message).as("a message on %s within 20 s", queue).isNotNull();
        return message;
    }

    private static JmsConnectionFactory amqp() {
        return new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort);
    }
}
