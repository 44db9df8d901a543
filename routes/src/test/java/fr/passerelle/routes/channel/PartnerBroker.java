package fr.passerelle.routes.channel;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

import fr.passerelle.routes.TestPki;

/**
 * An embedded Artemis standing for a partner's own broker: AMQP only, over TLS with the partner's certificate,
 * a client certificate from our CA required, and one user. It keeps its port across {@link #stop()} and
 * {@link #start()}, as a restarted broker would.
 */
public final class PartnerBroker implements AutoCloseable {

    public static final String USER = "passerelle-fr";
    public static final String PASSWORD = "sample-broker-password";

    private final Path work;
    private final String host;
    private final String queue;
    private final int port;
    private final Path keyStore;
    private final Path trustStore;
    private ActiveMQServer server;

    /**
     * @param work a folder for the broker's files
     * @param presenting the sample party whose TLS key and certificate the broker presents
     * @param queue the queue it offers
     */
    public PartnerBroker(Path work, String presenting, String queue) throws Exception {
        this(work, presenting, "127.0.0.1", queue);
    }

    /** A broker listening on {@code host}, a loopback address. */
    PartnerBroker(Path work, String presenting, String host, String queue) throws Exception {
        this.work = work;
        this.host = host;
        this.queue = queue;
        this.port = freePort();
        Path dir = TestPki.dir(presenting);
        keyStore = Files.writeString(work.resolve("broker-tls.pem"),
                Files.readString(dir.resolve("tls.key")) + Files.readString(dir.resolve("tls.pem")));
        trustStore = TestPki.dir("fr").resolve("ca.pem");
        start();
    }

    public URI url() {
        return URI.create("amqps://" + host + ":" + port);
    }

    public int port() {
        return port;
    }

    /** Messages waiting on the queue. */
    public long messageCount() {
        return server.locateQueue(queue).getMessageCount();
    }

    public void start() throws Exception {
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(true)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration("amqps", "tcp://" + host + ":" + port + "?protocols=AMQP"
                        + "&sslEnabled=true&needClientAuth=true&enabledProtocols=TLSv1.3,TLSv1.2"
                        + "&keyStoreType=PEM&keyStorePath=" + keyStore
                        + "&trustStoreType=PEM&trustStorePath=" + trustStore)
                .addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST));
        config.setBrokerInstance(work.toFile());
        config.setCriticalAnalyzer(false);
        server = ActiveMQServers.newActiveMQServer(config, null, new OneUser(), false);
        server.start();
    }

    public void stop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Knows {@link #USER} only, and lets that user do anything. */
    private static final class OneUser implements ActiveMQSecurityManager {

        @Override
        public boolean validateUser(String user, String password) {
            return USER.equals(user) && PASSWORD.equals(password);
        }

        @Override
        public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
            return validateUser(user, password);
        }
    }
}
