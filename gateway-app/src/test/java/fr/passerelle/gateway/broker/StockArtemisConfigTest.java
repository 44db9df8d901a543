package fr.passerelle.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.postoffice.PostOffice;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import fr.passerelle.gateway.config.BrokerAccounts;
import fr.passerelle.gateway.config.PasserelleProperties;

/**
 * The stock Apache Artemis configuration in {@code ops/artemis/}, read by Artemis's own parser, against what the
 * {@code broker} command builds for the sample deployment ({@link ReplicatedBroker}, {@link BrokerConfigurations}):
 * the same queues, auto-creation off, redelivery and quarantine, permissions, sender stamp and replicated pair, and
 * each account holding the role of its name. A queue, service or permission added to one and not the other fails
 * here: a stock broker missing it would refuse the gateway's messages, or let an account do more than it should.
 */
class StockArtemisConfigTest {

    private static final Path OPS = Path.of("ops", "artemis");
    /** Where the files put the pair; the expected configuration is built for the same hosts. */
    private static final String PRIMARY_HOST = "10.0.0.1";
    private static final String BACKUP_HOST = "10.0.0.2";
    private static final int PORT = 61616;
    private static final String CLUSTER_PASSWORD_VARIABLE = "PASSERELLE_BROKER_HA_CLUSTERPASSWORD";

    private static PasserelleProperties sample;

    @BeforeAll
    static void sampleDeployment() throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        for (String file : List.of("sample-deployment.yml", "application.yml")) {
            for (PropertySource<?> source : yaml.load(file, new ClassPathResource(file))) {
                environment.getPropertySources().addLast(source);
            }
        }
        sample = Binder.get(environment).bind("passerelle", PasserelleProperties.class).get();
    }

    private static BrokerSettings settings(String host) {
        PasserelleProperties.Broker broker = sample.broker();
        return new BrokerSettings(host, PORT, Path.of("data"), sample.services(),
                List.copyOf(sample.partners().keySet()), BrokerAccounts.passwords(sample), BrokerSettings.GATEWAY_USER,
                "not-used-here", broker.maxDeliveryAttempts(), broker.checkedJournalBufferTimeout());
    }

    /** What the broker command runs on this host, its peer on the other. */
    private static Configuration expected(HaSettings.Role role) throws Exception {
        boolean primary = role == HaSettings.Role.PRIMARY;
        HaSettings ha = new HaSettings(role, primary ? BACKUP_HOST : PRIMARY_HOST, PORT, null,
                sample.broker().ha().clusterUser(), "not-used-here");
        return new ReplicatedBroker(settings(primary ? PRIMARY_HOST : BACKUP_HOST), ha).configuration();
    }

    /** A broker.xml of ops/artemis/ as a stock broker reads it, includes and variables resolved. */
    private static Configuration stock(String file, String clusterPassword) throws Exception {
        Map<String, String> properties = Map.of(CLUSTER_PASSWORD_VARIABLE, clusterPassword,
                // What bin/artemis sets: the instance's etc/ folder, where the included files are.
                "artemis.instance.etc", OPS.toAbsolutePath().toString());
        Map<String, String> previous = new HashMap<>();
        properties.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        try {
            FileConfiguration config = new FileConfiguration();
            FileDeploymentManager files = new FileDeploymentManager(OPS.resolve(file).toUri().toString());
            files.addDeployable(config);
            files.readConfiguration();
            return config;
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    @Test
    void thePrimaryIsTheBrokerCommandsPrimary() throws Exception {
        sameBroker(HaSettings.Role.PRIMARY, "broker-primary.xml");
    }

    @Test
    void theBackupIsTheBrokerCommandsBackup() throws Exception {
        sameBroker(HaSettings.Role.BACKUP, "broker-backup.xml");
    }

    private void sameBroker(HaSettings.Role role, String file) throws Exception {
        String clusterPassword = UUID.randomUUID().toString();
        Configuration stock = stock(file, clusterPassword);
        Configuration expected = expected(role);

        assertThat(queues(stock)).as("addresses and queues").isEqualTo(queues(expected));
        assertThat(queues(stock)).containsKeys("national.ofast.out", "partner.spain.out", EmbeddedBroker.QUARANTINE);
        // Auto-creation, dead-letter and expiry address, delivery attempts and redelivery: every field.
        assertThat(stock.getAddressSettings()).as("address settings").isEqualTo(expected.getAddressSettings());
        assertThat(stock.getAddressSettings().get("#").isAutoCreateQueues()).isFalse();
        // Role -> permissions, for every address match.
        assertThat(stock.getSecurityRoles()).as("security settings").isEqualTo(expected.getSecurityRoles());
        assertThat(stock.isSecurityEnabled()).isTrue();
        assertThat(stock.isPopulateValidatedUser()).as("populate-validated-user").isEqualTo(
                expected.isPopulateValidatedUser()).isTrue();
        assertThat(pluginClasses(stock)).as("broker plugins").isEqualTo(pluginClasses(expected))
                .containsExactly(SenderStamp.class.getName(), PartnerCollections.class.getName());
        assertThat(stock.isPersistenceEnabled()).isEqualTo(expected.isPersistenceEnabled()).isTrue();
        assertThat(effective(stock.getJournalType())).isEqualTo(effective(expected.getJournalType()));
        assertThat(stock.getJournalBufferTimeout_NIO()).as("journal-buffer-timeout")
                .isEqualTo(expected.getJournalBufferTimeout_NIO());
        assertThat(stock.getJournalBufferTimeout_AIO()).isEqualTo(expected.getJournalBufferTimeout_AIO());
        assertThat(stock.isJMXManagementEnabled()).isEqualTo(expected.isJMXManagementEnabled());
        assertThat(stock.getManagementAddress().toString()).isEqualTo(expected.getManagementAddress().toString());
        assertThat(stock.getName()).isEqualTo(expected.getName());

        // The pair.
        assertThat(stock.getHAPolicyConfiguration().getClass())
                .isEqualTo(expected.getHAPolicyConfiguration().getClass());
        assertThat(getters(stock.getHAPolicyConfiguration())).as("ha-policy")
                .isEqualTo(getters(expected.getHAPolicyConfiguration()));
        assertThat(stock.getClusterUser()).isEqualTo(expected.getClusterUser())
                .isEqualTo(HaSettings.DEFAULT_CLUSTER_USER);
        assertThat(stock.getClusterPassword()).as("the cluster password, from the environment")
                .isEqualTo(clusterPassword);
        assertThat(stock.getClusterConfigurations()).hasSize(1);
        assertThat(getters(stock.getClusterConfigurations().get(0))).as("cluster-connection")
                .isEqualTo(getters(expected.getClusterConfigurations().get(0)));
        assertThat(namedTransports(stock.getConnectorConfigurations())).as("connectors")
                .isEqualTo(namedTransports(expected.getConnectorConfigurations()));
        // Acceptors are compared without their names: the stock command line looks for one named "artemis".
        assertThat(transports(stock.getAcceptorConfigurations())).as("acceptors")
                .isEqualTo(transports(expected.getAcceptorConfigurations()));
    }

    /** Each account holds the one role named like it; the gateways' account holds gateway; nobody else is there. */
    @Test
    void eachAccountHoldsTheRoleOfItsName() throws IOException {
        Map<String, Set<String>> expected = new TreeMap<>();
        accounts().forEach(account -> expected.put(account, Set.of(account)));
        expected.put(BrokerSettings.GATEWAY_USER, Set.of(BrokerSettings.GATEWAY_ROLE));

        Map<String, Set<String>> held = new TreeMap<>();
        load("artemis-roles.properties").forEach((role, users) -> {
            for (String user : users.toString().split(",")) {
                held.computeIfAbsent(user.strip(), u -> new HashSet<>()).add(role.toString());
            }
        });
        assertThat(held).isEqualTo(expected);
    }

    /**
     * The sample accounts with the sample deployment's public passwords, and no more: the gateways' and the cluster
     * account's passwords are real secrets, set on the brokers themselves.
     */
    @Test
    void theUsersAreTheSampleAccountsWithoutTheGatewaysSecret() throws IOException {
        Map<String, String> users = new TreeMap<>();
        load("artemis-users.properties").forEach((user, password) -> users.put(user.toString(), password.toString()));
        assertThat(users.keySet()).isEqualTo(new HashSet<>(accounts()))
                .doesNotContain(BrokerSettings.GATEWAY_USER, HaSettings.DEFAULT_CLUSTER_USER);
        assertThat(users).isEqualTo(new TreeMap<>(sample.broker().passwords()));
    }

    /**
     * A stock broker has Artemis on its class path, and of Passerelle only the plugin's class: defined alone, with
     * every other Passerelle class out of reach, it still stamps a message.
     */
    @Test
    void theSenderStampNeedsNoOtherPasserelleClass() throws Exception {
        ActiveMQServerMessagePlugin stamp = (ActiveMQServerMessagePlugin) alone(SenderStamp.class);

        ServerSession session = (ServerSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServerSession.class},
                (proxy, method, args) -> method.getName().equals("getValidatedUser") ? "ofast" : null);
        CoreMessage message = new CoreMessage(1, 64);
        message.putStringProperty(SenderStamp.PROPERTY, "forged");
        stamp.beforeSend(session, null, message, false, false);

        assertThat(message.getStringProperty(SenderStamp.PROPERTY)).isEqualTo("ofast");
        assertThat(message.getStringProperty(SenderStamp.ARRIVAL)).isNotBlank();
        assertThat(message.isDurable()).isTrue();
    }

    /**
     * The collections plugin, likewise: defined alone, it writes its note when Spain acknowledges a message on its
     * queue (the broker around it played by stand-ins; the real one is in {@code PartnerCollectionsTest}).
     */
    @Test
    void theCollectionsPluginNeedsNoOtherPasserelleClass() throws Exception {
        ActiveMQServerPlugin plugin = (ActiveMQServerPlugin) alone(PartnerCollections.class);
        List<Message> routed = new ArrayList<>();
        ServerSession session = stand(ServerSession.class, (method, args) ->
                method.equals("getValidatedUser") ? "spain" : null);
        StorageManager storage = stand(StorageManager.class, (method, args) ->
                method.equals("generateID") ? 42L : null);
        PostOffice postOffice = stand(PostOffice.class, (method, args) -> {
            routed.add((Message) args[0]);
            return RoutingStatus.OK;
        });
        ActiveMQServer server = stand(ActiveMQServer.class, (method, args) -> switch (method) {
            case "getSessionByID" -> session;
            case "getStorageManager" -> storage;
            case "getPostOffice" -> postOffice;
            default -> null;
        });
        ServerConsumer consumer = stand(ServerConsumer.class, (method, args) -> switch (method) {
            case "getQueueName" -> SimpleString.of("partner.spain.out");
            case "getSessionID" -> "session-1";
            case "getConnectionProtocolName" -> "AMQP";
            case "getConnectionRemoteAddress" -> "/10.0.0.7:51234";
            default -> null;
        });
        CoreMessage taken = new CoreMessage(1, 64);
        taken.putStringProperty("PasserelleMessageId", "3f2b6c7d-8e9f-4f0e-9a55-5d1c1d0e8b44");
        MessageReference reference = stand(MessageReference.class, (method, args) ->
                method.equals("getMessage") ? taken : null);

        plugin.registered(server);
        plugin.messageAcknowledged(null, reference, AckReason.NORMAL, consumer);

        assertThat(routed).singleElement().satisfies(note -> {
            assertThat(note.getAddress()).isEqualTo(PartnerCollections.QUEUE);
            assertThat(note.isDurable()).isTrue();
            assertThat(note.getStringProperty("PasserelleMessageId")).isEqualTo("3f2b6c7d-8e9f-4f0e-9a55-5d1c1d0e8b44");
            assertThat(note.getStringProperty("PasserellePartner")).isEqualTo("spain");
            assertThat(note.getStringProperty(PartnerCollections.HOW))
                    .isEqualTo("taken from partner.spain.out by spain over AMQP from /10.0.0.7:51234");
        });
    }

    /** What a stand-in answers: the method's name and arguments in, the result out. */
    private interface Answers {
        Object answer(String method, Object[] args);
    }

    private static <T> T stand(Class<T> type, Answers answers) {
        return type.cast(Proxy.newProxyInstance(StockArtemisConfigTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answers.answer(method.getName(), args)));
    }

    /** An instance of {@code type} defined alone, every other Passerelle class out of reach, as a stock broker has it. */
    private static Object alone(Class<?> type) throws Exception {
        byte[] bytes;
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            bytes = Objects.requireNonNull(in).readAllBytes();
        }
        ClassLoader alone = new ClassLoader(type.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    if (name.equals(type.getName())) {
                        Class<?> found = findLoadedClass(name);
                        return found != null ? found : defineClass(name, bytes, 0, bytes.length);
                    }
                    if (name.startsWith("fr.passerelle.")) {
                        throw new ClassNotFoundException(name + " is not on a stock broker's class path");
                    }
                    return super.loadClass(name, resolve);
                }
            }
        };
        Class<?> loaded = Class.forName(type.getName(), true, alone);
        assertThat(loaded.getClassLoader()).isSameAs(alone);
        return loaded.getConstructor().newInstance();
    }

    private static List<String> accounts() {
        List<String> accounts = new ArrayList<>(sample.services());
        accounts.addAll(sample.partners().keySet());
        accounts.add(BrokerSettings.ADMIN);
        return accounts;
    }

    private static Properties load(String file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(OPS.resolve(file))) {
            properties.load(reader);
        }
        return properties;
    }

    /** Address -> its routing types and its queues (name, address, routing type, durability). */
    private static Map<String, String> queues(Configuration config) {
        Map<String, String> queues = new TreeMap<>();
        for (CoreAddressConfiguration address : config.getAddressConfigurations()) {
            String described = address.getRoutingTypes() + " " + address.getQueueConfigs().stream()
                    .map(queue -> queue.getName() + "@" + (queue.getAddress() == null ? address.getName()
                            : queue.getAddress()) + " " + queue.getRoutingType()
                            + (queue.isDurable() == null || queue.isDurable() ? " durable" : " non-durable"))
                    .sorted().toList();
            queues.put(address.getName(), described);
        }
        return queues;
    }

    /** Both fall back from libaio to NIO where libaio is missing: the parser at once, the server at start. */
    private static JournalType effective(JournalType type) {
        return type == JournalType.ASYNCIO && !AIOSequentialFileFactory.isSupported() ? JournalType.NIO : type;
    }

    private static List<String> pluginClasses(Configuration config) {
        return config.getBrokerPlugins().stream().map(plugin -> plugin.getClass().getName()).toList();
    }

    /** Factory and parameters (host, port, protocols), without the names. */
    private static Set<String> transports(Collection<TransportConfiguration> transports) {
        return transports.stream().map(t -> t.getFactoryClassName() + new TreeMap<>(t.getParams()))
                .collect(Collectors.toSet());
    }

    private static Map<String, String> namedTransports(Map<String, TransportConfiguration> transports) {
        Map<String, String> named = new TreeMap<>();
        transports.forEach((name, t) -> named.put(name, t.getFactoryClassName() + new TreeMap<>(t.getParams())));
        return named;
    }

    /** Every public getter's value: a default that differs between the parser and the code shows up. */
    private static Map<String, Object> getters(Object bean) throws Exception {
        Map<String, Object> values = new TreeMap<>();
        for (Method method : bean.getClass().getMethods()) {
            boolean getter = method.getName().startsWith("get") || method.getName().startsWith("is");
            if (getter && method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
                    && !method.getName().equals("getClass")) {
                values.put(method.getName(), method.invoke(bean));
            }
        }
        return values;
    }
}
