package fr.passerelle.gateway.console.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.routes.audit.AuditEvent;

/**
 * Searches the audit trail, newest first, a page at a time. Pages are keyed on the sequence number (the records
 * older than the oldest shown, or newer than the newest), so a page stays right while records are appended and
 * costs the same at any depth of the trail.
 */
@Component
class AuditSearch {

    static final int PAGE_SIZE = 50;

    /**
     * What to look for; null or blank fields match everything. Dates are whole days in UTC, both included.
     */
    record Criteria(String messageId, AuditEvent event, String actor, String partner, LocalDate from, LocalDate to) {

        Criteria {
            messageId = blankToNull(messageId);
            actor = blankToNull(actor);
            partner = blankToNull(partner);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }

    /** One audit record as shown: the hashes are left out, the verification checks them. */
    record Entry(long seq, Instant recordedAt, String messageId, String event, String actor, String partner,
            String details) {
    }

    /**
     * One page.
     *
     * @param newer the sequence number to page on from towards newer records, or null when there are none
     * @param older the sequence number to page on from towards older records, or null when there are none
     */
    record Page(List<Entry> entries, Long newer, Long older) {
    }

    private final NamedParameterJdbcTemplate jdbc;

    AuditSearch(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The page of matching records just older than {@code before}, or just newer than {@code after}, or the
     * newest when neither is given.
     */
    Page search(Criteria criteria, DeskScope scope, Long before, Long after) {
        if (!scope.all() && scope.partners().isEmpty()) {
            return new Page(List.of(), null, null);
        }
        MapSqlParameterSource parameters = new MapSqlParameterSource();
        String where = where(criteria, scope, parameters);
        List<Entry> entries;
        if (after != null) {
            parameters.addValue("after", after);
            entries = new ArrayList<>(query(where + " and seq > :after order by seq asc", parameters));
            Collections.reverse(entries);
        } else if (before != null) {
            parameters.addValue("before", before);
            entries = query(where + " and seq < :before order by seq desc", parameters);
        } else {
            entries = query(where + " order by seq desc", parameters);
        }
        if (entries.isEmpty()) {
            // Paged past the end: offer the way back.
            return new Page(entries, before != null && exists(where, ">=", before, parameters) ? before - 1 : null,
                    after != null && exists(where, "<=", after, parameters) ? after + 1 : null);
        }
        long newest = entries.get(0).seq();
        long oldest = entries.get(entries.size() - 1).seq();
        return new Page(entries, exists(where, ">", newest, parameters) ? newest : null,
                exists(where, "<", oldest, parameters) ? oldest : null);
    }

    private static String where(Criteria criteria, DeskScope scope, MapSqlParameterSource parameters) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        if (criteria.messageId() != null) {
            where.append(" and message_id = :messageId");
            parameters.addValue("messageId", criteria.messageId());
        }
        if (criteria.event() != null) {
            where.append(" and event = :event");
            parameters.addValue("event", criteria.event().name());
        }
        if (criteria.actor() != null) {
            where.append(" and actor = :actor");
            parameters.addValue("actor", criteria.actor());
        }
        if (criteria.partner() != null) {
            where.append(" and partner = :partner");
            parameters.addValue("partner", criteria.partner());
        }
        if (!scope.all()) {
            where.append(" and partner in (:desks)");
            parameters.addValue("desks", scope.partners());
        }
        if (criteria.from() != null) {
            where.append(" and recorded_at >= :from");
            parameters.addValue("from", Timestamp.from(criteria.from().atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        if (criteria.to() != null) {
            where.append(" and recorded_at < :to");
            parameters.addValue("to", Timestamp.from(criteria.to().plusDays(1).atStartOfDay(ZoneOffset.UTC)
                    .toInstant()));
        }
        return where.toString();
    }

    private List<Entry> query(String where, MapSqlParameterSource parameters) {
        return jdbc.query("select seq, recorded_at, message_id, event, actor, partner, details from audit_record"
                + where + " fetch first " + PAGE_SIZE + " rows only", parameters, (row, n) -> new Entry(
                        row.getLong("seq"), row.getTimestamp("recorded_at").toInstant(), row.getString("message_id"),
                        row.getString("event"), row.getString("actor"), row.getString("partner"),
                        row.getString("details")));
    }

    /** Whether a matching record lies on that side of {@code seq}. */
    private boolean exists(String where, String side, long seq, MapSqlParameterSource parameters) {
        MapSqlParameterSource withSeq = new MapSqlParameterSource(parameters.getValues()).addValue("edge", seq);
        return !jdbc.queryForList("select seq from audit_record" + where + " and seq " + side + " :edge"
                + " fetch first 1 rows only", withSeq, Long.class).isEmpty();
    }
}
