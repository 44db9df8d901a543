package fr.passerelle.gateway.console.messages;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.store.MessageStore.Direction;

/**
 * Reads what the console lists about stored messages, from the header columns of {@code message_store} and from
 * {@code audit_record}: never the encrypted plaintext. Lists page by key (stored_at, id), newest first, so that a
 * page costs the same at the millionth row as at the first; every list is limited to the desks the user sees.
 */
@Component
class MessageSearch {

    /** Rows per page. */
    static final int PAGE_SIZE = 25;

    /**
     * How far before a message's first audit record the look-up for its inbound receipt goes, in records: between
     * a partner's post (recorded before the envelope is opened, so without messageId) and the routing of that
     * message, only the records of the messages handled in the meantime are written.
     */
    static final int RECEIPT_WINDOW = 10_000;

    private static final String COLUMNS = "id, message_id, direction, partner, message_type, stored_at, priority,"
            + " classification, case_reference, delivered_at";

    private static final String ORDER_BY_PARTNER = " order by partner desc, stored_at desc, id desc";

    /** Where a stored copy stands, as the list shows it. */
    enum Status {
        /** Outbound, not (yet) taken by the partner's channel; a pull-queue partner's copies stay here. */
        QUEUED,
        /** Outbound, taken by the partner's channel. */
        DELIVERED,
        /** Inbound: received from the partner. */
        RECEIVED
    }

    /**
     * The list's filters; a null field does not filter.
     *
     * @param from first day (UTC) included
     * @param to last day (UTC) included
     * @param caseReference matched exactly
     */
    record Filter(String partner, Direction direction, Status status, String messageType, String priority,
            LocalDate from, LocalDate to, String caseReference) {
    }

    /** The position of a row in the list: the next page starts just after it. */
    record Key(Instant storedAt, long id) {
    }

    /** One stored copy, header columns only; what the templates call is public, as SpEL requires. */
    record Row(long id, String messageId, Direction direction, String partner, String messageType, Instant storedAt,
            String priority, String classification, String caseReference, Instant deliveredAt) {

        public Status status() {
            if (direction == Direction.INBOUND) {
                return Status.RECEIVED;
            }
            return deliveredAt == null ? Status.QUEUED : Status.DELIVERED;
        }

        Key key() {
            return new Key(storedAt, id);
        }

        public String time() {
            return Display.time(storedAt);
        }
    }

    /**
     * One page of the list.
     *
     * @param next the key of the last row when older rows may follow, else null
     */
    record Page(List<Row> rows, Key next) {
    }

    /**
     * What is kept of one stored copy besides its plaintext: the sealed bytes as exchanged and the receipt.
     *
     * @param receipt the receipt's bytes, or null when none is stored
     */
    record Copy(Row row, byte[] sealed, byte[] receipt) {
    }

    /** One audit record; what the templates call is public, as SpEL requires. */
    record AuditEntry(long seq, Instant recordedAt, String messageId, String event, String actor, String partner,
            String details) {

        public String time() {
            return Display.time(recordedAt);
        }

        /** What the event means, for a person; empty for an event this version does not know. */
        public String meaning() {
            for (AuditEvent known : AuditEvent.values()) {
                if (known.name().equals(event)) {
                    return known.description();
                }
            }
            return "";
        }
    }

    private final JdbcTemplate jdbc;

    MessageSearch(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A page of the stored copies the scope sees that pass the filter, newest first, starting after {@code after}
     * (null: the newest). A partner filter outside the scope gives an empty page: the same as a partner without
     * traffic.
     */
    Page page(DeskScope scope, Filter filter, Key after) {
        List<Row> rows;
        if (filter.partner() != null) {
            rows = scope.sees(filter.partner()) ? query(filter.partner(), filter, after) : List.of();
        } else if (scope.all()) {
            rows = query(null, filter, after);
        } else {
            rows = queryEach(new TreeSet<>(scope.partners()), filter, after);
        }
        if (rows.size() > PAGE_SIZE) {
            List<Row> shown = rows.subList(0, PAGE_SIZE);
            return new Page(List.copyOf(shown), shown.get(PAGE_SIZE - 1).key());
        }
        return new Page(rows, null);
    }

    /**
     * One partner's rows (or every partner's when null), newest first. With a partner, the index (partner,
     * stored_at, id) hands the rows over in order from the key on and the scan stops after a page; ordering by the
     * partner too, though it is one value, is what lets H2 see that, as PostgreSQL does anyway. Without a partner,
     * the index on stored_at does the same, the id only ordering the rows stored at one instant.
     */
    private List<Row> query(String partner, Filter filter, Key after) {
        List<Object> arguments = new ArrayList<>();
        String sql = "select " + COLUMNS + " from message_store where " + conditions(partner, filter, after, arguments)
                + (partner == null ? " order by stored_at desc, id desc" : ORDER_BY_PARTNER) + " limit ?";
        arguments.add(PAGE_SIZE + 1);
        return jdbc.query(sql, MessageSearch::row, arguments.toArray());
    }

    /**
     * Several desks' rows: one ordered, limited scan of the (partner, stored_at, id) index per desk, merged. A
     * single {@code partner in (...)} scan would read every row of those desks to find the newest.
     */
    private List<Row> queryEach(Set<String> partners, Filter filter, Key after) {
        if (partners.isEmpty()) {
            return List.of();
        }
        List<Object> arguments = new ArrayList<>();
        List<String> branches = new ArrayList<>();
        for (String partner : partners) {
            branches.add("(select " + COLUMNS + " from message_store where "
                    + conditions(partner, filter, after, arguments) + ORDER_BY_PARTNER + " limit ?)");
            arguments.add(PAGE_SIZE + 1);
        }
        arguments.add(PAGE_SIZE + 1);
        String sql = "select " + COLUMNS + " from (" + String.join(" union all ", branches)
                + ") desks order by stored_at desc, id desc limit ?";
        return jdbc.query(sql, MessageSearch::row, arguments.toArray());
    }

    private static String conditions(String partner, Filter filter, Key after, List<Object> arguments) {
        List<String> conditions = new ArrayList<>();
        conditions.add("1 = 1");
        if (partner != null) {
            conditions.add("partner = ?");
            arguments.add(partner);
        }
        if (filter.direction() != null) {
            conditions.add("direction = ?");
            arguments.add(filter.direction().name());
        }
        if (filter.status() != null) {
            conditions.add(switch (filter.status()) {
                case QUEUED -> "direction = 'OUTBOUND' and delivered_at is null";
                case DELIVERED -> "delivered_at is not null";
                case RECEIVED -> "direction = 'INBOUND'";
            });
        }
        if (filter.messageType() != null) {
            conditions.add("message_type = ?");
            arguments.add(filter.messageType());
        }
        if (filter.priority() != null) {
            conditions.add("priority = ?");
            arguments.add(filter.priority());
        }
        if (filter.caseReference() != null) {
            conditions.add("case_reference = ?");
            arguments.add(filter.caseReference());
        }
        if (filter.from() != null) {
            conditions.add("stored_at >= ?");
            arguments.add(Timestamp.from(filter.from().atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        if (filter.to() != null) {
            conditions.add("stored_at < ?");
            arguments.add(Timestamp.from(filter.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        if (after != null) {
            // Spelled out rather than as a row comparison, so that both databases bound the index scan by
            // stored_at and only test the id among rows stored at the same instant.
            conditions.add("stored_at <= ? and (stored_at < ? or id < ?)");
            Timestamp at = Timestamp.from(after.storedAt());
            arguments.add(at);
            arguments.add(at);
            arguments.add(after.id());
        }
        return String.join(" and ", conditions);
    }

    /** Every stored copy of a message, oldest first, with its sealed bytes and receipt; no plaintext. */
    List<Copy> copies(String messageId) {
        return jdbc.query("select " + COLUMNS + ", sealed, receipt from message_store where message_id = ? order by id",
                (result, n) -> new Copy(row(result, n), result.getBytes("sealed"), result.getBytes("receipt")),
                messageId);
    }

    /**
     * The audit records of a message, in order. A partner's post is recorded before the envelope is opened, so
     * without its messageId: for each inbound copy, the post of exactly those sealed bytes is found by the digest
     * its record names.
     */
    List<AuditEntry> timeline(String messageId, List<Copy> copies) {
        List<AuditEntry> entries = new ArrayList<>(jdbc.query("select seq, recorded_at, message_id, event, actor,"
                + " partner, details from audit_record where message_id = ? order by seq", MessageSearch::entry,
                messageId));
        if (entries.isEmpty()) {
            return entries;
        }
        long first = entries.get(0).seq();
        for (Copy copy : copies) {
            if (copy.row().direction() == Direction.INBOUND) {
                entries.addAll(jdbc.query("select seq, recorded_at, message_id, event, actor, partner, details"
                        + " from audit_record where seq between ? and ? and message_id is null and event = ?"
                        + " and partner = ? and details = ?", MessageSearch::entry, first - RECEIPT_WINDOW, first,
                        AuditEvent.INBOUND_RECEIVED.name(), copy.row().partner(),
                        copy.sealed().length + " bytes, sha256 " + Receipts.sha256Hex(copy.sealed())));
            }
        }
        entries.sort(Comparator.comparingLong(AuditEntry::seq));
        return entries;
    }

    private static Row row(ResultSet result, int n) throws SQLException {
        Timestamp delivered = result.getTimestamp("delivered_at");
        return new Row(result.getLong("id"), result.getString("message_id"),
                Direction.valueOf(result.getString("direction")), result.getString("partner"),
                result.getString("message_type"), result.getTimestamp("stored_at").toInstant(),
                result.getString("priority"), result.getString("classification"), result.getString("case_reference"),
                delivered == null ? null : delivered.toInstant());
    }

    private static AuditEntry entry(ResultSet result, int n) throws SQLException {
        return new AuditEntry(result.getLong("seq"), result.getTimestamp("recorded_at").toInstant(),
                result.getString("message_id"), result.getString("event"), result.getString("actor"),
                result.getString("partner"), result.getString("details"));
    }
}
