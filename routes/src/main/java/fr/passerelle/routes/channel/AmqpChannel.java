package fr.passerelle.routes.channel;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * Sends each sealed message to a queue on the partner's own broker, over AMQP 1.0 with TLS both ways: the broker
 * must prove it is the partner's (its certificate chains to the partner's CA and names the host we dialled), and
 * we present our TLS certificate, plus a user name and password when the partner gave us some.
 *
 * <p>One connection serves the channel's whole life; it is opened on the first delivery and dropped on any
 * failure, so that the next delivery opens a fresh one. Qpid's own failover is left out on purpose: the
 * dispatcher retries with its own back-off and needs a failed attempt to fail promptly.
 */
public final class AmqpChannel implements PartnerChannel {

    /** Tells Artemis to drop a message whose id it has already seen; other brokers carry it as a plain property. */
    static final String ARTEMIS_DUPLICATE_ID = "_AMQ_DUPL_ID";

    private static final int DEFAULT_PORT = 5671;

    /**
     * Where and how to reach the partner's broker.
     *
     * @param url the broker, {@code amqps://host[:port]} (5671 by default); plain {@code amqp} is refused
     * @param queue the queue the partner reads our messages from
     * @param username the user the partner gave us, or null when its broker knows us by our TLS certificate alone
     * @param password that user's password, null exactly when {@code username} is
     * @param timeout how long connecting, sending and every other exchange with the broker may take
     */
    public record Settings(URI url, String queue, String username, String password, Duration timeout) {

        public Settings {
            ChannelSettings.requireUrl(url, "amqps", "amqp");
            if (url.getRawQuery() != null || (url.getRawPath() != null && !url.getRawPath().isEmpty()
                    && !url.getRawPath().equals("/"))) {
                throw new IllegalArgumentException("amqp url must be amqps://host[:port] only");
            }
            if (queue == null || queue.isBlank()) {
                throw new IllegalArgumentException("amqp queue is missing");
            }
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException("amqp username and password go together: both or neither");
            }
            if (username != null && username.isBlank()) {
                throw new IllegalArgumentException("amqp username is blank");
            }
            ChannelSettings.requirePositive(timeout, "amqp");
        }

        String host() {
            return url.getHost();
        }

        int port() {
            return url.getPort() == -1 ? DEFAULT_PORT : url.getPort();
        }

        @Override
        public String toString() {
            return "Settings[url=" + url + ", queue=" + queue + ", username=" + username + ", password="
                    + (password == null ? "none" : "***") + ", timeout=" + timeout + "]";
        }
    }

    private final String partnerId;
    private final Settings settings;
    private final JmsConnectionFactory factory;
    private final String where;

    private Connection connection;
    private Session session;
    private MessageProducer producer;
    /** Set by the connection's listener when the broker goes away between two deliveries. */
    private volatile boolean broken;

    public AmqpChannel(String partnerId, Settings settings, SSLContext tls) {
        this.partnerId = Objects.requireNonNull(partnerId, "partnerId");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(tls, "tls");
        this.where = "amqp " + settings.host() + ":" + settings.port() + " queue " + settings.queue();
        long millis = settings.timeout().toMillis();
        // Only the address and transport options in the URI: the credentials go through setters, out of any log.
        factory = new JmsConnectionFactory("amqps://" + settings.host() + ":" + settings.port()
                + "?transport.verifyHost=true"
                + "&transport.enabledProtocols=" + String.join(",", ChannelTls.PROTOCOLS)
                + "&transport.enabledCipherSuites=" + String.join(",", ChannelTls.CIPHER_SUITES)
                + "&transport.connectTimeout=" + millis);
        factory.setSslContext(tls);
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setConnectTimeout(millis);
        factory.setSendTimeout(millis);
        factory.setRequestTimeout(millis);
        factory.setCloseTimeout(millis);
        factory.setForceSyncSend(true);
    }

    @Override
    public synchronized Delivery deliver(Outgoing message) {
        return connected(() -> {
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(message.sealed());
            bytes.setStringProperty("PasserelleMessageId", message.messageId());
            bytes.setStringProperty("PasserellePartner", partnerId);
            bytes.setStringProperty("PasserelleProfile", message.profile());
            bytes.setStringProperty(ARTEMIS_DUPLICATE_ID, message.messageId());
            producer.send(bytes, DeliveryMode.PERSISTENT, message.priority(), Message.DEFAULT_TIME_TO_LIVE);
            return Delivery.withoutReceipt(where + ", " + message.sealed().length + " bytes");
        });
    }

    /**
     * Opens the connection when there is none (or it broke), then attaches a sender to the queue and detaches it: the
     * broker answered over TLS, took our credentials and lets us send to that queue.
     */
    @Override
    public synchronized String probe() {
        return connected(() -> {
            session.createProducer(session.createQueue(settings.queue())).close();
            return where + " takes messages";
        });
    }

    /** Something done with the broker; it may fail like any exchange with it. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws JMSException;
    }

    /** Does {@code work} on the open connection, opening one first if needed; any failure drops the connection. */
    private <T> T connected(Work<T> work) {
        try {
            if (producer == null || broken) {
                disconnect();
                connect();
            }
            return work.run();
        } catch (JMSException e) {
            disconnect();
            throw new ChannelException(where + ": " + failure(e), e);
        } catch (RuntimeException e) {
            disconnect();
            throw e;
        }
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public synchronized void close() {
        disconnect();
    }

    private void connect() throws JMSException {
        broken = false;
        connection = factory.createConnection();
        connection.setExceptionListener(e -> broken = true);
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        producer = session.createProducer(session.createQueue(settings.queue()));
    }

    private void disconnect() {
        Connection open = connection;
        connection = null;
        session = null;
        producer = null;
        if (open != null) {
            try {
                open.close();
            } catch (JMSException | RuntimeException e) {
                // Dropped either way: a connection that just failed often fails to close too.
            }
        }
    }

    private static String failure(JMSException e) {
        String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return e instanceof JMSSecurityException ? "authentication refused: " + detail : detail;
    }
}
