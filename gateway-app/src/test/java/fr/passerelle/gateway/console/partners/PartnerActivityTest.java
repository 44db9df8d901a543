package fr.passerelle.gateway.console.partners;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.gateway.store.JdbcMessageStore;
import fr.passerelle.gateway.store.StorageKey;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageStore.Direction;

/** Each partner's last exchanges on H2 and PostgreSQL, from the message store and, for pull queues, the trail. */
class PartnerActivityTest {

    static final Instant T = Instant.parse("2025-06-02T09:00:00Z");

    @TempDir
    Path keys;

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    private JdbcMessageStore store(DataSource dataSource, Instant at) throws Exception {
        return new JdbcMessageStore(new JdbcTemplate(dataSource), StorageKey.load(keys.resolve("store.key"), true),
                Clock.fixed(at, ZoneOffset.UTC));
    }

    private static void stored(JdbcMessageStore store, Direction direction, String messageId, String partner) {
        store.store(direction, messageId, partner, MessageStore.Summary.ofType("INTEL_REPORT"), new byte[] {1},
                "<Envelope/>".getBytes(StandardCharsets.UTF_8), null, null);
    }

    private static void queued(DataSource dataSource, Instant at, String partner) {
        new JdbcAuditTrail(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                Clock.fixed(at, ZoneOffset.UTC), UnaryOperator.identity(), Integer.MAX_VALUE)
                .record("q-" + at, AuditEvent.OUTBOUND_QUEUED, "gateway", partner, "partner." + partner + ".out");
    }

    /**
     * Spain is pushed to: two deliveries, one message still waiting, one received. Morocco pulls its queue: two
     * messages queued, the later one counts, and the delivery is when it took one. Europol exchanged nothing.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void findsTheLastDeliveryAndTheLastMessageReceived(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource, T);
        stored(store, Direction.OUTBOUND, "m-1", "spain");
        stored(store, Direction.OUTBOUND, "m-2", "spain");
        stored(store, Direction.OUTBOUND, "m-3", "spain");
        store.delivered("m-1", "spain", null, T.plusSeconds(10));
        store.delivered("m-2", "spain", null, T.plusSeconds(20));
        stored(store(dataSource, T.plusSeconds(30)), Direction.INBOUND, "m-4", "spain");
        stored(store, Direction.OUTBOUND, "m-5", "morocco");
        store.delivered("m-5", "morocco", null, T.plusSeconds(500));
        queued(dataSource, T.plusSeconds(40), "morocco");
        queued(dataSource, T.plusSeconds(50), "morocco");
        queued(dataSource, T.plusSeconds(60), "spain");

        Map<String, PartnerActivity.Activity> activity = new PartnerActivity(new NamedParameterJdbcTemplate(
                dataSource)).of(List.of("spain", "morocco", "europol"), List.of("morocco", "europol"));

        assertThat(activity).containsOnlyKeys("spain", "morocco", "europol");
        assertThat(activity.get("spain"))
                .isEqualTo(new PartnerActivity.Activity(T.plusSeconds(20), T.plusSeconds(30), null));
        assertThat(activity.get("morocco"))
                .isEqualTo(new PartnerActivity.Activity(T.plusSeconds(50), null, T.plusSeconds(500)));
        assertThat(activity.get("europol")).isEqualTo(new PartnerActivity.Activity(null, null, null));
    }
}
