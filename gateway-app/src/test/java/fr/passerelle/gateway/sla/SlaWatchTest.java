package fr.passerelle.gateway.sla;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import fr.passerelle.gateway.persistence.DatabaseAvailability;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.store.JdbcMessageStore;
import fr.passerelle.gateway.store.StorageKey;
import fr.passerelle.gateway.testing.MovingClock;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageStore.Direction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The SLA watch on H2 and PostgreSQL, with a clock the tests move: what raises an alarm, once, what clears it,
 * what never raises one, and the webhook. Spain is a pull-queue partner (its queue is a stand-in here), Morocco a
 * push partner (its channel records the delivery).
 */
@ExtendWith(OutputCaptureExtension.class)
class SlaWatchTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Set<String> PULL = Set.of("spain");

    @TempDir
    Path keys;

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    /** Spain's queue: the messageIds still in it; it may also fail to answer. */
    static final class FakeQueues implements PartnerQueues {

        final Set<String> waiting = new HashSet<>();
        volatile boolean down;

        @Override
        public Set<String> stillWaiting(String partner, Collection<String> messageIds) {
            if (down) {
                throw new IllegalStateException("broker not answering");
            }
            Set<String> found = new HashSet<>(messageIds);
            found.retainAll(waiting);
            return found;
        }
    }

    private final MovingClock clock = new MovingClock(T0);
    private final FakeQueues queues = new FakeQueues();
    private final RecordingAudit audit = new RecordingAudit();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static SlaProperties settings(URI webhook) {
        return new SlaProperties(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofSeconds(15),
                new SlaProperties.Webhook(webhook, Duration.ofSeconds(2), null, null)).check();
    }

    private SlaWatch watch(DataSource dataSource, URI webhook) {
        SlaProperties settings = settings(webhook);
        SlaWatch watch = new SlaWatch(settings, new SlaBreaches(new JdbcTemplate(dataSource)), queues, PULL,
                webhook == null ? null : new SlaWebhook(settings.webhook()), audit, registry, clock);
        watch.bindTo(List.of("spain", "morocco"));
        return watch;
    }

    private JdbcMessageStore store(DataSource dataSource) throws IOException {
        return new JdbcMessageStore(new JdbcTemplate(dataSource), StorageKey.load(keys.resolve("store.key"), true),
                clock);
    }

    /** A copy sealed and queued for the partner, as the outbound flow leaves it: stored, OUTBOUND_QUEUED audited. */
    private void sent(DataSource dataSource, JdbcMessageStore store, String messageId, String partner,
            String priority) {
        sealedOnly(store, messageId, partner, priority);
        new JdbcTemplate(dataSource).update("insert into audit_record (recorded_at, message_id, event, actor, partner)"
                + " values (?, ?, ?, 'gateway', ?)", Timestamp.from(clock.instant()), messageId,
                AuditEvent.OUTBOUND_QUEUED.name(), partner);
    }

    /** A copy stored but never queued: its message was refused for another recipient and quarantined. */
    private static void sealedOnly(JdbcMessageStore store, String messageId, String partner, String priority) {
        store.store(Direction.OUTBOUND, messageId, partner, new MessageStore.Summary("ALERT", priority,
                "RESTRICTED", null, "ofast"), new byte[] {1}, "<Envelope/>".getBytes(StandardCharsets.UTF_8), null,
                "arrival-" + messageId);
    }

    private double breaches(String partner, String priority) {
        return registry.get("passerelle.sla.breaches").tag("partner", partner).tag("priority", priority).counter()
                .count();
    }

    private double openGauge() {
        return registry.get("passerelle.sla.open.breaches").gauge().value();
    }

    private static int rows(DataSource dataSource) {
        return new JdbcTemplate(dataSource).queryForObject("select count(*) from sla_breach", Integer.class);
    }

    /**
     * Stores an IMMEDIATE message for Morocco; checks just before its 5 minutes are up, then just after. Expects
     * nothing the first time, then one alarm: log line, audit event, counter and gauge.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void anImmediateMessageRaisesAnAlarmOnceDue(Databases database, CapturedOutput output) throws Exception {
        DataSource dataSource = database.fresh();
        sent(dataSource, store(dataSource), "m-immediate", "morocco", "IMMEDIATE");
        SlaWatch watch = watch(dataSource, null);

        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        watch.check();
        assertThat(audit.entries()).isEmpty();
        assertThat(rows(dataSource)).isZero();

        clock.advance(Duration.ofSeconds(16));
        watch.check();
        assertThat(audit.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.event()).isEqualTo(AuditEvent.SLA_BREACHED);
            assertThat(entry.messageId()).isEqualTo("m-immediate");
            assertThat(entry.partner()).isEqualTo("morocco");
            assertThat(entry.details()).contains("IMMEDIATE not acknowledged within PT5M (waited PT5M15S)");
        });
        assertThat(output.getOut()).contains("SLA_BREACH messageId=m-immediate partner=morocco priority=IMMEDIATE"
                + " storedAt=2026-11-27T10:00:00Z deadline=2026-11-27T10:05:00Z waited=PT5M15S");
        assertThat(breaches("morocco", "IMMEDIATE")).isEqualTo(1);
        assertThat(breaches("spain", "IMMEDIATE")).isZero();
        assertThat(openGauge()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(15));
        watch.check();
        assertThat(audit.entries()).hasSize(1);
        assertThat(breaches("morocco", "IMMEDIATE")).isEqualTo(1);
    }

    /**
     * A copy that was stored but never queued (its message was quarantined when sealing for another recipient
     * failed) waits for no partner: past its deadline, no alarm, and it is not taken for delivered though no queue
     * holds it.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aCopyNeverQueuedIsNotWatched(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        sealedOnly(store, "m-quarantined", "spain", "IMMEDIATE");
        sealedOnly(store, "m-quarantined-too", "morocco", "IMMEDIATE");
        SlaWatch watch = watch(dataSource, null);

        clock.advance(Duration.ofMinutes(6));
        watch.check();

        assertThat(audit.entries()).isEmpty();
        assertThat(rows(dataSource)).isZero();
        assertThat(store.copy(Direction.OUTBOUND, "m-quarantined", "spain").orElseThrow().deliveredAt()).isNull();
    }

    /** An URGENT message has 30 minutes, a ROUTINE one no SLA at all. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void urgentWaitsLongerAndRoutineNeverRaises(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        sent(dataSource, store, "m-urgent", "morocco", "URGENT");
        sent(dataSource, store, "m-routine", "morocco", "ROUTINE");
        SlaWatch watch = watch(dataSource, null);

        clock.advance(Duration.ofMinutes(29));
        watch.check();
        assertThat(audit.entries()).isEmpty();

        clock.advance(Duration.ofHours(5));
        watch.check();
        assertThat(audit.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.messageId()).isEqualTo("m-urgent");
            assertThat(entry.details()).startsWith("URGENT not acknowledged within PT30M");
        });
        assertThat(breaches("morocco", "URGENT")).isEqualTo(1);
    }

    /**
     * Two gateway instances on one database check at the same moment, twice; expects one breach row, one audit
     * event and one count between them.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void twoInstancesRaiseEachBreachOnce(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        sent(dataSource, store(dataSource), "m-shared", "morocco", "IMMEDIATE");
        SimpleMeterRegistry otherRegistry = new SimpleMeterRegistry();
        SlaProperties settings = settings(null);
        SlaWatch first = watch(dataSource, null);
        SlaWatch second = new SlaWatch(settings, new SlaBreaches(new JdbcTemplate(dataSource)), queues, PULL, null,
                audit, otherRegistry, clock);
        second.bindTo(List.of("spain", "morocco"));
        clock.advance(Duration.ofMinutes(6));

        Thread other = new Thread(second::check);
        other.start();
        first.check();
        other.join();
        first.check();
        second.check();

        assertThat(rows(dataSource)).isEqualTo(1);
        assertThat(audit.events()).containsExactly(AuditEvent.SLA_BREACHED);
        assertThat(breaches("morocco", "IMMEDIATE") + otherRegistry.get("passerelle.sla.breaches")
                .tag("partner", "morocco").tag("priority", "IMMEDIATE").counter().count()).isEqualTo(1);
        assertThat(first.openBreaches()).isEqualTo(1);
        assertThat(second.openBreaches()).isEqualTo(1);
    }

    /** Morocco's channel delivers the message after the alarm; expects the alarm cleared once, audited and logged. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aDeliveryAfterTheAlarmClearsIt(Databases database, CapturedOutput output) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        sent(dataSource, store, "m-late", "morocco", "IMMEDIATE");
        SlaWatch watch = watch(dataSource, null);
        clock.advance(Duration.ofMinutes(6));
        watch.check();
        assertThat(openGauge()).isEqualTo(1);

        store.delivered("m-late", "morocco", null, clock.instant().plusSeconds(3));
        clock.advance(Duration.ofSeconds(15));
        watch.check();
        watch.check();

        assertThat(audit.events()).containsExactly(AuditEvent.SLA_BREACHED, AuditEvent.SLA_CLEARED);
        assertThat(audit.entries().get(1).details()).isEqualTo(
                "IMMEDIATE acknowledged after PT6M3S (deadline 2026-11-27T10:05:00Z)");
        assertThat(output.getOut()).contains("SLA_CLEARED messageId=m-late partner=morocco priority=IMMEDIATE");
        assertThat(openGauge()).isZero();
        assertThat(new JdbcTemplate(dataSource).queryForObject("select count(*) from sla_breach"
                + " where cleared_at is not null", Integer.class)).isEqualTo(1);
    }

    /** Morocco's channel took the message in time: no alarm, ever. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aPushPartnerThatTookTheMessageInTimeRaisesNothing(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        sent(dataSource, store, "m-on-time", "morocco", "IMMEDIATE");
        store.delivered("m-on-time", "morocco", null, clock.instant().plusSeconds(2));
        SlaWatch watch = watch(dataSource, null);

        clock.advance(Duration.ofHours(1));
        watch.check();

        assertThat(audit.entries()).isEmpty();
        assertThat(rows(dataSource)).isZero();
        assertThat(openGauge()).isZero();
    }

    /**
     * Spain took one of two IMMEDIATE messages from its queue; the other is still there. Expects the taken one
     * recorded as delivered without an alarm, the other one alarmed; once Spain takes it too, cleared and recorded.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aPullPartnerAcknowledgesByTakingTheMessageFromItsQueue(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        sent(dataSource, store, "m-taken", "spain", "IMMEDIATE");
        sent(dataSource, store, "m-left", "spain", "IMMEDIATE");
        queues.waiting.add("m-left");
        SlaWatch watch = watch(dataSource, null);

        clock.advance(Duration.ofMinutes(6));
        watch.check();

        assertThat(store.copy(Direction.OUTBOUND, "m-taken", "spain")).hasValueSatisfying(
                copy -> assertThat(copy.deliveredAt()).isEqualTo(clock.instant()));
        assertThat(store.copy(Direction.OUTBOUND, "m-left", "spain")).hasValueSatisfying(
                copy -> assertThat(copy.deliveredAt()).isNull());
        assertThat(audit.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.event()).isEqualTo(AuditEvent.SLA_BREACHED);
            assertThat(entry.messageId()).isEqualTo("m-left");
        });

        queues.waiting.remove("m-left");
        clock.advance(Duration.ofSeconds(15));
        watch.check();

        assertThat(audit.events()).containsExactly(AuditEvent.SLA_BREACHED, AuditEvent.SLA_CLEARED);
        assertThat(store.copy(Direction.OUTBOUND, "m-left", "spain")).hasValueSatisfying(
                copy -> assertThat(copy.deliveredAt()).isEqualTo(clock.instant()));
        assertThat(openGauge()).isZero();
    }

    /**
     * The database is away: the check's first step finds out and the others are skipped, instead of each one
     * waiting for a connection in vain (the pool's timeout, 30 s by default, three times a check).
     */
    @Test
    void aCheckThatFindsTheDatabaseAwayAsksItOnceAndStops(CapturedOutput output) {
        AtomicInteger asked = new AtomicInteger();
        DataSource away = Databases.watched(new DriverManagerDataSource("jdbc:h2:mem:never-reached"), () -> {
            asked.incrementAndGet();
            throw new SQLTransientConnectionException("connection is not available, request timed out");
        });

        DatabaseAvailability database = new DatabaseAvailability(away, clock);
        watch(away, URI.create("http://127.0.0.1:9/hooks/sla")).watching(database).check();

        assertThat(asked).as("connections asked for").hasValue(1);
        assertThat(output).contains("the database cannot be reached; the rest of this check is skipped");
        assertThat(audit.events()).isEmpty();
        // Told to the rest of the gateway, which may have no message going through to find it out.
        assertThat(database.down()).as("the database known down").isTrue();
    }

    /**
     * The broker does not answer when Spain's message falls due: the alarm is raised all the same (silence would be
     * the harm), and cleared once the broker answers and the message is found taken.
     */
    @Test
    void whenThePartnerQueueCannotBeAskedTheAlarmIsRaisedAndClearsLater() throws Exception {
        DataSource dataSource = Databases.H2.fresh();
        sent(dataSource, store(dataSource), "m-unknown", "spain", "IMMEDIATE");
        SlaWatch watch = watch(dataSource, null);
        queues.down = true;

        clock.advance(Duration.ofMinutes(6));
        watch.check();
        assertThat(audit.events()).containsExactly(AuditEvent.SLA_BREACHED);

        queues.down = false;
        clock.advance(Duration.ofSeconds(15));
        watch.check();
        assertThat(audit.events()).containsExactly(AuditEvent.SLA_BREACHED, AuditEvent.SLA_CLEARED);
    }

    /**
     * A webhook on loopback receives the alarm as JSON with fixed fields and no content; two instances post it
     * once between them.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void theWebhookReceivesEachAlarmOnceAsJson(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        sent(dataSource, store(dataSource), "m-hook", "morocco", "IMMEDIATE");
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = webhook(received, 204);
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/sla");
            SlaWatch first = watch(dataSource, url);
            SlaWatch second = watch(dataSource, url);
            clock.advance(Duration.ofMinutes(5).plusSeconds(10));

            first.check();
            second.check();
            first.check();

            assertThat(received).singleElement().satisfies(body -> {
                JsonNode json = immediateForMorocco(body, "SLA_BREACHED", "m-hook");
                assertThat(json.get("waited").asText()).isEqualTo("PT5M10S");
                assertThat(json.size()).isEqualTo(7);
            });
        } finally {
            server.stop(0);
        }
    }

    /**
     * The webhook is down when the alarm is raised: the failure is logged, the rest of the alarm stands, and the
     * next check posts it once the webhook is back.
     */
    @Test
    void aWebhookThatIsDownIsLoggedAndTriedAgain(CapturedOutput output) throws Exception {
        DataSource dataSource = Databases.H2.fresh();
        sent(dataSource, store(dataSource), "m-retry", "morocco", "IMMEDIATE");
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = webhook(received, 503);
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/sla");
            SlaWatch watch = watch(dataSource, url);
            clock.advance(Duration.ofMinutes(6));

            watch.check();
            assertThat(received).hasSize(1);
            assertThat(output.getOut()).contains("SLA webhook: the alarm for messageId=m-retry partner=morocco was"
                    + " not accepted, posted again at the next check: http://127.0.0.1:"
                    + server.getAddress().getPort() + "/hooks/sla answered 503");
            assertThat(audit.events()).containsExactly(AuditEvent.SLA_BREACHED);
            assertThat(openGauge()).isEqualTo(1);
            server.stop(0);

            clock.advance(Duration.ofSeconds(15));
            watch.check();
            assertThat(output.getOut()).contains("did not answer");

            server = webhook(received, 200, server.getAddress().getPort());
            clock.advance(Duration.ofSeconds(15));
            watch.check();
            watch.check();
            assertThat(received).hasSize(2);
            assertThat(new JdbcTemplate(dataSource).queryForObject("select count(*) from sla_breach"
                    + " where notified_at is not null", Integer.class)).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    /**
     * Once the webhook has an alarm, it is told when the alarm clears, once between two instances: the breach's
     * fields, when the partner acknowledged the message and how long it had waited. A notice the webhook refused
     * is posted again at the next check.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void theWebhookIsToldOnceWhenAnAlarmClears(Databases database, CapturedOutput output) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        sent(dataSource, store, "m-cleared", "morocco", "IMMEDIATE");
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = webhook(received, 204);
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/sla");
            SlaWatch first = watch(dataSource, url);
            SlaWatch second = watch(dataSource, url);
            clock.advance(Duration.ofMinutes(5).plusSeconds(10));
            first.check();
            assertThat(received).hasSize(1);

            store.delivered("m-cleared", "morocco", null, clock.instant().plusSeconds(7));
            clock.advance(Duration.ofSeconds(15));
            server.stop(0);
            server = webhook(received, 503, server.getAddress().getPort());
            second.check();
            assertThat(audit.events()).containsExactly(AuditEvent.SLA_BREACHED, AuditEvent.SLA_CLEARED);
            assertThat(output.getOut()).contains("SLA webhook: the clearance for messageId=m-cleared partner=morocco"
                    + " was not accepted, posted again at the next check");
            assertThat(received).hasSize(2);

            server.stop(0);
            server = webhook(received, 204, server.getAddress().getPort());
            clock.advance(Duration.ofSeconds(15));
            first.check();
            second.check();
            first.check();

            assertThat(received).hasSize(3);
            assertThat(received.get(2)).isEqualTo(received.get(1));
            JsonNode json = immediateForMorocco(received.get(2), "SLA_CLEARED", "m-cleared");
            assertThat(json.get("acknowledgedAt").asText()).isEqualTo("2026-11-27T10:05:17Z");
            assertThat(json.get("waited").asText()).isEqualTo("PT5M17S");
            assertThat(json.size()).isEqualTo(8);
            assertThat(new JdbcTemplate(dataSource).queryForObject("select count(*) from sla_breach"
                    + " where clear_notified_at is not null", Integer.class)).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    /**
     * An alarm that clears before the webhook accepted it is never posted, and neither is its clearance: whoever
     * the webhook alerts is not woken for a trouble already over, nor told of the end of one never announced.
     */
    @Test
    void anAlarmThatClearedBeforeTheWebhookHadItIsNeverPosted() throws Exception {
        DataSource dataSource = Databases.H2.fresh();
        JdbcMessageStore store = store(dataSource);
        sent(dataSource, store, "m-brief", "morocco", "IMMEDIATE");
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = webhook(received, 503);
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/sla");
            SlaWatch watch = watch(dataSource, url);
            clock.advance(Duration.ofMinutes(6));
            watch.check();
            assertThat(received).hasSize(1);

            store.delivered("m-brief", "morocco", null, clock.instant());
            server.stop(0);
            server = webhook(received, 204, server.getAddress().getPort());
            clock.advance(Duration.ofSeconds(15));
            watch.check();
            clock.advance(Duration.ofSeconds(15));
            watch.check();

            assertThat(audit.events()).containsExactly(AuditEvent.SLA_BREACHED, AuditEvent.SLA_CLEARED);
            assertThat(received).hasSize(1);
        } finally {
            server.stop(0);
        }
    }

    /**
     * Alarms that cleared before the webhook was told of clearances (before the database's version 15) are not
     * announced after the upgrade, long after the fact; one still open then is, once it clears.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void alarmsClearedBeforeTheUpgradeAreNotAnnounced(Databases database) throws Exception {
        DataSource dataSource = database.freshAt("14");
        JdbcMessageStore store = store(dataSource);
        sent(dataSource, store, "m-old", "morocco", "IMMEDIATE");
        sent(dataSource, store, "m-open", "morocco", "IMMEDIATE");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        Timestamp raised = Timestamp.from(T0.plusSeconds(310));
        Timestamp deadline = Timestamp.from(T0.plusSeconds(300));
        jdbc.update("insert into sla_breach (message_id, partner, priority, stored_at, deadline, raised_at,"
                + " cleared_at, notified_at) values ('m-old', 'morocco', 'IMMEDIATE', ?, ?, ?, ?, ?)",
                Timestamp.from(T0), deadline, raised, Timestamp.from(T0.plusSeconds(320)), raised);
        jdbc.update("insert into sla_breach (message_id, partner, priority, stored_at, deadline, raised_at,"
                + " notified_at) values ('m-open', 'morocco', 'IMMEDIATE', ?, ?, ?, ?)",
                Timestamp.from(T0), deadline, raised, raised);
        store.delivered("m-old", "morocco", null, T0.plusSeconds(315));
        database.migrate(dataSource, null);
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = webhook(received, 204);
        try {
            SlaWatch watch = watch(dataSource, URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/hooks/sla"));
            clock.advance(Duration.ofMinutes(6));
            watch.check();
            assertThat(received).isEmpty();

            store.delivered("m-open", "morocco", null, clock.instant());
            clock.advance(Duration.ofSeconds(15));
            watch.check();
            assertThat(received).singleElement().satisfies(body -> assertThat(body)
                    .contains("\"event\":\"SLA_CLEARED\"", "\"messageId\":\"m-open\""));
        } finally {
            server.stop(0);
        }
    }

    /**
     * An https webhook whose certificate comes from fr's sample CA: trusted when {@code webhook.ca} names that CA,
     * refused when it names another one (Spain's), so the alarm is not posted to a server that cannot prove who
     * it is. There is no setting that trusts every certificate.
     */
    @Test
    void anHttpsWebhookIsTrustedThroughItsConfiguredCaOnly(CapturedOutput output) throws Exception {
        DataSource dataSource = Databases.H2.fresh();
        sent(dataSource, store(dataSource), "m-tls", "morocco", "IMMEDIATE");
        List<String> received = new CopyOnWriteArrayList<>();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls("fr")));
        server.createContext("/hooks/sla", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/hooks/sla");
            clock.advance(Duration.ofMinutes(6));

            watchWithCa(dataSource, url, TestPki.dir("spain").resolve("ca.pem")).check();
            assertThat(received).isEmpty();
            assertThat(output.getOut()).contains("SLA webhook: the alarm for messageId=m-tls partner=morocco was not"
                    + " accepted").contains("did not answer: javax.net.ssl.SSLHandshakeException: PKIX path building"
                    + " failed");

            clock.advance(Duration.ofSeconds(15));
            watchWithCa(dataSource, url, TestPki.dir("fr").resolve("ca.pem")).check();
            assertThat(received).singleElement().satisfies(body -> assertThat(body).contains("\"m-tls\""));
        } finally {
            server.stop(0);
        }
    }

    private SlaWatch watchWithCa(DataSource dataSource, URI url, Path ca) {
        SlaProperties settings = new SlaProperties(Duration.ofMinutes(5), Duration.ofMinutes(30),
                Duration.ofSeconds(15), new SlaProperties.Webhook(url, Duration.ofSeconds(5), ca, "sample-token"))
                .check();
        return new SlaWatch(settings, new SlaBreaches(new JdbcTemplate(dataSource)), queues, PULL,
                new SlaWebhook(settings.webhook()), audit, registry, clock);
    }

    /** A TLS server context with this sample party's TLS key and certificate. */
    private static SSLContext serverTls(String party) throws Exception {
        Path directory = TestPki.dir(party);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] password = "in-memory".toCharArray();
        keys.setKeyEntry("tls", Pem.readPrivateKey(directory.resolve("tls.key")), password, new Certificate[] {
                Pem.readCertificate(directory.resolve("tls.pem")), Pem.readCertificate(directory.resolve("ca.pem"))});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    /** A posted notice about an IMMEDIATE message for Morocco stored at T0: its event, messageId and times. */
    private static JsonNode immediateForMorocco(String body, String event, String messageId) throws IOException {
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(json.get("event").asText()).isEqualTo(event);
        assertThat(json.get("messageId").asText()).isEqualTo(messageId);
        assertThat(json.get("partner").asText()).isEqualTo("morocco");
        assertThat(json.get("priority").asText()).isEqualTo("IMMEDIATE");
        assertThat(json.get("storedAt").asText()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(json.get("deadline").asText()).isEqualTo("2026-11-27T10:05:00Z");
        return json;
    }

    private static HttpServer webhook(List<String> received, int status) throws IOException {
        return webhook(received, status, 0);
    }

    /** A webhook on loopback that records every body it receives and answers with this status. */
    private static HttpServer webhook(List<String> received, int status, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/hooks/sla", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }
}
