package fr.passerelle.gateway.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.PartnerCollections;
import fr.passerelle.gateway.broker.PartnerCollections.Taken;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/**
 * Records what {@link PartnerCollections} heard: for each message a pull-queue partner took from its queue, the
 * delivery time of its stored copy (the console shows it {@code DELIVERED}; the SLA watch clears its alarm, or never
 * raises one) and the audit record {@code OUTBOUND_COLLECTED}, saying how it was taken. A delivery time the SLA
 * watch noted, when it found the message gone from the queue, gives way to the exact one.
 *
 * <p>{@link #record} runs every fraction of a second on a thread of its own, so that the broker never waits for the
 * database. A batch the database refuses is kept and written again at the next run; the log says when recording
 * stops and when it works again. At shutdown, {@link #close} closes the broker's TCP connections (no partner takes
 * anything after that) and records what is left.
 */
public class CollectedMessages implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CollectedMessages.class);

    /** How long {@link #close} waits for acknowledgements being committed when the connections closed. */
    static final Duration SETTLE = Duration.ofMillis(100);

    /** The most collections written in one go. */
    static final int BATCH = 1_000;

    private final PartnerCollections collections;
    private final JdbcTemplate jdbc;
    private final AuditTrail audit;
    private final EmbeddedBroker broker;
    /** Taken from {@link #collections} and not recorded yet: written first at the next run. */
    private final List<Taken> held = new ArrayList<>();
    private boolean failing;

    public CollectedMessages(PartnerCollections collections, JdbcTemplate jdbc, AuditTrail audit,
            EmbeddedBroker broker) {
        this.collections = collections;
        this.jdbc = jdbc;
        this.audit = audit;
        this.broker = broker;
    }

    /** Records every collection heard so far, in batches; stops at the first batch the database refuses. */
    public synchronized void record() {
        while (!held.isEmpty() || collections.drainTo(held, BATCH) > 0) {
            try {
                write(held);
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warn("Collections by partners cannot be recorded, tried again shortly; {} wait: {}",
                            held.size() + collections.waiting(), e.toString());
                    failing = true;
                }
                return;
            }
            if (failing) {
                LOG.info("Collections by partners are recorded again");
                failing = false;
            }
            held.clear();
        }
    }

    /**
     * The copies' delivery times, then the audit records: written again after a failure, the conditional update
     * changes nothing twice, and the audit records, all or none, are written once. The first collection recorded
     * for a copy sets its time, replacing any the SLA watch noted (the watch infers a delivery from a message it
     * no longer sees in the queue, which is also the case while a delivery is under way and may yet roll back); a
     * later collection of the same copy (a message queued twice) keeps the earlier time.
     */
    private void write(List<Taken> batch) {
        List<Object[]> rows = new ArrayList<>(batch.size());
        List<AuditTrail.Entry> entries = new ArrayList<>(batch.size());
        for (Taken taken : batch) {
            if (taken.messageId() != null) {
                Timestamp at = Timestamp.from(taken.at());
                rows.add(new Object[] {at, taken.messageId(), taken.partner(), at});
            }
            entries.add(new AuditTrail.Entry(taken.messageId(), AuditEvent.OUTBOUND_COLLECTED, taken.partner(),
                    taken.partner(), taken.details()));
        }
        jdbc.batchUpdate("update message_store m set delivered_at = ? where m.message_id = ?"
                + " and m.direction = 'OUTBOUND' and m.partner = ? and (m.delivered_at is null or m.delivered_at > ?"
                + " or not exists (select 1 from audit_record a where a.message_id = m.message_id"
                + " and a.partner = m.partner and a.event = 'OUTBOUND_COLLECTED'))", rows);
        audit.recordAll(entries);
    }

    /**
     * Closes the broker's TCP connections, so that nothing more is taken, and records what was: twice, the second
     * time a moment later, for an acknowledgement that was being committed as the connections closed.
     */
    @Override
    public void close() throws Exception {
        try {
            broker.closeTcp();
        } finally {
            record();
            Thread.sleep(SETTLE.toMillis());
            record();
        }
        int left;
        synchronized (this) {
            left = held.size() + collections.waiting();
        }
        if (left > 0) {
            LOG.warn("{} collections by partners were not recorded before shutdown: those messages stay QUEUED in the"
                    + " console and have no OUTBOUND_COLLECTED record", left);
        }
    }
}
