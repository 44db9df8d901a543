package fr.passerelle.gateway.console.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.routes.audit.AuditEvent;

/**
 * The audit search on H2 and PostgreSQL, over 120 records written by the audit trail itself a minute apart:
 * newest first, 50 a page, keyset paging both ways, each criterion, whole UTC days, desks.
 */
class AuditSearchTest {

    /** Record n is written at START + n minutes: records 1 to 119 on 1 June, record 120 at midnight, 2 June. */
    static final Instant START = Instant.parse("2025-06-01T22:00:00Z");
    static final AuditSearch.Criteria ANY = new AuditSearch.Criteria(null, null, null, null, null, null);
    static final DeskScope ALL = new DeskScope(true, Set.of());

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    /** One trail per database, written once: searching does not change it. */
    private static final Map<Databases, AuditSearch> TRAILS = new EnumMap<>(Databases.class);

    private static AuditSearch trail(Databases database) {
        return TRAILS.computeIfAbsent(database, AuditSearchTest::write);
    }

    /** Record n: every third one queued for Spain, the next for Morocco, the next a read by the auditor. */
    private static AuditSearch write(Databases database) {
        DataSource dataSource = database.fresh();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        for (int n = 1; n <= 120; n++) {
            JdbcAuditTrail trail = new JdbcAuditTrail(jdbc, transactions,
                    Clock.fixed(START.plus(Duration.ofMinutes(n)), ZoneOffset.UTC), UnaryOperator.identity(),
                    Integer.MAX_VALUE);
            String messageId = "message-" + n;
            switch (n % 3) {
                case 0 -> trail.record(messageId, AuditEvent.OUTBOUND_QUEUED, "gateway", "spain", "partner.spain.out");
                case 1 -> trail.record(messageId, AuditEvent.OUTBOUND_QUEUED, "gateway", "morocco",
                        "partner.morocco.out");
                default -> trail.record(messageId, AuditEvent.MESSAGE_READ, "auditor", null, "1 stored copies shown");
            }
        }
        return new AuditSearch(new NamedParameterJdbcTemplate(dataSource));
    }

    private static List<Long> seqs(AuditSearch.Page page) {
        return page.entries().stream().map(AuditSearch.Entry::seq).toList();
    }

    private static List<Long> descending(long from, long to) {
        return LongStream.rangeClosed(to, from).map(n -> from + to - n).boxed().toList();
    }

    /** Pages back from the newest record 50 at a time, then forward again, each link keyed on a sequence number. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void pagesNewestFirstOnTheSequenceNumber(Databases database) {
        AuditSearch search = trail(database);

        AuditSearch.Page first = search.search(ANY, ALL, null, null);
        assertThat(seqs(first)).isEqualTo(descending(120, 71));
        assertThat(first.newer()).isNull();
        assertThat(first.older()).isEqualTo(71);
        assertThat(first.entries().get(0)).isEqualTo(new AuditSearch.Entry(120, START.plus(Duration.ofMinutes(120)),
                "message-120", "OUTBOUND_QUEUED", "gateway", "spain", "partner.spain.out"));

        AuditSearch.Page second = search.search(ANY, ALL, first.older(), null);
        assertThat(seqs(second)).isEqualTo(descending(70, 21));
        assertThat(second.newer()).isEqualTo(70);
        assertThat(second.older()).isEqualTo(21);

        AuditSearch.Page last = search.search(ANY, ALL, second.older(), null);
        assertThat(seqs(last)).isEqualTo(descending(20, 1));
        assertThat(last.older()).isNull();

        AuditSearch.Page back = search.search(ANY, ALL, null, second.newer());
        assertThat(seqs(back)).isEqualTo(descending(120, 71));
        assertThat(back.newer()).isNull();
        assertThat(back.older()).isEqualTo(71);
    }

    /** Finds by event and partner, by actor, by messageId; each alone and combined. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void matchesEachCriterion(Databases database) {
        AuditSearch search = trail(database);

        AuditSearch.Page spain = search.search(new AuditSearch.Criteria(null, AuditEvent.OUTBOUND_QUEUED, null,
                "spain", null, null), ALL, null, null);
        assertThat(seqs(spain)).hasSize(40).allMatch(seq -> seq % 3 == 0);
        assertThat(spain.older()).isNull();

        assertThat(seqs(search.search(new AuditSearch.Criteria(null, null, "auditor", null, null, null), ALL, null,
                null))).hasSize(40).allMatch(seq -> seq % 3 == 2);
        assertThat(seqs(search.search(new AuditSearch.Criteria("message-77", null, null, null, null, null), ALL,
                null, null))).containsExactly(77L);
        assertThat(search.search(new AuditSearch.Criteria("message-77", AuditEvent.OUTBOUND_QUEUED, null, null,
                null, null), ALL, null, null).entries()).isEmpty();
    }

    /** Takes dates as whole UTC days, both ends included. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void takesDatesAsWholeDays(Databases database) {
        AuditSearch search = trail(database);
        LocalDate first = LocalDate.parse("2025-06-01");
        LocalDate second = LocalDate.parse("2025-06-02");

        assertThat(seqs(search.search(new AuditSearch.Criteria(null, null, null, null, second, null), ALL, null,
                null))).containsExactly(120L);
        AuditSearch.Page firstDay = search.search(new AuditSearch.Criteria(null, null, null, null, first, first), ALL,
                null, null);
        assertThat(seqs(firstDay)).isEqualTo(descending(119, 70));
        assertThat(firstDay.older()).isEqualTo(70);
        assertThat(search.search(new AuditSearch.Criteria(null, null, null, null, second, first), ALL, null, null)
                .entries()).isEmpty();
    }

    /** Shows a user limited to desks only the records about those desks, whatever the criteria ask. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void keepsToTheDesks(Databases database) {
        AuditSearch search = trail(database);
        DeskScope spain = new DeskScope(false, Set.of("spain"));

        assertThat(search.search(ANY, spain, null, null).entries()).hasSize(40)
                .allMatch(entry -> "spain".equals(entry.partner()));
        assertThat(search.search(new AuditSearch.Criteria(null, null, null, "morocco", null, null), spain, null,
                null).entries()).isEmpty();
        assertThat(search.search(ANY, new DeskScope(false, Set.of()), null, null).entries()).isEmpty();
    }
}
