package fr.passerelle.gateway.console.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.doReturn;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.TlsClients;
import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.channel.ChannelTls;
import fr.passerelle.routes.channel.PartnerBroker;
import fr.passerelle.routes.policy.PartnerPolicy;
import fr.passerelle.routes.policy.PartnerRules;
import fr.passerelle.routes.seal.CmsProfile;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;

/**
 * The quarantine on the whole gateway, embedded broker and database: real refusals put messages there, and the
 * administrator's actions take them out. Morocco is reached on its own broker, down at first, and tried once only,
 * so that a message for it is quarantined with DELIVERY_FAILED; AMON's releasability policy can be corrected while
 * the gateway runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QuarantineReleaseTest {

    private static final String MOROCCO_QUEUE = "from.fr";
    private static int brokerPort;
    private static PartnerBroker moroccoBroker;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        brokerPort = GatewayTestSupport.register(registry, "quarantine");
        Path work = Files.createTempDirectory("passerelle-quarantine-morocco");
        moroccoBroker = new PartnerBroker(work, "morocco", MOROCCO_QUEUE);
        moroccoBroker.stop();
        registry.add("passerelle.partners.morocco.channel.type", () -> "amqp");
        registry.add("passerelle.partners.morocco.channel.url", () -> moroccoBroker.url().toString());
        registry.add("passerelle.partners.morocco.channel.queue", () -> MOROCCO_QUEUE);
        registry.add("passerelle.partners.morocco.channel.username", () -> PartnerBroker.USER);
        registry.add("passerelle.partners.morocco.channel.password", () -> PartnerBroker.PASSWORD);
        registry.add("passerelle.partners.morocco.channel.retry.max-attempts", () -> 1);
    }

    @AfterAll
    static void stopMorocco() throws Exception {
        moroccoBroker.close();
    }

    @Autowired
    Quarantine quarantine;

    @Autowired
    JdbcTemplate jdbc;

    @MockitoSpyBean
    PartnerRules rules;

    @LocalServerPort
    int partnerPort;

    private final CmsProfile cms = new CmsProfile();

    private static AmqpClient broker() {
        return new AmqpClient(brokerPort);
    }

    /**
     * police answers Morocco while Morocco's broker is down: DELIVERY_FAILED, sealed bytes in quarantine. Morocco
     * comes back; the administrator releases it; expects it on Morocco's broker, opening to what police sent, out
     * of quarantine, with the release audited in the administrator's name before the delivery.
     */
    @Test
    void aMessageTheChannelRefusedIsDeliveredOnceReleased() throws Exception {
        byte[] envelope = replace("rfi-response-to-morocco.xml", "<priority>ROUTINE</priority>",
                "<priority>URGENT</priority>");
        String id = TestPki.messageIdOf(envelope);

        broker().send("police", "national.police.out", envelope);

        Quarantine.Item item = await(() -> quarantine.find(id));
        assertThat(item.kind()).isEqualTo(Quarantine.Kind.CHANNEL);
        assertThat(item.reasonCode()).isEqualTo("DELIVERY_FAILED");
        assertThat(item.partner()).isEqualTo("morocco");
        assertThat(item.sender()).isEqualTo("police");
        assertThat(item.plaintext()).isFalse();
        assertThat(item.priority()).as("URGENT").isEqualTo(7);
        assertThat(quarantine.content(item.id(), "auditor")).as("sealed bytes are never shown").isEmpty();

        moroccoBroker.start();
        String outcome = quarantine.release(item.id(), "admin");

        assertThat(outcome).contains("partner.morocco.out");
        BytesMessage delivered = receiveOnMoroccosBroker();
        assertThat(delivered.getJMSPriority()).as("still URGENT").isEqualTo(7);
        byte[] sealed = new byte[(int) delivered.getBodyLength()];
        delivered.readBytes(sealed);
        assertThat(cms.open(sealed, TestPki.identity("morocco").decryption(), TestPki.partner("fr").trust())
                .content()).isEqualTo(envelope);
        assertThat(quarantine.find(item.id())).isEmpty();
        assertThat(events(id)).containsSubsequence("DELIVERY_ATTEMPT_FAILED", "MESSAGE_QUARANTINED",
                "QUARANTINE_RELEASED", "OUTBOUND_DELIVERED");
        assertThat(audit(id)).contains(
                "QUARANTINE_RELEASED by admin: released from quarantine by admin to partner.morocco.out (DELIVERY_FAILED)");
    }

    /**
     * gendarmerie writes to AMON, which its policy does not allow: SENDER_NOT_AUTHORISED, the envelope in
     * quarantine under gendarmerie's broker account; the auditor reads it (audited). The policy is corrected;
     * the administrator releases it; expects the outbound flow to run again and AMON to get it.
     */
    @Test
    void anOutboundRefusalGoesThroughTheFlowAgainOnceItsCauseIsCorrected() throws Exception {
        byte[] envelope = replace("asset-tracing-request-to-amon.xml", "<sender>tracfin</sender>",
                "<sender>gendarmerie</sender>");
        String id = TestPki.messageIdOf(envelope);

        broker().send("gendarmerie", "national.gendarmerie.out", envelope);

        Quarantine.Item item = await(() -> quarantine.find(id));
        assertThat(item.kind()).isEqualTo(Quarantine.Kind.OUTBOUND);
        assertThat(item.reasonCode()).isEqualTo("SENDER_NOT_AUTHORISED");
        assertThat(item.account()).isEqualTo("gendarmerie");
        assertThat(item.sender()).isEqualTo("gendarmerie");
        assertThat(quarantine.content(item.id(), "auditor")).hasValue(new String(envelope, StandardCharsets.UTF_8));
        assertThat(audit(id)).contains("MESSAGE_READ by auditor: quarantined copy shown");

        PartnerPolicy amon = rules.policy("amon");
        Set<String> senders = new LinkedHashSet<>(amon.allowedSenders());
        senders.add("gendarmerie");
        doReturn(new PartnerPolicy(amon.maxClassification(), amon.allowedTypes(), amon.reviewHandlingCodes(),
                amon.forbiddenHandlingCodes(), amon.legalBasisRequired(), amon.allowedBodyParts(), senders,
                amon.reviewAlways())).when(rules).policy("amon");

        String outcome = quarantine.release(item.id(), "admin");

        assertThat(outcome).isEqualTo("Released message " + id + " to the outbound flow.");
        Message sent = broker().receive("amon", "partner.amon.out", "PasserelleMessageId = '" + id + "'", 30_000);
        assertThat(sent).as("sent to AMON").isNotNull();
        assertThat(cms.open(AmqpClient.bytes(sent), TestPki.identity("amon").decryption(),
                TestPki.partner("fr").trust()).content()).isEqualTo(envelope);
        assertThat(quarantine.find(id)).isEmpty();
        assertThat(events(id)).containsSubsequence("MESSAGE_QUARANTINED", "MESSAGE_READ", "QUARANTINE_RELEASED",
                "OUTBOUND_RECEIVED", "OUTBOUND_SEALED", "OUTBOUND_QUEUED");
        assertThat(audit(id)).contains("QUARANTINE_RELEASED by admin: released from quarantine by admin to the outbound"
                + " flow (SENDER_NOT_AUTHORISED)");
    }

    /**
     * An envelope for a partner that does not exist: released as it is, the flow refuses it again and it is back
     * with its reason under a new copy; the administrator then discards it: gone, and the discard audited.
     */
    @Test
    void aRefusalReleasedUncorrectedComesBackAndIsThenDiscarded() throws Exception {
        byte[] envelope = replace("intel-report-to-spain.xml", "<recipient>spain</recipient>",
                "<recipient>atlantis</recipient>");
        String id = TestPki.messageIdOf(envelope);
        broker().send("ofast", "national.ofast.out", envelope);
        Quarantine.Item first = await(() -> quarantine.find(id));
        assertThat(first.reasonCode()).isEqualTo("UNKNOWN_PARTNER");

        assertThat(quarantine.release(first.id(), "admin")).contains("refused it again: UNKNOWN_PARTNER");

        Quarantine.Item again = await(() -> quarantine.find(id));
        assertThat(again.id()).isNotEqualTo(first.id());
        assertThat(again.reasonCode()).isEqualTo("UNKNOWN_PARTNER");
        assertThat(again.account()).isEqualTo("ofast");
        assertThat(quarantine.find(first.id())).isEmpty();

        assertThat(quarantine.discard(again.id(), "admin")).isEqualTo("Discarded message " + id + ".");

        assertThat(quarantine.find(id)).isEmpty();
        assertThat(quarantine.list(1_000)).extracting(Quarantine.Item::messageId).doesNotContain(id);
        assertThat(audit(id)).contains("QUARANTINE_DISCARDED by admin: discarded from quarantine by admin (UNKNOWN_PARTNER)");
        assertThatThrownBy(() -> quarantine.discard(again.id(), "admin"))
                .isInstanceOfSatisfying(QuarantineException.class,
                        e -> assertThat(e.reason()).isEqualTo(QuarantineException.Reason.NOT_FOUND));
    }

    /**
     * Spain posts bytes that are no sealed message: NOT_CMS, in quarantine as a partner's refusal, which only Spain
     * can make good by sending again: release is refused and the message stays.
     */
    @Test
    void aPartnersRefusedMessageCannotBeReleased() throws Exception {
        HttpResponse<String> answer = TlsClients.as("spain").send(HttpRequest.newBuilder(URI.create(
                        "https://127.0.0.1:" + partnerPort + "/partner/v1/messages"))
                .header("Content-Type", "application/pkcs7-mime")
                .POST(HttpRequest.BodyPublishers.ofString("not a sealed message")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(400);

        Quarantine.Item item = await(() -> quarantine.list(1_000).stream()
                .filter(found -> "NOT_CMS".equals(found.reasonCode()) && "spain".equals(found.partner())).findFirst());
        assertThat(item.kind()).isEqualTo(Quarantine.Kind.INBOUND);

        assertThatThrownBy(() -> quarantine.release(item.id(), "admin"))
                .isInstanceOfSatisfying(QuarantineException.class,
                        e -> assertThat(e.reason()).isEqualTo(QuarantineException.Reason.NOT_RELEASABLE));
        assertThat(quarantine.find(item.id())).isPresent();
    }

    /**
     * The broker's admin account writes a message into quarantine with the headers of a channel refusal, as the
     * broker does when it moves a message there with whatever headers its sender wrote: not the gateway's own
     * refusal, so not releasable to a partner queue.
     */
    @Test
    void aMessageTheGatewayDidNotQuarantineCannotBeReleased() throws Exception {
        String id = UUID.randomUUID().toString();
        broker().send("admin", Quarantine.QUEUE, "forged".getBytes(StandardCharsets.UTF_8), Map.of(
                "PasserelleMessageId", id, "PasserellePartner", "spain", "PasserelleSender", "ofast",
                "PasserelleReasonCode", "DELIVERY_FAILED", "PasserelleHeldArrivalId", "arrival",
                "PasserelleHeldBrokerUser", "ofast"));

        Quarantine.Item item = await(() -> quarantine.find(id));
        assertThat(item.kind()).isEqualTo(Quarantine.Kind.OTHER);

        assertThatThrownBy(() -> quarantine.release(item.id(), "admin"))
                .isInstanceOfSatisfying(QuarantineException.class,
                        e -> assertThat(e.reason()).isEqualTo(QuarantineException.Reason.NOT_RELEASABLE));
        assertThat(quarantine.find(id)).isPresent();
        assertThat(broker().receive("spain", "partner.spain.out", "PasserelleMessageId = '" + id + "'", 1_000))
                .isNull();
    }

    private BytesMessage receiveOnMoroccosBroker() throws Exception {
        SSLContext moroccoSide = ChannelTls.clientContext(TestPki.credential("fr", "tls"),
                Pem.readCertificates(TestPki.dir("fr").resolve("ca.pem")), TestPki.partner("morocco").trust());
        JmsConnectionFactory factory = new JmsConnectionFactory(moroccoBroker.url());
        factory.setSslContext(moroccoSide);
        try (Connection connection = factory.createConnection(PartnerBroker.USER, PartnerBroker.PASSWORD)) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage received = (BytesMessage) session.createConsumer(session.createQueue(MOROCCO_QUEUE))
                    .receive(30_000);
            assertThat(received).as("a message on Morocco's broker").isNotNull();
            return received;
        }
    }

    /** Waits until the gateway has put the message in quarantine; fails after half a minute. */
    private static Quarantine.Item await(Supplier<Optional<Quarantine.Item>> lookup) throws InterruptedException {
        for (int tries = 0; tries < 300; tries++) {
            Optional<Quarantine.Item> found = lookup.get();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not in quarantine after 30 s");
    }

    /** The message's audit records: event, actor and details. */
    private List<String> audit(String messageId) {
        return jdbc.query("select event, actor, details from audit_record where message_id = ? order by seq",
                (row, n) -> row.getString("event") + " by " + row.getString("actor")
                        + (row.getString("details") == null ? "" : ": " + row.getString("details")), messageId);
    }

    /** The message's audit events, in order. */
    private List<String> events(String messageId) {
        return jdbc.queryForList("select event from audit_record where message_id = ? order by seq", String.class,
                messageId);
    }

    private static byte[] replace(String sample, String from, String to) {
        String text = new String(TestPki.sampleWithNewId(sample), StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }
}
