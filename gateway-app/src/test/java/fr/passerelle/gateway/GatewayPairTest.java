package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.channel.ChannelHealth;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.receipt.Receipt;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

/**
 * Two gateways, {@code fr} and {@code spain} from the sample PKI, started from the documented
 * {@code examples/gateway-pair} files (only ports and folders changed), pushing to each other over HTTPS with
 * mutual TLS. Sends both ways and expects each message delivered once with the partner's receipt verified and
 * stored; then stops Spain for a minute while fr's services keep sending, and expects everything delivered once,
 * the IMMEDIATE messages before the ROUTINE backlog. fr probes Spain's endpoint while it has nothing to send, and
 * sees it go down without a message.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayPairTest {

    private static final Duration OUTAGE = Duration.ofSeconds(
            Long.getLong("passerelle.test.outage-seconds", 60));

    private static final int FR_HTTPS = GatewayTestSupport.freePort();
    private static final int SPAIN_HTTPS = GatewayTestSupport.freePort();
    private static final int FR_BROKER = GatewayTestSupport.freePort();
    private static final int SPAIN_BROKER = GatewayTestSupport.freePort();

    private static Path data;
    private static ConfigurableApplicationContext fr;
    private static ConfigurableApplicationContext spain;

    private final CmsProfile cms = new CmsProfile();

    @BeforeAll
    static void startBoth() throws Exception {
        data = Files.createTempDirectory("passerelle-pair");
        spain = startSpain();
        fr = start("fr", FR_HTTPS, FR_BROKER,
                "--spring.config.additional-location=file:examples/gateway-pair/fr.yml",
                "--passerelle.partners.spain.channel.url=https://127.0.0.1:" + SPAIN_HTTPS + "/partner/v1/messages",
                // Quick retries, so that the end of the outage is noticed within a second.
                "--passerelle.partners.spain.channel.retry.initial-delay=PT0.2S",
                "--passerelle.partners.spain.channel.retry.max-delay=PT1S",
                // Probes of an idle channel every second, not every minute.
                "--passerelle.channel-probe-interval=PT1S");
    }

    private static ConfigurableApplicationContext startSpain() {
        return start("spain", SPAIN_HTTPS, SPAIN_BROKER,
                "--passerelle.deployment=file:examples/gateway-pair/spain.yml",
                "--passerelle.partners.fr.channel.url=https://127.0.0.1:" + FR_HTTPS + "/partner/v1/messages");
    }

    private static ConfigurableApplicationContext start(String name, int https, int broker, String... more) {
        Path folder = data.resolve(name);
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("--server.port=" + https, "--management.server.port=0", "--passerelle.console.port=0",
                "--passerelle.broker.port=" + broker,
                "--passerelle.broker.data-directory=" + folder.resolve("broker"),
                "--passerelle.store.key-file=" + folder.resolve("store.key"),
                "--passerelle.store.purge-initial-delay=PT24H",
                "--spring.datasource.url=" + GatewayTestSupport.defaultDatabaseUrl().replace("./data/", folder + "/")));
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stopBoth() {
        if (fr != null) {
            fr.close();
        }
        if (spain != null) {
            spain.close();
        }
    }

    /** ofast's report for Spain goes over HTTPS to the Spanish gateway, which hands it to citco and signs a receipt. */
    @Test
    @Order(1)
    void frPushesToSpainAndKeepsSpainsReceipt() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-to-spain.xml");
        String id = TestPki.messageIdOf(envelope);

        new AmqpClient(FR_BROKER).send("ofast", "national.ofast.out", envelope);

        Message delivered = new AmqpClient(SPAIN_BROKER).receive("citco", "national.citco.in", null, 30_000);
        assertThat(delivered).as("delivered to Spain's default service").isNotNull();
        assertThat(((TextMessage) delivered).getText()).isEqualTo(new String(envelope, StandardCharsets.UTF_8));
        assertThat(delivered.getStringProperty("PasserellePartner")).isEqualTo("fr");
        Receipt receipt = storedReceipt(fr, id, "spain");
        assertThat(receipt.getReceiver()).isEqualTo("spain");
        assertThat(receipt.getMessageId()).isEqualTo(id);
        assertThat(audit(fr, id)).contains("OUTBOUND_SEALED", "OUTBOUND_DELIVERED", "RECEIPT_VERIFIED");
        assertThat(audit(spain, id)).contains("INBOUND_DELIVERED", "RECEIPT_ISSUED");
    }

    /** fr probes Spain's real endpoint while the channel is idle: a HEAD request over mutual TLS, Spain UP. */
    @Test
    @Order(1)
    void frProbesSpainsEndpointWhileIdle() throws Exception {
        ChannelHealth health = fr.getBean(ChannelHealth.class);
        ChannelHealth.State state = awaitState(health, s -> s.lastProbe() != null);

        assertThat(state.status()).isEqualTo(ChannelHealth.Status.UP);
        assertThat(state.lastError()).isNull();
        assertThat(managementHealth(fr)).contains("\"lastProbe\":\"");
    }

    /** Spain stops when fr has nothing for it: fr's probes alone take the channel DOWN, before a message needs it. */
    @Test
    @Order(4)
    void frSeesSpainGoDownWithoutAMessageToSend() throws Exception {
        spain.close();
        ChannelHealth health = fr.getBean(ChannelHealth.class);

        ChannelHealth.State state = awaitState(health, s -> s.status() == ChannelHealth.Status.DOWN);

        assertThat(state.lastError()).startsWith("probe: ").contains("127.0.0.1:" + SPAIN_HTTPS);
        assertThat(managementHealth(fr)).contains("\"partnerChannels\":{\"status\":\"DOWN\"");
    }

    /** Spain's channel in fr's health once it is as the test expects, within 30 seconds. */
    private static ChannelHealth.State awaitState(ChannelHealth health, Predicate<ChannelHealth.State> expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ChannelHealth.State state = health.states().get("spain");
        while (!expected.test(state) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            state = health.states().get("spain");
        }
        assertThat(expected.test(state)).as("spain's channel in fr's health: %s", state).isTrue();
        return state;
    }

    /** Each gateway pushes to the other: neither has a broker account on the other's broker. */
    @Test
    @Order(1)
    void aPartnerPushedToCannotLogInToTheBroker() {
        assertThatThrownBy(() -> new AmqpClient(FR_BROKER).receive("spain", "partner.spain.out", null, 1_000))
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> new AmqpClient(SPAIN_BROKER).receive("fr", "partner.fr.out", null, 1_000))
                .isInstanceOf(JMSSecurityException.class);
    }

    /** citco's report for fr goes the other way; ofast, fr's default service, gets it; Spain keeps fr's receipt. */
    @Test
    @Order(2)
    void spainPushesToFrAndKeepsFrsReceipt() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-from-spain-gateway.xml");
        String id = TestPki.messageIdOf(envelope);

        new AmqpClient(SPAIN_BROKER).send("citco", "national.citco.out", envelope);

        Message delivered = new AmqpClient(FR_BROKER).receive("ofast", "national.ofast.in",
                "PasserelleMessageId = '" + id + "'", 30_000);
        assertThat(delivered).as("delivered to ofast").isNotNull();
        assertThat(((TextMessage) delivered).getText()).isEqualTo(new String(envelope, StandardCharsets.UTF_8));
        assertThat(storedReceipt(spain, id, "fr").getReceiver()).isEqualTo("fr");
    }

    /**
     * Spain is down for a while: fr's channel goes DOWN in health and the messages wait; Spain back, every one is
     * delivered once, the IMMEDIATE ones ahead of the ROUTINE ones still waiting.
     */
    @Test
    @Order(3)
    void aPartnerDownForAWhileGetsEverythingOnceInPriorityOrder() throws Exception {
        spain.close();
        AmqpClient frBroker = new AmqpClient(FR_BROKER);
        List<String> routine = new ArrayList<>();
        List<String> immediate = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            routine.add(send(frBroker, "ROUTINE"));
        }
        for (int i = 0; i < 3; i++) {
            immediate.add(send(frBroker, "IMMEDIATE"));
        }
        ChannelHealth health = fr.getBean(ChannelHealth.class);
        awaitState(health, s -> s.status() == ChannelHealth.Status.DOWN);
        assertThat(managementHealth(fr)).contains("\"partnerChannels\":{\"status\":\"DOWN\"");
        assertThat(management(fr, "/actuator/prometheus")).contains("passerelle_channel_state{partner=\"spain\"} 0.0");
        // Each dispatch lane holds the one message it is retrying, no more: the others wait on the queue, where the
        // lane that is free when Spain is back takes the most urgent one, instead of sitting in a busy lane's buffer.
        int waiting = 0;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                (waiting = frBroker.waiting("admin", "partner.spain.out")) != 11 && System.nanoTime() < deadline;) {
            Thread.sleep(100);
        }
        assertThat(waiting).as("messages sealed for Spain that no lane has taken").isEqualTo(11);
        Thread.sleep(OUTAGE.toMillis());

        spain = startSpain();

        List<String> received = new ArrayList<>();
        AmqpClient spainBroker = new AmqpClient(SPAIN_BROKER);
        for (Message m; received.size() < 13 && (m = spainBroker.receive("citco", "national.citco.in", null, 60_000))
                != null;) {
            received.add(m.getStringProperty("PasserelleMessageId"));
        }
        assertThat(spainBroker.receive("citco", "national.citco.in", null, 2_000)).as("nothing twice").isNull();
        assertThat(received).containsExactlyInAnyOrderElementsOf(concat(routine, immediate));
        // The urgent lane delivers the IMMEDIATE ones one after the other while the other lane goes on with the
        // ROUTINE backlog, one at a time: the IMMEDIATE ones come out ahead of all but the first few ROUTINE ones.
        assertThat(received.subList(0, 6)).containsAll(immediate);
        assertThat(health.states().get("spain").status()).isEqualTo(ChannelHealth.Status.UP);
        for (String id : concat(routine, immediate)) {
            assertThat(audit(fr, id)).containsOnlyOnce("OUTBOUND_DELIVERED");
        }
    }

    private static String send(AmqpClient broker, String priority) throws Exception {
        byte[] envelope = new String(TestPki.sampleWithNewId("intel-report-to-spain.xml"), StandardCharsets.UTF_8)
                .replaceAll("<priority>[A-Z]+</priority>", "<priority>" + priority + "</priority>")
                .getBytes(StandardCharsets.UTF_8);
        broker.send("ofast", "national.ofast.out", envelope);
        return TestPki.messageIdOf(envelope);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Receipt storedReceipt(ConfigurableApplicationContext gateway, String messageId, String partner)
            throws Exception {
        JdbcTemplate jdbc = gateway.getBean(JdbcTemplate.class);
        // The partner delivers before it answers: the sender records the receipt a moment later.
        List<byte[]> receipts = List.of();
        for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                receipts.isEmpty() && System.nanoTime() < deadline; Thread.sleep(100)) {
            receipts = jdbc.queryForList("select receipt from message_store where message_id = ? and partner = ?"
                    + " and direction = 'OUTBOUND' and delivered_at is not null", byte[].class, messageId, partner);
        }
        assertThat(receipts).as("the partner's receipt, stored with the delivery").hasSize(1);
        byte[] receipt = receipts.get(0);
        return (Receipt) Schemas.jaxbContext().createUnmarshaller().unmarshal(new ByteArrayInputStream(
                cms.verify(receipt, TestPki.partner(partner).trust()).content()));
    }

    private static List<String> audit(ConfigurableApplicationContext gateway, String messageId) {
        return gateway.getBean(JdbcTemplate.class).queryForList(
                "select event from audit_record where message_id = ? order by seq", String.class, messageId);
    }

    private static String managementHealth(ConfigurableApplicationContext gateway) throws Exception {
        return management(gateway, "/actuator/health");
    }

    private static String management(ConfigurableApplicationContext gateway, String path) throws Exception {
        String port = gateway.getEnvironment().getProperty("local.management.port");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
