package fr.passerelle.gateway.broker;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The gateway's Artemis broker, run inside the gateway's process.
 *
 * <p>It keeps its journal on disk, listens in-VM for the gateway and on one TCP port (CORE, AMQP 1.0, STOMP,
 * MQTT) for everyone else, and serves only the queues created at start: auto-creation is off, so a message sent
 * to an unknown address is refused instead of piling up where nobody reads it. Every account gets only what its
 * queues need (see {@link BrokerSecurity}). Every message accepted is made durable and carries the account that
 * sent it (see {@link SenderStamp}). A message that fails {@code maxDeliveryAttempts} deliveries, or expires, is
 * moved to {@value #QUARANTINE}.
 */
public final class EmbeddedBroker {

    public static final String QUARANTINE = "gateway.quarantine";
    public static final String REVIEW = "gateway.review";

    static final long REDELIVERY_DELAY_MILLIS = 500;
    static final double REDELIVERY_MULTIPLIER = 2;
    static final long MAX_REDELIVERY_DELAY_MILLIS = 10_000;

    private final BrokerSettings settings;
    private final int inVmId;
    private EmbeddedActiveMQ server;

    /** In-VM acceptor ids are JVM-wide: each broker of the process takes its own, so none reaches another's. */
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();

    public EmbeddedBroker(BrokerSettings settings) {
        this.settings = settings;
        this.inVmId = IN_VM_IDS.getAndIncrement();
    }

    private static String outOf(String service) {
        return "national." + service + ".out";
    }

    private static String inOf(String service) {
        return "national." + service + ".in";
    }

    private static String partnerOut(String partner) {
        return "partner." + partner + ".out";
    }

    /** The URL of the in-VM acceptor, for the gateway's own connections. */
    public String inVmUrl() {
        return "vm://" + inVmId;
    }

    /** The URL of the TCP acceptor, for services, partners and operators. */
    public String tcpUrl() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "tcp://" + host + ":" + settings.port();
    }

    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        embedded.setConfiguration(configuration());
        embedded.setSecurityManager(new BrokerSecurity(settings));
        embedded.start();
        server = embedded;
    }

    /**
     * How many messages a queue holds now, those being delivered included: a partner queue's backlog, the
     * quarantine's size. Read from the broker itself, without browsing the messages.
     *
     * @throws IllegalArgumentException if the broker has no such queue
     */
    public synchronized long messageCount(String queue) {
        if (server == null) {
            throw new IllegalStateException("the broker is not running");
        }
        Queue found = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        if (found == null) {
            throw new IllegalArgumentException("no queue " + queue);
        }
        return found.getMessageCount();
    }

    public synchronized void stop() throws Exception {
        if (server != null) {
            EmbeddedActiveMQ stopping = server;
            server = null;
            stopping.stop();
        }
    }


    private Configuration configuration() throws Exception {
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
        config.registerBrokerPlugin(new SenderStamp());
        config.addAcceptorConfiguration("in-vm", inVmUrl());
        config.addAcceptorConfiguration("tcp", tcpUrl() + "?protocols=CORE,AMQP,STOMP,MQTT");

        config.addAddressSetting("#", new AddressSettings()
                .setAutoCreateAddresses(false)
                .setAutoCreateQueues(false)
                .setAutoCreateDeadLetterResources(false)
                .setAutoCreateExpiryResources(false)
                .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                .setDeadLetterAddress(SimpleString.of(QUARANTINE))
                .setExpiryAddress(SimpleString.of(QUARANTINE))
                .setMaxDeliveryAttempts(settings.maxDeliveryAttempts())
                .setRedeliveryDelay(REDELIVERY_DELAY_MILLIS)
                .setRedeliveryMultiplier(REDELIVERY_MULTIPLIER)
                .setMaxRedeliveryDelay(MAX_REDELIVERY_DELAY_MILLIS));
        // Address settings, unlike security settings, merge with "#": without this, a message rolled back too
        // often while an operator reads the quarantine would be "dead-lettered" from the quarantine onto itself.
        config.addAddressSetting(QUARANTINE, new AddressSettings().setMaxDeliveryAttempts(-1));

        // Artemis applies the most specific security match alone, so every entry repeats the gateway and admin.
        Set<Role> operators = Set.of(everything(BrokerSettings.GATEWAY_ROLE), everything(BrokerSettings.ADMIN));
        config.putSecurityRoles("#", operators);
        for (String service : settings.services()) {
            addQueue(config, outOf(service), operators, sendOnly(service));
            addQueue(config, inOf(service), operators, readOnly(service));
        }
        for (String partner : settings.partners()) {
            addQueue(config, partnerOut(partner), operators, readOnly(partner));
        }
        addQueue(config, REVIEW, operators);
        addQueue(config, QUARANTINE, operators);
        return config;
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
