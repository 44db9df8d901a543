package fr.passerelle.gateway.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.HaSettings;
import fr.passerelle.gateway.broker.QueueDepths;
import fr.passerelle.gateway.broker.ReplicatedBroker;
import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.routes.TestPki;

/**
 * Two Passerelle brokers as a replicated pair on loopback and a gateway in external mode against them. ofast sends
 * 500 reports for Spain; once the gateway has queued a part of them, the primary is stopped and the backup takes
 * over while the gateway is mid-traffic. Expects every report on {@code partner.spain.out} of the backup exactly
 * once, one sealed copy of each in the store, nothing in quarantine, and the audit chain intact.
 */
class HaPairFailoverTest {

    private static final int MESSAGES = 500;

    @TempDir
    Path data;

    private ReplicatedBroker primary;
    private ReplicatedBroker backup;
    private ConfigurableApplicationContext gateway;

    @AfterEach
    void stopAll() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (backup != null) {
            backup.stop();
        }
        if (primary != null) {
            primary.stop();
        }
    }

    @Test
    void everyMessageIsDeliveredOnceAcrossAFailOver() throws Exception {
        int primaryPort = GatewayTestSupport.freePort();
        int backupPort = GatewayTestSupport.freePort();
        primary = ScaleOut.broker(HaSettings.Role.PRIMARY, data.resolve("primary"), primaryPort, backupPort);
        backup = ScaleOut.broker(HaSettings.Role.BACKUP, data.resolve("backup"), backupPort, primaryPort);
        primary.start();
        assertThat(primary.waitForActivation(Duration.ofSeconds(30))).as("primary active").isTrue();
        backup.start();
        assertThat(ScaleOut.await(Duration.ofSeconds(60), () -> primary.isReplicaSync() && backup.isReplicaSync()))
                .as("backup in sync with the primary").isTrue();
        assertThat(backup.isActive()).as("the backup waits, passive").isFalse();

        String pair = "(tcp://127.0.0.1:" + primaryPort + ",tcp://127.0.0.1:" + backupPort + ")"
                + "?ha=true&reconnectAttempts=-1&retryInterval=100";
        gateway = ScaleOut.gateway(pair, data.resolve("gateway"), ScaleOut.h2In(data.resolve("gateway")));
        JdbcTemplate jdbc = gateway.getBean(JdbcTemplate.class);

        List<byte[]> envelopes = ScaleOut.envelopes(MESSAGES);
        List<String> ids = envelopes.stream().map(TestPki::messageIdOf).toList();
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                ScaleOut.send(pair, envelopes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        boolean atWork = ScaleOut.await(Duration.ofSeconds(60), () -> queued(jdbc) >= MESSAGES / 4);
        assertThat(atWork).as("the gateway is at work before the primary stops (sending %s, %d waiting)",
                sending.isDone() ? "done" : "not done", primary.messageCount("national.ofast.out")).isTrue();
        long queuedAtStop = queued(jdbc);
        primary.stop();
        assertThat(backup.waitForActivation(Duration.ofSeconds(60))).as("backup took over").isTrue();
        sending.get(60, TimeUnit.SECONDS);

        assertThat(ScaleOut.await(Duration.ofSeconds(120),
                () -> queued(jdbc) == MESSAGES && backup.messageCount("national.ofast.out") == 0))
                .as("every report queued for Spain, none left to process (%d queued when the primary stopped)",
                        queuedAtStop).isTrue();
        assertThat(queuedAtStop).as("the primary stopped mid-traffic").isLessThan(MESSAGES);
        assertThat(backup.messageCount(EmbeddedBroker.QUARANTINE)).as("quarantined").isZero();
        assertThat(gateway.getBean(QueueDepths.class).messageCount("partner.spain.out"))
                .as("Spain's backlog as the gateway reads it from the broker now active").isEqualTo(MESSAGES);

        List<String> delivered = ScaleOut.drainSpain("tcp://127.0.0.1:" + backupPort);
        assertThat(delivered.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet()).as("messageIds taken more than once")
                .noneMatch(entry -> entry.getValue() > 1);
        assertThat(delivered).as("every report once on partner.spain.out").hasSize(MESSAGES)
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(jdbc.queryForObject("select count(*) from message_store where direction = 'OUTBOUND'"
                + " and partner = 'spain'", Integer.class)).as("sealed copies").isEqualTo(MESSAGES);

        AuditVerifier.Result audit = new AuditVerifier(gateway.getBean(DataSource.class),
                TestPki.partner("fr").trust()).verify();
        assertThat(audit.intact()).as(audit.problem()).isTrue();
    }

    /** How many distinct reports the gateway has queued for Spain. */
    private static long queued(JdbcTemplate jdbc) {
        return jdbc.queryForObject("select count(distinct message_id) from audit_record where event = 'OUTBOUND_QUEUED'"
                + " and partner = 'spain'", Long.class);
    }
}
