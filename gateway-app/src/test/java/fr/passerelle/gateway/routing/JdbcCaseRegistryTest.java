package fr.passerelle.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.persistence.Databases;

/** The case registry on H2 and PostgreSQL: one row per case and service, services in the order first seen. */
class JdbcCaseRegistryTest {

    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    /** Remembers a case twice, as every message of one case does; expects one row, with the first instant. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void rememberingACaseAgainKeepsOneRow(Databases database) {
        DataSource dataSource = database.fresh();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);

        new JdbcCaseRegistry(jdbc, Clock.fixed(START, ZoneOffset.UTC)).remember("OFAST-2026-00042", "ofast");
        new JdbcCaseRegistry(jdbc, Clock.fixed(START.plus(Duration.ofDays(1)), ZoneOffset.UTC))
                .remember("OFAST-2026-00042", "ofast");

        assertThat(jdbc.queryForObject("select count(*) from case_reference", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select first_seen from case_reference", Timestamp.class).toInstant())
                .isEqualTo(START);
        assertThat(new JdbcCaseRegistry(jdbc, Clock.systemUTC()).servicesFor("OFAST-2026-00042"))
                .containsExactly("ofast");
    }

    /**
     * Two instances on one database remember the same pair at once: the other inserts it after this one looked and
     * before it inserts; expects this one to accept the other's row, through the primary key.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void twoInstancesRememberingTheSamePairAtOnceKeepOneRow(Databases database) {
        DataSource dataSource = database.fresh();
        JdbcCaseRegistry other = new JdbcCaseRegistry(new JdbcTemplate(dataSource), Clock.fixed(START, ZoneOffset.UTC));
        JdbcTemplate racing = new JdbcTemplate(dataSource) {
            @Override
            public <T> T queryForObject(String sql, Class<T> requiredType, Object... args) {
                T looked = super.queryForObject(sql, requiredType, args);
                other.remember("DOUANE-972-2026-0007", "douane");
                return looked;
            }
        };

        new JdbcCaseRegistry(racing, Clock.fixed(START.plusSeconds(1), ZoneOffset.UTC))
                .remember("DOUANE-972-2026-0007", "douane");

        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject("select count(*) from case_reference", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select first_seen from case_reference", Timestamp.class).toInstant())
                .isEqualTo(START);
    }

    /** Two services send under one case reference; expects both, the first to use it first. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aCaseUsedByTwoServicesIsKnownForBoth(Databases database) {
        JdbcTemplate jdbc = new JdbcTemplate(database.fresh());

        new JdbcCaseRegistry(jdbc, Clock.fixed(START, ZoneOffset.UTC)).remember("GN-SR-LILLE-2026-0058", "police");
        new JdbcCaseRegistry(jdbc, Clock.fixed(START.plusSeconds(60), ZoneOffset.UTC))
                .remember("GN-SR-LILLE-2026-0058", "douane");
        new JdbcCaseRegistry(jdbc, Clock.fixed(START.plusSeconds(120), ZoneOffset.UTC))
                .remember("OFAST-2026-00057", "ofast");

        JdbcCaseRegistry registry = new JdbcCaseRegistry(jdbc, Clock.systemUTC());
        assertThat(registry.servicesFor("GN-SR-LILLE-2026-0058")).containsExactly("police", "douane");
        assertThat(registry.servicesFor("OFAST-2026-00057")).containsExactly("ofast");
    }

    /** A case no service sent under, and an envelope without case reference; expects no service. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void anUnknownCaseIsKnownForNoService(Databases database) {
        JdbcCaseRegistry registry = new JdbcCaseRegistry(new JdbcTemplate(database.fresh()), Clock.systemUTC());
        registry.remember("OFAST-2026-00042", "ofast");

        assertThat(registry.servicesFor("OFAST-2026-00043")).isEmpty();
        assertThat(registry.servicesFor(null)).isEmpty();
    }

    /**
     * One instance remembers a case again and again, as every message of a case does, while it keeps two pairs in
     * memory; expects the database asked once per pair, and again only for a pair pushed out by two others.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aPairAlreadyRememberedCostsNoDatabaseRoundTrip(Databases database) {
        AtomicInteger looks = new AtomicInteger();
        JdbcTemplate counting = new JdbcTemplate(database.fresh()) {
            @Override
            public <T> T queryForObject(String sql, Class<T> requiredType, Object... args) {
                looks.incrementAndGet();
                return super.queryForObject(sql, requiredType, args);
            }
        };
        JdbcCaseRegistry registry = new JdbcCaseRegistry(counting, Clock.systemUTC(), 2);

        for (int i = 0; i < 5; i++) {
            registry.remember("OFAST-2026-00042", "ofast");
        }
        assertThat(looks).hasValue(1);
        registry.remember("OFAST-2026-00042", "douane");
        registry.remember("OFAST-2026-00043", "ofast");
        registry.remember("OFAST-2026-00043", "ofast");
        assertThat(looks).hasValue(3);
        registry.remember("OFAST-2026-00042", "ofast");
        assertThat(looks).hasValue(4);
        assertThat(counting.queryForObject("select count(*) from case_reference", Integer.class)).isEqualTo(3);
        assertThat(registry.servicesFor("OFAST-2026-00042")).containsExactly("ofast", "douane");
    }
}
