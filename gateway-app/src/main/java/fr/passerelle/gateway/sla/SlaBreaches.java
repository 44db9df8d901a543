package fr.passerelle.gateway.sla;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The SLA breaches in the database ({@code sla_breach}), and the outbound copies of the message store they are
 * about. Every change is one conditional statement, so that gateway instances sharing the database raise, clear and
 * post each breach once: the insert or update that changes a row wins, the others change nothing.
 */
public class SlaBreaches {

    /** The most rows one check looks at, so that a long backlog is worked through over several checks. */
    static final int BATCH = 500;

    /**
     * An outbound copy not acknowledged by its partner.
     *
     * @param messageId the envelope's messageId
     * @param partner the partner it waits for
     * @param priority URGENT or IMMEDIATE
     * @param storedAt when it was sealed and stored for that partner
     */
    public record Waiting(String messageId, String partner, String priority, Instant storedAt) {
    }

    /**
     * A breach not cleared yet, with the delivery its copy has since recorded, if any.
     *
     * @param breach the breach
     * @param deliveredAt when the partner's channel took the message, or null while it still waits
     */
    public record Open(Breach breach, Instant deliveredAt) {
    }

    private static final String BREACH_COLUMNS = "b.message_id, b.partner, b.priority, b.stored_at, b.deadline,"
            + " b.raised_at";
    /** Open breaches whose copy is still kept: a copy purged at the end of its retention takes its breach along. */
    private static final String OPEN = " from sla_breach b join message_store m on m.message_id = b.message_id"
            + " and m.partner = b.partner and m.direction = 'OUTBOUND' where b.cleared_at is null";

    private final JdbcTemplate jdbc;

    public SlaBreaches(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Outbound copies of IMMEDIATE messages stored before {@code immediateBefore} and URGENT ones stored before
     * {@code urgentBefore} that were queued for their partner, that no partner acknowledged and no alarm was raised
     * for, oldest first. A copy stored but never queued (its message was quarantined when sealing for another of
     * its recipients failed) waits for no partner: it is neither overdue nor, being in no queue, taken.
     */
    public List<Waiting> overdue(Instant immediateBefore, Instant urgentBefore) {
        return jdbc.query("select message_id, partner, priority, stored_at from message_store m"
                + " where m.direction = 'OUTBOUND' and m.delivered_at is null"
                + " and ((m.priority = 'IMMEDIATE' and m.stored_at < ?) or (m.priority = 'URGENT' and m.stored_at < ?))"
                + " and not exists (select 1 from sla_breach b where b.message_id = m.message_id"
                + " and b.partner = m.partner)"
                + " and exists (select 1 from audit_record a where a.message_id = m.message_id"
                + " and a.partner = m.partner and a.event = 'OUTBOUND_QUEUED')"
                + " order by m.stored_at fetch first " + BATCH + " rows only",
                (row, n) -> new Waiting(row.getString("message_id"), row.getString("partner"),
                        row.getString("priority"), instant(row, "stored_at")),
                Timestamp.from(immediateBefore), Timestamp.from(urgentBefore));
    }

    /** Records a breach; false when it was already recorded (by this gateway or another one). */
    public boolean raise(Breach breach) {
        try {
            jdbc.update("insert into sla_breach (message_id, partner, priority, stored_at, deadline, raised_at)"
                    + " values (?, ?, ?, ?, ?, ?)", breach.messageId(), breach.partner(), breach.priority(),
                    Timestamp.from(breach.storedAt()), Timestamp.from(breach.deadline()),
                    Timestamp.from(breach.raisedAt()));
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** The breaches not cleared yet, oldest first. */
    public List<Open> open() {
        return jdbc.query("select " + BREACH_COLUMNS + ", m.delivered_at" + OPEN + " order by b.raised_at"
                + " fetch first " + BATCH + " rows only",
                (row, n) -> new Open(breach(row), instant(row, "delivered_at")));
    }

    /** The open breaches, for people: oldest first, at most {@code limit}. */
    public List<Breach> openBreaches(int limit) {
        return jdbc.query("select " + BREACH_COLUMNS + OPEN + " order by b.raised_at fetch first " + limit
                + " rows only", (row, n) -> breach(row));
    }

    /** How many breaches are open, by partner. */
    public Map<String, Long> openByPartner() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("select b.partner, count(*) as breaches" + OPEN + " group by b.partner order by b.partner",
                row -> {
                    counts.put(row.getString("partner"), row.getLong("breaches"));
                });
        return counts;
    }

    /** Clears an open breach; false when it was already cleared (by this gateway or another one). */
    public boolean clear(String messageId, String partner, Instant at) {
        return jdbc.update("update sla_breach set cleared_at = ? where message_id = ? and partner = ?"
                + " and cleared_at is null", Timestamp.from(at), messageId, partner) == 1;
    }

    /**
     * Records that a pull-queue partner took an outbound copy from its queue, noticed at {@code at}; a delivery
     * already recorded is kept.
     */
    public void acknowledged(String messageId, String partner, Instant at) {
        jdbc.update("update message_store set delivered_at = ? where message_id = ? and direction = 'OUTBOUND'"
                + " and partner = ? and delivered_at is null", Timestamp.from(at), messageId, partner);
    }

    /**
     * What the webhook is told about a breach: that the alarm was raised, or that it cleared. Each has its own
     * columns: when the webhook accepted it, and the short lease of the instance posting it.
     */
    public enum Notice {
        ALARM("notified_at", "notify_claimed_at"),
        CLEARANCE("clear_notified_at", "clear_notify_claimed_at");

        private final String posted;
        private final String claimed;

        Notice(String posted, String claimed) {
            this.posted = posted;
            this.claimed = claimed;
        }
    }

    /**
     * An alarm that cleared.
     *
     * @param breach the breach
     * @param acknowledgedAt when its partner acknowledged the message
     */
    public record Clearance(Breach breach, Instant acknowledgedAt) {

        /** How long the message had waited when its partner acknowledged it, in whole seconds. */
        public Duration waited() {
            return Duration.between(breach.storedAt(), acknowledgedAt).truncatedTo(ChronoUnit.SECONDS);
        }
    }

    /**
     * Open breaches not yet posted to the webhook and not being posted by another instance: unclaimed, or claimed
     * before {@code claimedBefore} by an instance that did not finish.
     */
    public List<Breach> unposted(Instant claimedBefore) {
        return jdbc.query("select " + BREACH_COLUMNS + OPEN + " and b.notified_at is null"
                + " and (b.notify_claimed_at is null or b.notify_claimed_at < ?) order by b.raised_at"
                + " fetch first " + BATCH + " rows only", (row, n) -> breach(row), Timestamp.from(claimedBefore));
    }

    /**
     * Cleared breaches whose alarm the webhook accepted, not yet told that they cleared, and not being told by
     * another instance. An alarm that cleared before the webhook accepted it is never posted, nor is its clearance.
     * The acknowledgement is the delivery the copy records, or the clearing when the copy is no longer kept.
     */
    public List<Clearance> unpostedClearances(Instant claimedBefore) {
        return jdbc.query("select " + BREACH_COLUMNS + ", coalesce(m.delivered_at, b.cleared_at) as acknowledged_at"
                + " from sla_breach b left join message_store m on m.message_id = b.message_id"
                + " and m.partner = b.partner and m.direction = 'OUTBOUND'"
                + " where b.cleared_at is not null and b.notified_at is not null and b.clear_notified_at is null"
                + " and (b.clear_notify_claimed_at is null or b.clear_notify_claimed_at < ?) order by b.cleared_at"
                + " fetch first " + BATCH + " rows only",
                (row, n) -> new Clearance(breach(row), instant(row, "acknowledged_at")),
                Timestamp.from(claimedBefore));
    }

    /** Takes the right to post a notice; false when another instance holds it or has posted it. */
    public boolean claimPost(Notice notice, Breach breach, Instant now, Instant claimedBefore) {
        return jdbc.update("update sla_breach set " + notice.claimed + " = ? where message_id = ? and partner = ?"
                + " and " + notice.posted + " is null and (" + notice.claimed + " is null or " + notice.claimed
                + " < ?)", Timestamp.from(now), breach.messageId(), breach.partner(),
                Timestamp.from(claimedBefore)) == 1;
    }

    /** Records that the webhook accepted a notice. */
    public void posted(Notice notice, Breach breach, Instant at) {
        jdbc.update("update sla_breach set " + notice.posted + " = ? where message_id = ? and partner = ?",
                Timestamp.from(at), breach.messageId(), breach.partner());
    }

    /** Gives up the right to post a notice after a failed post, so that the next check tries again. */
    public void releasePost(Notice notice, Breach breach) {
        jdbc.update("update sla_breach set " + notice.claimed + " = null where message_id = ? and partner = ?"
                + " and " + notice.posted + " is null", breach.messageId(), breach.partner());
    }

    private static Breach breach(ResultSet row) throws SQLException {
        return new Breach(row.getString("message_id"), row.getString("partner"), row.getString("priority"),
                instant(row, "stored_at"), instant(row, "deadline"), instant(row, "raised_at"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp timestamp = row.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
