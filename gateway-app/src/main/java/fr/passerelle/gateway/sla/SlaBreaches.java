package fr.passerelle.gateway.sla;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
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
     * {@code urgentBefore} that no partner acknowledged and no alarm was raised for, oldest first.
     */
    public List<Waiting> overdue(Instant immediateBefore, Instant urgentBefore) {
        return jdbc.query("select message_id, partner, priority, stored_at from message_store m"
                + " where m.direction = 'OUTBOUND' and m.delivered_at is null"
                + " and ((m.priority = 'IMMEDIATE' and m.stored_at < ?) or (m.priority = 'URGENT' and m.stored_at < ?))"
                + " and not exists (select 1 from sla_breach b where b.message_id = m.message_id"
                + " and b.partner = m.partner)"
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
     * Open breaches not yet posted to the webhook and not being posted by another instance: unclaimed, or claimed
     * before {@code claimedBefore} by an instance that did not finish.
     */
    public List<Breach> unposted(Instant claimedBefore) {
        return jdbc.query("select " + BREACH_COLUMNS + OPEN + " and b.notified_at is null"
                + " and (b.notify_claimed_at is null or b.notify_claimed_at < ?) order by b.raised_at"
                + " fetch first " + BATCH + " rows only", (row, n) -> breach(row), Timestamp.from(claimedBefore));
    }

    /** Takes the right to post a breach to the webhook; false when another instance holds it or has posted it. */
    public boolean claimPost(Breach breach, Instant now, Instant claimedBefore) {
        return jdbc.update("update sla_breach set notify_claimed_at = ? where message_id = ? and partner = ?"
                + " and notified_at is null and (notify_claimed_at is null or notify_claimed_at < ?)",
                Timestamp.from(now), breach.messageId(), breach.partner(), Timestamp.from(claimedBefore)) == 1;
    }

    /** Records that the webhook accepted a breach. */
    public void posted(Breach breach, Instant at) {
        jdbc.update("update sla_breach set notified_at = ? where message_id = ? and partner = ?", Timestamp.from(at),
                breach.messageId(), breach.partner());
    }

    /** Gives up the right to post a breach after a failed post, so that the next check tries again. */
    public void releasePost(Breach breach) {
        jdbc.update("update sla_breach set notify_claimed_at = null where message_id = ? and partner = ?"
                + " and notified_at is null", breach.messageId(), breach.partner());
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
