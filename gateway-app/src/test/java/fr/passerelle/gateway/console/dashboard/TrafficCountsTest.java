package fr.passerelle.gateway.console.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.store.JdbcMessageStore;
import fr.passerelle.gateway.store.StorageKey;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageStore.Direction;

/** The dashboard's traffic figures on H2 and PostgreSQL: per partner and direction, within the window and desks. */
class TrafficCountsTest {

    static final Instant NOW = Instant.parse("2025-06-02T09:30:00Z");

    @TempDir
    Path keys;

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    private void store(DataSource dataSource, Instant at, Direction direction, String partner) throws Exception {
        new JdbcMessageStore(new JdbcTemplate(dataSource), StorageKey.load(keys.resolve("store.key"), true),
                Clock.fixed(at, ZoneOffset.UTC)).store(direction, UUID.randomUUID().toString(), partner,
                        MessageStore.Summary.ofType("INTEL_REPORT"), new byte[] {1},
                        "<Envelope/>".getBytes(StandardCharsets.UTF_8), null, null);
    }

    /**
     * Stores messages for Spain and Morocco inside the last day and one before it; expects them counted per
     * partner and direction, the older one left out, and an officer's count limited to their desk.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void countsTheLastDayPerPartnerAndDirectionWithinTheDesks(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        Instant since = NOW.minus(Duration.ofHours(24));
        store(dataSource, NOW.minusSeconds(60), Direction.OUTBOUND, "spain");
        store(dataSource, NOW.minusSeconds(120), Direction.OUTBOUND, "spain");
        store(dataSource, since, Direction.INBOUND, "spain");
        store(dataSource, since.minusSeconds(1), Direction.INBOUND, "spain");
        store(dataSource, NOW.minusSeconds(30), Direction.OUTBOUND, "morocco");
        store(dataSource, NOW.minusSeconds(40), Direction.INBOUND, "morocco");
        store(dataSource, NOW.minusSeconds(50), Direction.INBOUND, "morocco");
        TrafficCounts counts = new TrafficCounts(new NamedParameterJdbcTemplate(dataSource));

        assertThat(counts.since(new DeskScope(true, Set.of()), since)).containsOnly(
                entry("spain", new TrafficCounts.Traffic(2, 1)),
                entry("morocco", new TrafficCounts.Traffic(1, 2)));
        assertThat(counts.since(new DeskScope(false, Set.of("spain")), since)).containsOnlyKeys("spain");
        assertThat(counts.since(new DeskScope(false, Set.of("spain", "morocco")), since)).hasSize(2);
        assertThat(counts.since(new DeskScope(false, Set.of()), since)).isEmpty();
    }
}
