package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.channel.ChannelTls;
import fr.passerelle.routes.channel.PartnerBroker;
import fr.passerelle.routes.channel.TestSftpServer;
import fr.passerelle.routes.seal.CmsProfile;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Session;

/**
 * The gateway configured, as an operator would, with Morocco reached on its own broker over AMQP 1.0 with TLS and
 * the Caribbean on its SFTP server with a pinned host key (both real servers, in process). Sends a sample to each;
 * expects it on the partner's side, opened there with the partner's key to the very envelope sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PartnerChannelsTest {

    private static final String QUEUE = "from.fr";
    private static Path work;
    private static PartnerBroker moroccoBroker;
    private static TestSftpServer caribbeanSftp;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        GatewayTestSupport.register(registry, "channels");
        work = Files.createTempDirectory("passerelle-channels");
        moroccoBroker = new PartnerBroker(Files.createDirectories(work.resolve("morocco")), "morocco", QUEUE);
        registry.add("passerelle.partners.morocco.channel.type", () -> "amqp");
        registry.add("passerelle.partners.morocco.channel.url", () -> moroccoBroker.url().toString());
        registry.add("passerelle.partners.morocco.channel.queue", () -> QUEUE);
        registry.add("passerelle.partners.morocco.channel.username", () -> PartnerBroker.USER);
        registry.add("passerelle.partners.morocco.channel.password", () -> PartnerBroker.PASSWORD);

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair hostKey = generator.generateKeyPair();
        Path root = Files.createDirectories(work.resolve("caribbean-sftp"));
        Files.createDirectories(root.resolve("incoming"));
        caribbeanSftp = new TestSftpServer(root,
                Pem.readCertificate(TestPki.dir("fr").resolve("tls.pem")).getPublicKey(), hostKey);
        Path pinned = Files.writeString(work.resolve("caribbean-host.pub"),
                PublicKeyEntry.toString(hostKey.getPublic()) + " caribbean-sftp\n");
        registry.add("passerelle.partners.caribbean.channel.type", () -> "sftp");
        registry.add("passerelle.partners.caribbean.channel.url",
                () -> "sftp://127.0.0.1:" + caribbeanSftp.port() + "/incoming");
        registry.add("passerelle.partners.caribbean.channel.username", () -> TestSftpServer.USER);
        registry.add("passerelle.partners.caribbean.channel.private-key",
                () -> TestPki.dir("fr").resolve("tls.key").toString());
        registry.add("passerelle.partners.caribbean.channel.host-key", pinned::toString);
    }

    @AfterAll
    static void stopPartners() throws Exception {
        moroccoBroker.close();
        caribbeanSftp.close();
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    org.springframework.core.env.Environment environment;

    private final CmsProfile cms = new CmsProfile();

    /** police's answer to Morocco lands on Morocco's broker; Morocco opens it with its key. */
    @Test
    void amqpPartnerReceivesAndOpensTheSample() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("rfi-response-to-morocco.xml");

        new AmqpClient(brokerPort()).send("police", "national.police.out", envelope);

        SSLContext moroccoSide = ChannelTls.clientContext(TestPki.credential("fr", "tls"),
                Pem.readCertificates(TestPki.dir("fr").resolve("ca.pem")), TestPki.partner("morocco").trust());
        JmsConnectionFactory factory = new JmsConnectionFactory(moroccoBroker.url());
        factory.setSslContext(moroccoSide);
        try (Connection connection = factory.createConnection(PartnerBroker.USER, PartnerBroker.PASSWORD)) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage received = (BytesMessage) session.createConsumer(session.createQueue(QUEUE)).receive(30_000);
            assertThat(received).as("a message on Morocco's broker").isNotNull();
            byte[] sealed = new byte[(int) received.getBodyLength()];
            received.readBytes(sealed);
            assertThat(cms.open(sealed, TestPki.identity("morocco").decryption(), TestPki.partner("fr").trust())
                    .content()).isEqualTo(envelope);
        }
        assertDeliveredOnce(TestPki.messageIdOf(envelope), "morocco");
    }

    /** Customs' seizure notification lands as a file on the Caribbean's SFTP server; the Caribbean opens it. */
    @Test
    void sftpPartnerReceivesAndOpensTheSample() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("seizure-notification-to-caribbean.xml");
        String id = TestPki.messageIdOf(envelope);

        new AmqpClient(brokerPort()).send("douane", "national.douane.out", envelope);

        Path file = work.resolve("caribbean-sftp/incoming/" + id + ".p7m");
        for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                !Files.exists(file) && System.nanoTime() < deadline; Thread.sleep(100)) {
            // Waiting for the dispatch.
        }
        assertThat(file).exists();
        assertThat(cms.open(Files.readAllBytes(file), TestPki.identity("caribbean").decryption(),
                TestPki.partner("fr").trust()).content()).isEqualTo(envelope);
        assertThat(caribbeanSftp.moves()).anyMatch(move -> move.endsWith(id + ".p7m"));
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".part"));
        }
        assertDeliveredOnce(id, "caribbean");
    }

    private void assertDeliveredOnce(String messageId, String partner) throws InterruptedException {
        List<String> events = List.of();
        for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                !events.contains("OUTBOUND_DELIVERED") && System.nanoTime() < deadline; Thread.sleep(100)) {
            events = jdbc.queryForList("select event from audit_record where message_id = ? and partner = ?"
                    + " order by seq", String.class, messageId, partner);
        }
        assertThat(events).containsSubsequence("OUTBOUND_SEALED", "OUTBOUND_QUEUED", "OUTBOUND_DELIVERED")
                .containsOnlyOnce("OUTBOUND_DELIVERED");
        assertThat(jdbc.queryForObject("select count(*) from message_store where message_id = ? and partner = ?"
                + " and delivered_at is not null", Integer.class, messageId, partner)).isEqualTo(1);
    }

    private int brokerPort() {
        return environment.getRequiredProperty("passerelle.broker.port", Integer.class);
    }
}
