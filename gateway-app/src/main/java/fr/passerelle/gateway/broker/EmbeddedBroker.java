package fr.passerelle.gateway.broker;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.remoting.server.RemotingService;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;

/**
 * The gateway's Artemis broker, run inside the gateway's process.
 *
 * <p>It keeps its journal on disk, listens in-VM for the gateway and on one TCP port (CORE, AMQP 1.0, STOMP,
 * MQTT) for everyone else, and serves only the queues created at start: auto-creation is off, so a message sent
 * to an unknown address is refused instead of piling up where nobody reads it. Every account gets only what its
 * queues need (see {@link BrokerSecurity}). Every message accepted is made durable and carries the account that
 * sent it (see {@link SenderStamp}). A message that fails {@code maxDeliveryAttempts} deliveries, or expires, is
 * moved to {@value #QUARANTINE}. All this is {@link BrokerConfigurations#base}, which the brokers of an HA pair
 * ({@link ReplicatedBroker}) share. Given {@link PartnerCollections}, this broker also notes when a pull-queue
 * partner takes a message from its queue.
 */
public final class EmbeddedBroker implements QueueDepths {

    public static final String QUARANTINE = "gateway.quarantine";
    public static final String REVIEW = "gateway.review";

    private static final String TCP_ACCEPTOR = "tcp";

    private final BrokerSettings settings;
    private final PartnerCollections collections;
    private final int inVmId;
    private EmbeddedActiveMQ server;

    /** In-VM acceptor ids are JVM-wide: each broker of the process takes its own, so none reaches another's. */
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();

    public EmbeddedBroker(BrokerSettings settings) {
        this(settings, null);
    }

    /** @param collections notes when pull-queue partners take their messages, or null (the bench's plain broker) */
    public EmbeddedBroker(BrokerSettings settings, PartnerCollections collections) {
        this.settings = settings;
        this.collections = collections;
        this.inVmId = IN_VM_IDS.getAndIncrement();
    }

    /** The URL of the in-VM acceptor, for the gateway's own connections. */
    public String inVmUrl() {
        return "vm://" + inVmId;
    }

    /** The URL of the TCP acceptor, for services, partners and operators. */
    public String tcpUrl() {
        return BrokerConfigurations.tcpUrl(settings.host(), settings.port());
    }

    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        embedded.setConfiguration(configuration());
        embedded.setSecurityManager(new BrokerSecurity(settings));
        embedded.start();
        // Artemis logs a port it cannot bind, or a failed activation, and goes on without them: a gateway must not.
        ActiveMQServer broker = embedded.getActiveMQServer();
        RemotingService remoting = broker.getRemotingService();
        Acceptor tcp = remoting == null ? null : remoting.getAcceptor(TCP_ACCEPTOR);
        if (!broker.isActive() || tcp == null || !tcp.isStarted()) {
            embedded.stop();
            if (!BrokerStartException.listenable(settings)) {
                throw BrokerStartException.portInUse(settings);
            }
            throw new BrokerStartException("the broker did not start; its log above says why", false);
        }
        server = embedded;
    }

    @Override
    public synchronized long messageCount(String queue) {
        if (server == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return BrokerConfigurations.messageCount(server.getActiveMQServer(), queue);
    }

    public synchronized void stop() throws Exception {
        if (server != null) {
            EmbeddedActiveMQ stopping = server;
            server = null;
            stopping.stop();
        }
    }

    private Configuration configuration() throws Exception {
        Configuration config = BrokerConfigurations.base(settings);
        config.addAcceptorConfiguration("in-vm", inVmUrl());
        config.addAcceptorConfiguration(TCP_ACCEPTOR, tcpUrl() + BrokerConfigurations.PROTOCOLS);
        if (collections != null) {
            config.registerBrokerPlugin(collections);
        }
        return config;
    }
}
