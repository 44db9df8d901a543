package fr.passerelle.gateway.console.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.console.messages.MessageSearch.Filter;
import fr.passerelle.gateway.console.messages.MessageSearch.Row;
import fr.passerelle.gateway.console.messages.MessageSearch.Status;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.store.MessageStore.Direction;

/**
 * The message list's SQL on H2 and PostgreSQL, over a few hundred stored copies of several partners, many stored at
 * the same instant: every filter, desk scope whatever the filter, and keyset pages that neither skip nor repeat a
 * row. The expected rows are computed from the whole table in Java, apart from the query under test.
 */
class MessageSearchTest {

    private static final List<String> PARTNERS = List.of("spain", "morocco", "europol");
    private static final List<String> TYPES = List.of("INTEL_REPORT", "ALERT", "SEIZURE_NOTIFICATION");
    private static final List<String> PRIORITIES = List.of("ROUTINE", "URGENT", "IMMEDIATE");
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final int ROWS = 360;

    private static final Filter NONE = new Filter(null, null, null, null, null, null, null, null);

    private static final DeskScope EVERYONE = new DeskScope(true, Set.of());
    private static final DeskScope SPAIN_DESK = new DeskScope(false, Set.of("spain"));
    private static final DeskScope SPAIN_AND_EUROPOL_DESKS = new DeskScope(false, Set.of("spain", "europol"));

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    /** A table of stored copies: three per hour from {@link #START} (so three share each instant), mixed. */
    private static JdbcTemplate filled(Databases database) {
        DataSource dataSource = database.fresh();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        Random random = new Random(7);
        for (int i = 0; i < ROWS; i++) {
            Direction direction = random.nextInt(3) == 0 ? Direction.INBOUND : Direction.OUTBOUND;
            Instant storedAt = START.plus(Duration.ofHours(i / 3));
            Timestamp delivered = direction == Direction.OUTBOUND && random.nextBoolean()
                    ? Timestamp.from(storedAt.plusSeconds(5)) : null;
            jdbc.update("insert into message_store (message_id, direction, partner, message_type, stored_at, sealed,"
                    + " plaintext_sealed, delivered_at, priority, classification, case_reference, sender)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "m-" + i, direction.name(),
                    PARTNERS.get(random.nextInt(PARTNERS.size())), TYPES.get(random.nextInt(TYPES.size())),
                    Timestamp.from(storedAt), new byte[] {1, 2, (byte) i}, new byte[] {9}, delivered,
                    PRIORITIES.get(random.nextInt(PRIORITIES.size())), "RESTRICTED",
                    random.nextInt(10) == 0 ? "CASE-2026/" + random.nextInt(3) : null, "ofast");
        }
        return jdbc;
    }

    /** Every row of the table, newest first, read plainly. */
    private static List<Row> everything(JdbcTemplate jdbc) {
        List<Row> rows = new ArrayList<>(jdbc.query("select * from message_store", (result, n) -> {
            Timestamp delivered = result.getTimestamp("delivered_at");
            return new Row(result.getLong("id"), result.getString("message_id"),
                    Direction.valueOf(result.getString("direction")), result.getString("partner"),
                    result.getString("message_type"), result.getTimestamp("stored_at").toInstant(),
                    result.getString("priority"), result.getString("classification"),
                    result.getString("case_reference"), delivered == null ? null : delivered.toInstant());
        }));
        rows.sort(Comparator.comparing(Row::storedAt).thenComparing(Row::id).reversed());
        return rows;
    }

    /** All pages of a search, following each page's key; checks each page's size on the way. */
    private static List<Row> allPages(MessageSearch search, DeskScope scope, Filter filter) {
        List<Row> rows = new ArrayList<>();
        MessageSearch.Key after = null;
        for (int pages = 0; pages < ROWS; pages++) {
            MessageSearch.Page page = search.page(scope, filter, after);
            rows.addAll(page.rows());
            if (page.next() == null) {
                assertThat(page.rows().size()).isLessThanOrEqualTo(MessageSearch.PAGE_SIZE);
                return rows;
            }
            assertThat(page.rows()).hasSize(MessageSearch.PAGE_SIZE);
            assertThat(page.next()).isEqualTo(page.rows().get(MessageSearch.PAGE_SIZE - 1).key());
            after = page.next();
        }
        throw new AssertionError("the pages never end");
    }

    private static List<Long> ids(List<Row> rows) {
        return rows.stream().map(Row::id).toList();
    }

    private static List<Long> expected(List<Row> all, Predicate<Row> condition) {
        return ids(all.stream().filter(condition).toList());
    }

    /** Pages through the whole table: every row once, newest first, ties on the instant broken by id. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void keysetPagesNeitherSkipNorRepeatARow(Databases database) {
        JdbcTemplate jdbc = filled(database);
        MessageSearch search = new MessageSearch(jdbc);
        List<Row> all = everything(jdbc);

        List<Row> paged = allPages(search, EVERYONE, NONE);

        assertThat(paged).hasSize(ROWS);
        assertThat(new HashSet<>(ids(paged))).hasSize(ROWS);
        assertThat(ids(paged)).isEqualTo(ids(all));
        assertThat(paged.get(0).storedAt()).isEqualTo(START.plus(Duration.ofHours(ROWS / 3 - 1)));
    }

    /** An officer sees only their desks' rows, one desk or several, and every one of them, in order. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void anOfficerSeesTheirDesksOnly(Databases database) {
        JdbcTemplate jdbc = filled(database);
        MessageSearch search = new MessageSearch(jdbc);
        List<Row> all = everything(jdbc);

        assertThat(ids(allPages(search, SPAIN_DESK, NONE)))
                .isEqualTo(expected(all, row -> row.partner().equals("spain")));
        assertThat(ids(allPages(search, SPAIN_AND_EUROPOL_DESKS, NONE)))
                .isEqualTo(expected(all, row -> !row.partner().equals("morocco")));
        Filter urgent = new Filter(null, null, null, null, "URGENT", null, null, null);
        assertThat(ids(allPages(search, SPAIN_AND_EUROPOL_DESKS, urgent)))
                .isEqualTo(expected(all, row -> !row.partner().equals("morocco") && row.priority().equals("URGENT")));
        assertThat(search.page(new DeskScope(false, Set.of()), NONE, null).rows()).isEmpty();
    }

    /** Asking for another desk's partner gives an empty list, as a partner without traffic would. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aPartnerFilterOutsideTheDesksGivesNothing(Databases database) {
        JdbcTemplate jdbc = filled(database);
        MessageSearch search = new MessageSearch(jdbc);
        Filter morocco = new Filter("morocco", null, null, null, null, null, null, null);

        MessageSearch.Page page = search.page(SPAIN_DESK, morocco, null);

        assertThat(page.rows()).isEmpty();
        assertThat(page.next()).isNull();
        assertThat(search.page(EVERYONE, morocco, null).rows()).isNotEmpty()
                .allSatisfy(row -> assertThat(row.partner()).isEqualTo("morocco"));
        assertThat(ids(allPages(search, SPAIN_AND_EUROPOL_DESKS, new Filter("europol", null, null, null, null,
                null, null, null)))).isEqualTo(expected(everything(jdbc), row -> row.partner().equals("europol")));
    }

    /** Each filter alone, then together, against the same selection made in Java. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void everyFilterSelectsWhatItSays(Databases database) {
        JdbcTemplate jdbc = filled(database);
        MessageSearch search = new MessageSearch(jdbc);
        List<Row> all = everything(jdbc);
        LocalDate second = LocalDate.of(2026, 3, 2);
        Instant secondStart = second.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant thirdStart = secondStart.plus(Duration.ofDays(1));

        assertThat(ids(allPages(search, EVERYONE, new Filter(null, Direction.INBOUND, null, null, null, null, null,
                null)))).isEqualTo(expected(all, row -> row.direction() == Direction.INBOUND)).isNotEmpty();
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, Status.QUEUED, null, null, null, null,
                null)))).isEqualTo(expected(all, row -> row.direction() == Direction.OUTBOUND
                        && row.deliveredAt() == null)).isNotEmpty();
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, Status.DELIVERED, null, null, null, null,
                null)))).isEqualTo(expected(all, row -> row.deliveredAt() != null)).isNotEmpty();
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, Status.RECEIVED, null, null, null, null,
                null)))).isEqualTo(expected(all, row -> row.direction() == Direction.INBOUND));
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, null, "ALERT", null, null, null,
                null)))).isEqualTo(expected(all, row -> row.messageType().equals("ALERT"))).isNotEmpty();
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, null, null, "IMMEDIATE", null, null,
                null)))).isEqualTo(expected(all, row -> row.priority().equals("IMMEDIATE"))).isNotEmpty();
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, null, null, null, null, null,
                "CASE-2026/1")))).isEqualTo(expected(all, row -> "CASE-2026/1".equals(row.caseReference())))
                .isNotEmpty();
        assertThat(search.page(EVERYONE, new Filter(null, null, null, null, null, null, null, "CASE-2026"), null)
                .rows()).as("the case reference is matched exactly, not as a prefix").isEmpty();
        // From and to are whole UTC days, both included: the rows stored at 00:00 of the second day are in, those
        // at 00:00 of the third day are out.
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, null, null, null, second, second,
                null)))).isEqualTo(expected(all, row -> !row.storedAt().isBefore(secondStart)
                        && row.storedAt().isBefore(thirdStart))).hasSize(72);
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, null, null, null, second, null,
                null)))).isEqualTo(expected(all, row -> !row.storedAt().isBefore(secondStart)));
        assertThat(ids(allPages(search, EVERYONE, new Filter(null, null, null, null, null, null, second,
                null)))).isEqualTo(expected(all, row -> row.storedAt().isBefore(thirdStart)));

        Filter together = new Filter("spain", Direction.OUTBOUND, Status.QUEUED, "INTEL_REPORT", null, second,
                LocalDate.of(2026, 3, 4), null);
        assertThat(ids(allPages(search, SPAIN_DESK, together))).isEqualTo(expected(all, row ->
                row.partner().equals("spain") && row.direction() == Direction.OUTBOUND && row.deliveredAt() == null
                        && row.messageType().equals("INTEL_REPORT") && !row.storedAt().isBefore(secondStart)
                        && row.storedAt().isBefore(Instant.parse("2026-03-05T00:00:00Z")))).isNotEmpty();
    }

    /**
     * A message's copies with their sealed bytes, and its timeline in order, including the partner's post that was
     * recorded before the envelope was opened: found by the digest of those very bytes, not another post's.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void theTimelineHasEveryRecordOfTheMessageAndItsPost(Databases database) {
        JdbcTemplate jdbc = new JdbcTemplate(database.fresh());
        byte[] sealed = "sealed by spain".getBytes(StandardCharsets.UTF_8);
        byte[] receipt = {4, 5, 6};
        jdbc.update("insert into message_store (message_id, direction, partner, message_type, stored_at, sealed,"
                + " plaintext_sealed, receipt) values ('m-in', 'INBOUND', 'spain', 'ALERT', ?, ?, ?, ?)",
                Timestamp.from(START), sealed, new byte[] {9}, receipt);
        String post = sealed.length + " bytes, sha256 " + Receipts.sha256Hex(sealed);
        audit(jdbc, 1, null, "INBOUND_RECEIVED", "spain", post);
        audit(jdbc, 2, null, "INBOUND_RECEIVED", "spain", "99 bytes, sha256 " + Receipts.sha256Hex(new byte[] {1}));
        audit(jdbc, 3, null, "INBOUND_RECEIVED", "morocco", post);
        audit(jdbc, 4, null, "INBOUND_OPENED", "spain", "signer CN=SAMPLE");
        audit(jdbc, 5, "m-in", "INBOUND_ROUTED", "spain", "by message type");
        audit(jdbc, 6, "m-other", "INBOUND_ROUTED", "spain", "by message type");
        audit(jdbc, 7, "m-in", "INBOUND_DELIVERED", "spain", "national.ofast.in");
        audit(jdbc, 8, "m-in", "RECEIPT_ISSUED", "spain", "receipt 3 bytes");
        MessageSearch search = new MessageSearch(jdbc);

        List<MessageSearch.Copy> copies = search.copies("m-in");
        List<MessageSearch.AuditEntry> timeline = search.timeline("m-in", copies);

        assertThat(copies).singleElement().satisfies(copy -> {
            assertThat(copy.sealed()).isEqualTo(sealed);
            assertThat(copy.receipt()).isEqualTo(receipt);
            assertThat(copy.row().status()).isEqualTo(Status.RECEIVED);
        });
        assertThat(timeline).extracting(MessageSearch.AuditEntry::seq).containsExactly(1L, 5L, 7L, 8L);
        assertThat(timeline.get(0).event()).isEqualTo("INBOUND_RECEIVED");
        assertThat(search.timeline("m-unknown", search.copies("m-unknown"))).isEmpty();
    }

    private static void audit(JdbcTemplate jdbc, long seq, String messageId, String event, String partner,
            String details) {
        jdbc.update("insert into audit_record (seq, recorded_at, message_id, event, actor, partner, details)"
                + " values (?, ?, ?, ?, 'gateway', ?, ?)", seq, Timestamp.from(START.plusSeconds(seq)), messageId,
                event, partner, details);
    }
}
