package fr.passerelle.gateway.broker;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * What every Passerelle broker is, embedded in the gateway or standing alone in an HA pair: a durable journal, only
 * the queues created at start (auto-creation is off, so a message sent to an unknown address is refused instead of
 * piling up where nobody reads it), least-privilege security per account, the {@link SenderStamp} plugin, and
 * redelivery then quarantine. The callers add their acceptors, the {@link PartnerCollections} plugin (all but the
 * bench's plain broker) and, for a pair, the HA policy.
 */
final class BrokerConfigurations {

    static final long REDELIVERY_DELAY_MILLIS = 500;
    static final double REDELIVERY_MULTIPLIER = 2;
    static final long MAX_REDELIVERY_DELAY_MILLIS = 10_000;

    /** The protocols of the TCP acceptor every broker opens for services, partners and operators. */
    static final String PROTOCOLS = "?protocols=CORE,AMQP,STOMP,MQTT";

    private BrokerConfigurations() {
    }

    /** The configuration shared by every Passerelle broker, without acceptors or HA policy. */
    static Configuration base(BrokerSettings settings) {
        Path data = settings.dataDirectory().toAbsolutePath();
        Configuration config = new ConfigurationImpl()
                .setName("passerelle")
                .setPersistenceEnabled(true)
                .setJournalDirectory(data.resolve("journal").toString())
                .setBindingsDirectory(data.resolve("bindings").toString())
                .setPagingDirectory(data.resolve("paging").toString())
                .setLargeMessagesDirectory(data.resolve("large-messages").toString())
                .setJMXManagementEnabled(false)
                .setSecurityEnabled(true)
                .setPopulateValidatedUser(true);
        // The same for either journal: Artemis takes the libaio one where it can, else NIO.
        int bufferTimeout = Math.toIntExact(settings.journalBufferTimeout().toNanos());
        config.setJournalBufferTimeout_AIO(bufferTimeout).setJournalBufferTimeout_NIO(bufferTimeout);
        config.registerBrokerPlugin(new SenderStamp());

        config.addAddressSetting("#", new AddressSettings()
                .setAutoCreateAddresses(false)
                .setAutoCreateQueues(false)
                .setAutoCreateDeadLetterResources(false)
                .setAutoCreateExpiryResources(false)
                .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                .setDeadLetterAddress(SimpleString.of(EmbeddedBroker.QUARANTINE))
                .setExpiryAddress(SimpleString.of(EmbeddedBroker.QUARANTINE))
                .setMaxDeliveryAttempts(settings.maxDeliveryAttempts())
                .setRedeliveryDelay(REDELIVERY_DELAY_MILLIS)
                .setRedeliveryMultiplier(REDELIVERY_MULTIPLIER)
                .setMaxRedeliveryDelay(MAX_REDELIVERY_DELAY_MILLIS));
        // Address settings, unlike security settings, merge with "#": without this, a message rolled back too
        // often while an operator reads the quarantine would be "dead-lettered" from the quarantine onto itself.
        config.addAddressSetting(EmbeddedBroker.QUARANTINE, new AddressSettings().setMaxDeliveryAttempts(-1));
        // A note the gateway could not record (its database away) is there again for its next try, a fraction of a
        // second later, however many tries it takes.
        config.addAddressSetting(PartnerCollections.QUEUE, new AddressSettings().setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(0L));

        // Artemis applies the most specific security match alone, so every entry repeats the gateway and admin.
        // Both may manage: the gateway reads queue depths through the management address when the broker is
        // not in its process.
        Set<Role> operators = Set.of(everything(BrokerSettings.GATEWAY_ROLE), everything(BrokerSettings.ADMIN));
        config.putSecurityRoles("#", operators);
        for (String service : settings.services()) {
            addQueue(config, "national." + service + ".out", operators, sendOnly(service));
            addQueue(config, "national." + service + ".in", operators, readOnly(service));
        }
        for (String partner : settings.partners()) {
            addQueue(config, "partner." + partner + ".out", operators, readOnly(partner));
        }
        addQueue(config, EmbeddedBroker.REVIEW, operators);
        addQueue(config, EmbeddedBroker.QUARANTINE, operators);
        addQueue(config, PartnerCollections.QUEUE, operators);
        return config;
    }

    /** The URL of a TCP acceptor or connector at this host and port. */
    static String tcpUrl(String host, int port) {
        return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * How many messages a queue of a running broker holds now, those being delivered included.
     *
     * @throws IllegalStateException if the broker is not active (stopped, or a passive backup)
     * @throws IllegalArgumentException if it has no such queue
     */
    static long messageCount(ActiveMQServer server, String queue) {
        if (server == null || !server.isActive()) {
            throw new IllegalStateException("the broker is not active");
        }
        Queue found = server.locateQueue(SimpleString.of(queue));
        if (found == null) {
            throw new IllegalArgumentException("no queue " + queue);
        }
        return found.getMessageCount();
    }

    /** A durable anycast queue named like its own address, and who may use it. */
    private static void addQueue(Configuration config, String name, Set<Role> operators, Role... others) {
        config.addAddressConfiguration(new CoreAddressConfiguration()
                .setName(name)
                .addRoutingType(RoutingType.ANYCAST)
                .addQueueConfiguration(QueueConfiguration.of(name)
                        .setAddress(name)
                        .setRoutingType(RoutingType.ANYCAST)
                        .setDurable(true)));
        Set<Role> roles = new HashSet<>(operators);
        roles.addAll(List.of(others));
        config.putSecurityRoles(name, roles);
    }

    private static Role everything(String name) {
        Role role = new Role();
        role.setName(name);
        role.setSend(true);
        role.setConsume(true);
        role.setBrowse(true);
        role.setCreateAddress(true);
        role.setDeleteAddress(true);
        role.setCreateDurableQueue(true);
        role.setDeleteDurableQueue(true);
        role.setCreateNonDurableQueue(true);
        role.setDeleteNonDurableQueue(true);
        role.setManage(true);
        role.setView(true);
        role.setEdit(true);
        return role;
    }

    private static Role sendOnly(String name) {
        Role role = new Role();
        role.setName(name);
        role.setSend(true);
        return role;
    }

    private static Role readOnly(String name) {
        Role role = new Role();
        role.setName(name);
        role.setConsume(true);
        role.setBrowse(true);
        return role;
    }
}
