package fr.passerelle.gateway.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.GatewayApplication;
import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.broker.BrokerSettings;
import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.HaSettings;
import fr.passerelle.gateway.broker.QueueDepths;
import fr.passerelle.gateway.broker.ReplicatedBroker;
import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.routes.TestPki;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/**
 * What the scale-out tests share: Passerelle brokers of the sample parties on loopback, gateways in external mode
 * against them, and a service and a partner as clients of the brokers.
 */
final class ScaleOut {

    static final String HOST = "127.0.0.1";
    static final List<String> SERVICES = List.of("ofast", "douane", "gendarmerie", "police", "tracfin");
    static final List<String> PARTNERS = List.of("europol", "spain", "morocco", "caribbean", "benelux", "amon");
    static final String GATEWAY_PASSWORD = "gateway-secret-for-tests-only";
    static final String CLUSTER_PASSWORD = "cluster-secret-for-tests-only";
    /** The property an Artemis broker drops a repeat by: a service resending after an unknown outcome sets it. */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private ScaleOut() {
    }

    /** One broker of a pair on loopback, the sample accounts ({@code sample-<id>}) and the test gateway password. */
    static ReplicatedBroker broker(HaSettings.Role role, Path data, int port, int peerPort) {
        Map<String, String> passwords = new HashMap<>();
        SERVICES.forEach(id -> passwords.put(id, "sample-" + id));
        PARTNERS.forEach(id -> passwords.put(id, "sample-" + id));
        passwords.put(BrokerSettings.ADMIN, "sample-admin");
        BrokerSettings settings = new BrokerSettings(HOST, port, data, SERVICES, PARTNERS, passwords,
                BrokerSettings.GATEWAY_USER, GATEWAY_PASSWORD, 5);
        return new ReplicatedBroker(settings, new HaSettings(role, HOST, peerPort, null, null, CLUSTER_PASSWORD));
    }

    /** The URL a gateway or client uses for the pair: both brokers, failing over for ever. */
    static String pairUrl(int primaryPort, int backupPort) {
        return "(tcp://" + HOST + ":" + primaryPort + ",tcp://" + HOST + ":" + backupPort + ")"
                + "?ha=true&reconnectAttempts=-1&retryInterval=100";
    }

    /** What takes the primary of the pair away. */
    @FunctionalInterface
    interface PrimaryFailure {
        void strike() throws Exception;
    }

    /**
     * ofast sends {@code count} reports for Spain to the pair; once {@code gateway} has queued a quarter of them, the
     * primary fails. Expects the backup to take over, and then: every report once on its {@code partner.spain.out},
     * one sealed copy of each in the store, nothing in quarantine, the audit chain intact.
     */
    static void everyReportOnceAcross(PrimaryFailure failure, int count, String pair, ReplicatedBroker backup,
            ConfigurableApplicationContext gateway) throws Exception {
        JdbcTemplate jdbc = gateway.getBean(JdbcTemplate.class);
        List<byte[]> envelopes = envelopes(count);
        List<String> ids = envelopes.stream().map(TestPki::messageIdOf).toList();
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                send(pair, envelopes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        boolean atWork = await(Duration.ofSeconds(60), () -> queued(jdbc) >= count / 4);
        assertThat(atWork).as("the gateway is at work before the primary fails (sending %s)",
                sending.isDone() ? "done" : "not done").isTrue();
        long queuedAtFailure = queued(jdbc);
        failure.strike();
        assertThat(backup.waitForActivation(Duration.ofSeconds(60))).as("backup took over").isTrue();
        sending.get(60, TimeUnit.SECONDS);

        assertThat(await(Duration.ofSeconds(120),
                () -> queued(jdbc) == count && backup.messageCount("national.ofast.out") == 0))
                .as("every report queued for Spain, none left to process (%d queued when the primary failed)",
                        queuedAtFailure).isTrue();
        assertThat(queuedAtFailure).as("the primary failed mid-traffic").isLessThan(count);
        assertThat(backup.messageCount(EmbeddedBroker.QUARANTINE)).as("quarantined").isZero();
        assertThat(gateway.getBean(QueueDepths.class).messageCount("partner.spain.out"))
                .as("Spain's backlog as the gateway reads it from the broker now active").isEqualTo(count);

        List<String> delivered = drainSpain(backup.tcpUrl());
        assertThat(delivered.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet()).as("messageIds taken more than once")
                .noneMatch(entry -> entry.getValue() > 1);
        assertThat(delivered).as("every report once on partner.spain.out").hasSize(count)
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(jdbc.queryForObject("select count(*) from message_store where direction = 'OUTBOUND'"
                + " and partner = 'spain'", Integer.class)).as("sealed copies").isEqualTo(count);

        AuditVerifier.Result audit = new AuditVerifier(gateway.getBean(DataSource.class),
                TestPki.partner("fr").trust()).verify();
        assertThat(audit.intact()).as(audit.problem()).isTrue();
    }

    /** How many distinct reports the gateway has queued for Spain. */
    private static long queued(JdbcTemplate jdbc) {
        return jdbc.queryForObject("select count(distinct message_id) from audit_record where event = 'OUTBOUND_QUEUED'"
                + " and partner = 'spain'", Long.class);
    }

    /** A whole gateway in external mode against these brokers, on random ports, with its own folder. */
    static ConfigurableApplicationContext gateway(String url, Path folder, String databaseUrl, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--passerelle.broker.mode=external",
                "--passerelle.broker.url=" + url,
                "--passerelle.broker.gateway-password=" + GATEWAY_PASSWORD,
                "--passerelle.broker.data-directory=" + folder.resolve("unused-broker"),
                "--passerelle.store.key-file=" + folder.resolve("store.key"),
                "--passerelle.store.purge-initial-delay=PT24H",
                "--spring.datasource.url=" + databaseUrl,
                "--server.port=0", "--management.server.port=0", "--passerelle.console.port=0"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    /** The gateway's default H2 database, in this folder. */
    static String h2In(Path folder) {
        return GatewayTestSupport.defaultDatabaseUrl().replace("./data/", folder + "/");
    }

    /**
     * ofast sends these envelopes one by one, each persistent and carrying its messageId as duplicate id, and sends
     * again any whose send failed (a fail-over during the send): the broker keeps one.
     */
    static void send(String url, List<byte[]> envelopes) throws JMSException {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
             Connection connection = factory.createConnection("ofast", "sample-ofast")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("national.ofast.out"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (byte[] envelope : envelopes) {
                for (int attempt = 1; ; attempt++) {
                    try {
                        BytesMessage message = session.createBytesMessage();
                        message.writeBytes(envelope);
                        message.setStringProperty(DUPLICATE_ID, TestPki.messageIdOf(envelope));
                        producer.send(message);
                        break;
                    } catch (JMSException e) {
                        if (attempt == 20) {
                            throw e;
                        }
                    }
                }
            }
        }
    }

    /** Spain takes everything waiting on its queue: the messageId of each message, in the order taken. */
    static List<String> drainSpain(String url) throws JMSException {
        List<String> ids = new ArrayList<>();
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
             Connection connection = factory.createConnection("spain", "sample-spain")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("partner.spain.out"));
            connection.start();
            for (Message message = consumer.receive(5_000); message != null; message = consumer.receive(2_000)) {
                ids.add(message.getStringProperty("PasserelleMessageId"));
            }
        }
        return ids;
    }

    static List<byte[]> envelopes(int count) throws Exception {
        List<byte[]> envelopes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            envelopes.add(TestPki.sampleWithNewId("intel-report-to-spain.xml"));
        }
        return envelopes;
    }

    /** Waits for a condition; false if it still does not hold after the time given. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
