package fr.passerelle.routes.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import javax.net.ssl.SSLContext;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.pki.Pem;
import fr.passerelle.routes.TestPki;

/**
 * The amqp channel against an embedded Artemis standing for Spain's broker: AMQP 1.0 over TLS, our client
 * certificate required, a user and password.
 */
class AmqpChannelTest {

    private static final String QUEUE = "passerelle.from.fr";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path work;

    private final SSLContext tls = ChannelTls.clientContext(TestPki.credential("fr", "tls"),
            Pem.readCertificates(TestPki.dir("fr").resolve("ca.pem")), TestPki.partner("spain").trust());

    private PartnerBroker broker;
    private AmqpChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void deliversTheSealedBytesWithTheirPriorityAndIds() throws Exception {
        broker = new PartnerBroker(work, "spain", QUEUE);
        channel = channel(PartnerBroker.PASSWORD);
        Outgoing message = message("msg-1", 9);

        Delivery delivery = channel.deliver(message);

        assertThat(delivery.detail()).isEqualTo("amqp 127.0.0.1:" + broker.port() + " queue " + QUEUE + ", "
                + message.sealed().length + " bytes");
        assertThat(delivery.receipt()).isNull();
        try (Connection connection = consumerFactory().createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            BytesMessage received = (BytesMessage) consumer.receive(TIMEOUT.toMillis());

            assertThat(received).isNotNull();
            byte[] body = new byte[(int) received.getBodyLength()];
            received.readBytes(body);
            assertThat(body).isEqualTo(message.sealed());
            assertThat(received.getJMSPriority()).isEqualTo(9);
            assertThat(received.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
            assertThat(received.getStringProperty("PasserelleMessageId")).isEqualTo("msg-1");
            assertThat(received.getStringProperty("PasserellePartner")).isEqualTo("spain");
            assertThat(received.getStringProperty("PasserelleProfile")).isEqualTo("cms");
        }
    }

    /** A retry after a lost answer: the partner's broker keeps one copy. */
    @Test
    void sendingTheSameMessageTwiceLeavesOneCopy() throws Exception {
        broker = new PartnerBroker(work, "spain", QUEUE);
        channel = channel(PartnerBroker.PASSWORD);

        channel.deliver(message("msg-2", 4));
        channel.deliver(message("msg-2", 4));
        channel.deliver(message("msg-3", 4));

        assertThat(countWhenAtLeast(2)).isEqualTo(2);
    }

    /** Impersonation: a broker with Morocco's valid certificate where Spain's is expected. */
    @Test
    void refusesABrokerWhoseCertificateIsFromAnotherCa() throws Exception {
        broker = new PartnerBroker(work, "morocco", QUEUE);
        channel = channel(PartnerBroker.PASSWORD);

        assertThatThrownBy(() -> channel.deliver(message("msg-4", 4)))
                .isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("amqp 127.0.0.1:" + broker.port() + " queue " + QUEUE + ": ")
                .hasMessageContaining("CERT_UNKNOWN_CA");
        assertThat(broker.messageCount()).isZero();
    }

    /**
     * A server with a certificate from Spain's CA, but for other hosts: the address we dialled is checked against
     * the certificate, as when a name is redirected to a machine holding some other Spanish certificate.
     */
    @Test
    void refusesABrokerWhoseCertificateNamesAnotherHost() throws Exception {
        broker = new PartnerBroker(work, "spain", "127.0.0.2", QUEUE);
        channel = channel(PartnerBroker.PASSWORD);

        assertThatThrownBy(() -> channel.deliver(message("msg-8", 4)))
                .isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("amqp 127.0.0.2:" + broker.port() + " queue " + QUEUE + ": ")
                .hasMessageContaining("127.0.0.2");
        assertThat(broker.messageCount()).isZero();
    }

    /** Wrong credentials: refused, and the password we tried appears nowhere in the report. */
    @Test
    void refusesAWrongPassword() throws Exception {
        broker = new PartnerBroker(work, "spain", QUEUE);
        channel = channel("not-the-password");

        assertThatThrownBy(() -> channel.deliver(message("msg-5", 4)))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining("authentication refused")
                .hasMessageNotContaining("not-the-password");
        assertThat(broker.messageCount()).isZero();
    }

    /** A partner broker that restarts is reached again by the same channel, without qpid's failover. */
    @Test
    void failsWhileTheBrokerIsDownThenReconnects() throws Exception {
        broker = new PartnerBroker(work, "spain", QUEUE);
        channel = channel(PartnerBroker.PASSWORD);
        channel.deliver(message("msg-6", 4));

        broker.stop();
        assertThatThrownBy(() -> channel.deliver(message("msg-7", 4)))
                .isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("amqp 127.0.0.1:" + broker.port() + " queue " + QUEUE + ": ");

        broker.start();
        channel.deliver(message("msg-7", 4));
        assertThat(countWhenAtLeast(1)).isEqualTo(1);
    }

    /** A probe attaches to the queue and sends nothing; it fails while the broker is down, and works again after. */
    @Test
    void aProbeSendsNothingAndFollowsTheBroker() throws Exception {
        broker = new PartnerBroker(work, "spain", QUEUE);
        channel = channel(PartnerBroker.PASSWORD);

        assertThat(channel.probe()).isEqualTo("amqp 127.0.0.1:" + broker.port() + " queue " + QUEUE
                + " takes messages");
        broker.stop();
        assertThatThrownBy(() -> channel.probe()).isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("amqp 127.0.0.1:" + broker.port() + " queue " + QUEUE + ": ");
        broker.start();
        assertThat(channel.probe()).endsWith(" takes messages");
        assertThat(broker.messageCount()).isZero();
    }

    /** A probe with the wrong password fails as a delivery would, without the password in its report. */
    @Test
    void aProbeReportsARefusedPassword() throws Exception {
        broker = new PartnerBroker(work, "spain", QUEUE);
        channel = channel("not-the-password");

        assertThatThrownBy(() -> channel.probe())
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining("authentication refused")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void describesTheBrokerAndQueueWithoutSecrets() {
        AmqpChannel.Settings settings = settings(URI.create("amqps://broker.example"), PartnerBroker.PASSWORD);

        assertThat(new AmqpChannel("spain", settings, tls).describe())
                .isEqualTo("amqp broker.example:5671 queue " + QUEUE);
        assertThat(settings.toString()).contains("broker.example", PartnerBroker.USER)
                .doesNotContain(PartnerBroker.PASSWORD);
    }

    /** Plain AMQP would expose the messages' metadata and our credentials on the wire. */
    @Test
    void refusesPlainAmqp() {
        assertThatThrownBy(() -> settings(URI.create("amqp://broker.example:5672"), PartnerBroker.PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amqps");
    }

    /** Credentials in the url would end up in logs. */
    @Test
    void refusesCredentialsInTheUrl() {
        assertThatThrownBy(() -> settings(URI.create("amqps://user:secret@broker.example"), PartnerBroker.PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("credentials")
                .hasMessageNotContaining("secret");
    }

    @Test
    void refusesIncompleteSettings() {
        URI url = URI.create("amqps://broker.example");
        assertThatThrownBy(() -> new AmqpChannel.Settings(URI.create("amqps:///"), QUEUE, null, null, TIMEOUT))
                .hasMessageContaining("no host");
        assertThatThrownBy(() -> new AmqpChannel.Settings(url, " ", null, null, TIMEOUT))
                .hasMessageContaining("queue");
        assertThatThrownBy(() -> new AmqpChannel.Settings(url, QUEUE, "user", null, TIMEOUT))
                .hasMessageContaining("both or neither");
        assertThatThrownBy(() -> new AmqpChannel.Settings(url, QUEUE, null, null, Duration.ZERO))
                .hasMessageContaining("timeout");
        assertThat(new AmqpChannel.Settings(url, QUEUE, null, null, TIMEOUT).toString()).contains("password=none");
    }

    /** The broker counts a message once it has routed it, a moment after it acknowledged the send. */
    private long countWhenAtLeast(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (broker.messageCount() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return broker.messageCount();
    }

    private AmqpChannel channel(String password) {
        return new AmqpChannel("spain", settings(broker.url(), password), tls);
    }

    private static AmqpChannel.Settings settings(URI url, String password) {
        return new AmqpChannel.Settings(url, QUEUE, PartnerBroker.USER, password, TIMEOUT);
    }

    private JmsConnectionFactory consumerFactory() {
        JmsConnectionFactory factory = new JmsConnectionFactory("amqps://127.0.0.1:" + broker.port());
        factory.setSslContext(tls);
        factory.setUsername(PartnerBroker.USER);
        factory.setPassword(PartnerBroker.PASSWORD);
        return factory;
    }

    private static Outgoing message(String id, int priority) {
        byte[] sealed = new byte[2048];
        new Random(id.hashCode()).nextBytes(sealed);
        return new Outgoing(id, "spain", "cms", sealed, priority);
    }
}
