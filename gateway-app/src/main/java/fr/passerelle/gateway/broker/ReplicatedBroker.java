package fr.passerelle.gateway.broker;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.HAPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * One broker of a replicated HA pair (Artemis shared-nothing replication), for gateways that run outside the
 * broker's process: the same queues, accounts, sender stamp, quarantine and notes of collections as the embedded
 * broker ({@link BrokerConfigurations#base}, {@link PartnerCollections}), one TCP acceptor, and a cluster connection
 * to the other broker of the pair.
 *
 * <p>The primary is active and replicates every journal write to the backup before it answers; the backup stays
 * passive. A primary stopped here asks its backup to take over ({@code failover-on-shutdown}); restarted, it first
 * looks for an active broker of its own pair ({@code check-for-active-server}) and, finding its backup active,
 * syncs from it and takes over again, the backup allowing fail-back and going back to being a backup.
 *
 * <p>With a single pair there is no quorum to ask: the primary keeps serving when it loses its backup (it does not
 * vote), and a backup that loses its primary without being told decides alone. This is the known limit of one
 * replicated pair against a network split; operators stop a primary with this broker's stop (SIGTERM), which hands
 * over cleanly.
 */
public final class ReplicatedBroker implements QueueDepths {

    /** The cluster connection's name, and the pair's group: a backup pairs only with a primary of its group. */
    static final String CLUSTER = "passerelle-ha";

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");

    private final BrokerSettings settings;
    private final HaSettings ha;
    private final String advertisedHost;
    private EmbeddedActiveMQ server;

    public ReplicatedBroker(BrokerSettings settings, HaSettings ha) {
        this.settings = settings;
        this.ha = ha;
        this.advertisedHost = ha.advertisedHost() != null ? ha.advertisedHost() : settings.host();
        if (WILDCARDS.contains(advertisedHost)) {
            throw new IllegalArgumentException("the broker listens on every address (" + settings.host()
                    + "): the host clients and the other broker reach it at must be given");
        }
        if (ha.clusterUser().equals(settings.gatewayUser()) || ha.clusterUser().equals(BrokerSettings.ADMIN)
                || settings.services().contains(ha.clusterUser()) || settings.partners().contains(ha.clusterUser())) {
            throw new IllegalArgumentException("the cluster user '" + ha.clusterUser()
                    + "' must differ from every service, partner, admin and the gateway account");
        }
    }

    /** The URL clients use for this broker alone; a gateway lists both brokers of the pair. */
    public String tcpUrl() {
        return BrokerConfigurations.tcpUrl(advertisedHost, settings.port());
    }

    public HaSettings.Role role() {
        return ha.role();
    }

    /**
     * Starts the broker: the primary becomes active (unless its backup is active, see the class comment); the
     * backup starts passive and returns while it looks for its primary and syncs.
     */
    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        // A backup opens its port only when it takes over: a port already taken must be found out now.
        if (!BrokerStartException.listenable(settings)) {
            throw BrokerStartException.portInUse(settings);
        }
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        embedded.setConfiguration(configuration());
        embedded.setSecurityManager(new BrokerSecurity(settings));
        embedded.start();
        server = embedded;
    }

    /** Whether this broker serves clients now: the primary normally, the backup once it took over. */
    public synchronized boolean isActive() {
        return server != null && server.getActiveMQServer().isActive();
    }

    /**
     * Whether the pair is in sync: asked of the active primary, its backup holds a full copy and receives every
     * write; asked of a passive backup, it finished its initial copy.
     */
    public synchronized boolean isReplicaSync() {
        return server != null && server.getActiveMQServer().isReplicaSync();
    }

    /** Waits until this broker is active; false if it is not within the time given. */
    public boolean waitForActivation(Duration timeout) throws InterruptedException {
        ActiveMQServer running;
        synchronized (this) {
            if (server == null) {
                return false;
            }
            running = server.getActiveMQServer();
        }
        return running.waitForActivation(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized long messageCount(String queue) {
        if (server == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return BrokerConfigurations.messageCount(server.getActiveMQServer(), queue);
    }

    /** Stops the broker; an active broker whose peer is in sync hands over to it first. */
    public synchronized void stop() throws Exception {
        if (server != null) {
            EmbeddedActiveMQ stopping = server;
            server = null;
            stopping.getActiveMQServer().stop(true, true);
        }
    }

    /** The whole configuration of this broker; package-private so that a stock broker's can be compared with it. */
    Configuration configuration() throws Exception {
        Configuration config = BrokerConfigurations.base(settings)
                .setClusterUser(ha.clusterUser())
                .setClusterPassword(ha.clusterPassword())
                .setHAPolicyConfiguration(policy());
        config.registerBrokerPlugin(new PartnerCollections());
        config.addAcceptorConfiguration("tcp",
                BrokerConfigurations.tcpUrl(settings.host(), settings.port()) + BrokerConfigurations.PROTOCOLS);
        config.addConnectorConfiguration("self", tcpUrl());
        config.addConnectorConfiguration("peer", BrokerConfigurations.tcpUrl(ha.peerHost(), ha.peerPort()));
        // Only one broker of the pair is active at a time: nothing to balance, the connection carries the topology
        // (who is primary, who is backup) that clients fail over with, and the backup's replication.
        config.addClusterConfiguration(new ClusterConnectionConfiguration()
                .setName(CLUSTER)
                .setConnectorName("self")
                .setStaticConnectors(List.of("peer"))
                .setMessageLoadBalancingType(MessageLoadBalancingType.OFF)
                .setRetryInterval(500)
                .setReconnectAttempts(-1));
        return config;
    }

    private HAPolicyConfiguration policy() {
        return switch (ha.role()) {
            case PRIMARY -> new ReplicatedPolicyConfiguration()
                    .setClusterName(CLUSTER)
                    .setGroupName(CLUSTER)
                    .setCheckForActiveServer(true)
                    .setVoteOnReplicationFailure(false);
            case BACKUP -> new ReplicaPolicyConfiguration()
                    .setClusterName(CLUSTER)
                    .setGroupName(CLUSTER)
                    .setAllowFailBack(true)
                    .setRestartBackup(true);
        };
    }
}
