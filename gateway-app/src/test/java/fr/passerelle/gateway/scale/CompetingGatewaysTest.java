package fr.passerelle.gateway.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.HaSettings;
import fr.passerelle.gateway.broker.PartnerCollections;
import fr.passerelle.gateway.broker.QueueDepths;
import fr.passerelle.gateway.broker.ReplicatedBroker;
import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.routes.TestPki;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Two gateways in external mode as competing consumers of one Passerelle broker, sharing one PostgreSQL database
 * (a fresh schema) and one storage key. ofast sends 1,000 reports for Spain. Expects each sealed once (one stored
 * copy, one {@code OUTBOUND_SEALED} across both gateways), each on {@code partner.spain.out} exactly once, nothing
 * in quarantine, Spain's takes recorded once each, one audit chain intact, and both gateways to have done part of
 * the work. Skips, and says so, where
 * no PostgreSQL answers, unless PASSERELLE_REQUIRE_POSTGRES is set.
 */
class CompetingGatewaysTest {

    private static final int MESSAGES = 1_000;

    @TempDir
    Path data;

    private ReplicatedBroker broker;
    private ConfigurableApplicationContext first;
    private ConfigurableApplicationContext second;

    @AfterEach
    void stopAll() throws Exception {
        for (ConfigurableApplicationContext gateway : new ConfigurableApplicationContext[] {second, first}) {
            if (gateway != null) {
                gateway.close();
            }
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @AfterAll
    static void dropSchema() {
        Databases.dropCreatedSchemas();
    }

    @Test
    void twoGatewaysShareTheWorkAndKeepEveryGuarantee() throws Exception {
        String database = Databases.POSTGRES_URL + "?currentSchema=" + Databases.newPostgresSchema();
        int port = GatewayTestSupport.freePort();
        // A primary whose backup is absent serves alone; what matters here is the gateways' side.
        broker = ScaleOut.broker(HaSettings.Role.PRIMARY, data.resolve("broker"), port, GatewayTestSupport.freePort());
        broker.start();
        assertThat(broker.waitForActivation(Duration.ofSeconds(30))).isTrue();
        String url = "tcp://127.0.0.1:" + port;
        // One folder for both, so one storage key; started one after the other, so that Flyway migrates once.
        Path gateways = data.resolve("gateways");
        String user = "--spring.datasource.username=" + Databases.POSTGRES_USER;
        first = ScaleOut.gateway(url, gateways, database, user);
        second = ScaleOut.gateway(url, gateways, database, user);
        JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);

        List<byte[]> envelopes = ScaleOut.envelopes(MESSAGES);
        List<String> ids = envelopes.stream().map(TestPki::messageIdOf).toList();
        ScaleOut.send(url, envelopes);

        assertThat(ScaleOut.await(Duration.ofSeconds(120), () -> jdbc.queryForObject("select count(distinct message_id)"
                + " from audit_record where event = 'OUTBOUND_QUEUED' and partner = 'spain'", Long.class) == MESSAGES
                && broker.messageCount("national.ofast.out") == 0))
                .as("every report queued for Spain, none left to process").isTrue();
        assertThat(broker.messageCount(EmbeddedBroker.QUARANTINE)).as("quarantined").isZero();
        // What metrics and the console show, asked of the broker by management over the gateway's connection.
        QueueDepths depths = second.getBean(QueueDepths.class);
        assertThat(depths.messageCount("partner.spain.out")).as("Spain's backlog, by management").isEqualTo(MESSAGES);
        assertThatThrownBy(() -> depths.messageCount("partner.nowhere.out"))
                .isInstanceOf(IllegalArgumentException.class);

        Map<String, Long> taken = ScaleOut.drainSpain(url).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(taken.keySet()).as("every report on partner.spain.out").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(taken.values()).as("each exactly once").containsOnly(1L);
        // Spain's takes, noted by the broker of the pair and recorded once each, whichever gateway took the note.
        assertThat(ScaleOut.await(Duration.ofSeconds(30), () -> jdbc.queryForObject("select count(*) from"
                + " message_store where direction = 'OUTBOUND' and partner = 'spain' and delivered_at is not null",
                Long.class) == MESSAGES)).as("every copy delivered as Spain took it").isTrue();
        assertThat(jdbc.queryForObject("select count(*) from audit_record where event = 'OUTBOUND_COLLECTED'"
                + " and partner = 'spain'", Long.class)).as("one OUTBOUND_COLLECTED each").isEqualTo(MESSAGES);
        assertThat(jdbc.queryForObject("select count(distinct message_id) from audit_record"
                + " where event = 'OUTBOUND_COLLECTED'", Long.class)).isEqualTo(MESSAGES);
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).as("no note left").isZero();

        assertThat(jdbc.queryForObject("select count(*) from message_store where direction = 'OUTBOUND'"
                + " and partner = 'spain'", Integer.class)).as("one sealed copy each").isEqualTo(MESSAGES);
        double sealedByFirst = sealed(first);
        double sealedBySecond = sealed(second);
        assertThat(sealedByFirst + sealedBySecond).as("sealed once each, across both gateways").isEqualTo(MESSAGES);
        assertThat(sealedByFirst).as("sealed by the first gateway").isPositive();
        assertThat(sealedBySecond).as("sealed by the second gateway").isPositive();

        AuditVerifier.Result audit = new AuditVerifier(first.getBean(DataSource.class),
                TestPki.partner("fr").trust()).verify();
        assertThat(audit.intact()).as(audit.problem()).isTrue();
        assertThat(audit.records()).isGreaterThanOrEqualTo(3L * MESSAGES);
    }

    /** How many reports for Spain this gateway sealed, by its own count of {@code OUTBOUND_SEALED} audit events. */
    private static double sealed(ConfigurableApplicationContext gateway) {
        Counter counter = gateway.getBean(MeterRegistry.class).find("passerelle.audit.events")
                .tags("event", "OUTBOUND_SEALED", "partner", "spain").counter();
        return counter == null ? 0 : counter.count();
    }
}
