package fr.passerelle.gateway.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.connection.CachingConnectionFactory;

import fr.passerelle.gateway.broker.PartnerCollections;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

/**
 * Records the notes the broker writes on {@value PartnerCollections#QUEUE} when a pull-queue partner takes a message
 * from its queue ({@link PartnerCollections}): the delivery time of the stored copy (the console shows it
 * {@code DELIVERED}; the SLA watch clears its alarm, or never raises one) and the audit record
 * {@code OUTBOUND_COLLECTED}, saying how it was taken.
 *
 * <p>{@link #record} runs every fraction of a second on a thread of its own, over a connection of its own whose
 * consumer the broker may send notes ahead of asking (the gateway's other consumers take one message per request,
 * for priorities' sake, which would cost a round trip per note here). It takes the notes in batches, in a
 * broker transaction committed once the batch is in the database: a note the database refuses stays on the queue and
 * is recorded at a later run, and one whose gateway stops or crashes midway is recorded by the next run of any
 * gateway. The log says when recording stops working and when it works again.
 */
public class CollectedMessages implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CollectedMessages.class);

    /** The most notes recorded in one transaction. */
    static final int BATCH = 1_000;

    /**
     * One note: a partner took a message.
     *
     * @param messageId the envelope's messageId, or null when the message had none
     * @param partner the partner, whose own account took it
     * @param at when it acknowledged the message
     * @param how the queue, the protocol and the partner's address
     */
    record Taken(String messageId, String partner, Instant at, String how) {
    }

    /**
     * How long a run goes on taking batches: past it, the run ends after its batch and the next run takes the rest,
     * so that stopping the gateway never waits for a long backlog (the database away for a while) to be recorded.
     */
    static final Duration RUN_LIMIT = Duration.ofSeconds(1);

    private final CachingConnectionFactory broker;
    private final JdbcTemplate jdbc;
    private final AuditTrail audit;
    private final Duration runLimit;
    private boolean failing;

    /** @param broker the gateway's account on the broker, the consumer window left as Artemis has it */
    public CollectedMessages(ConnectionFactory broker, JdbcTemplate jdbc, AuditTrail audit) {
        this(broker, jdbc, audit, RUN_LIMIT);
    }

    CollectedMessages(ConnectionFactory broker, JdbcTemplate jdbc, AuditTrail audit, Duration runLimit) {
        this.broker = new CachingConnectionFactory(broker);
        this.jdbc = jdbc;
        this.audit = audit;
        this.runLimit = runLimit;
    }

    /** Closes its connection to the broker. */
    @Override
    public void close() {
        broker.destroy();
    }

    /**
     * Records the notes waiting, batch after batch, for {@link #RUN_LIMIT} at most; stops at the first batch that
     * cannot be recorded.
     */
    public synchronized void record() {
        long until = System.nanoTime() + runLimit.toNanos();
        try (Connection connection = broker.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer notes = session.createConsumer(session.createQueue(PartnerCollections.QUEUE))) {
                int taken;
                do {
                    List<Taken> batch = new ArrayList<>();
                    for (Message note; batch.size() < BATCH && (note = notes.receiveNoWait()) != null; ) {
                        batch.add(taken(note));
                    }
                    taken = batch.size();
                    if (taken > 0 && !recorded(batch, session)) {
                        return;
                    }
                } while (taken == BATCH && System.nanoTime() - until < 0);
            } finally {
                session.close();
            }
        } catch (JMSException e) {
            failed("the broker", e);
        }
    }

    /** Writes a batch and commits the notes; false (notes given back) when the database refused it. */
    private boolean recorded(List<Taken> batch, Session session) throws JMSException {
        try {
            write(batch);
        } catch (RuntimeException e) {
            session.rollback();
            failed("the database", e);
            return false;
        }
        session.commit();
        if (failing) {
            LOG.info("Collections by partners are recorded again");
            failing = false;
        }
        return true;
    }

    private void failed(String what, Exception e) {
        if (!failing) {
            LOG.warn("Collections by partners cannot be recorded, {} failed; they wait on {} and are tried again"
                    + " shortly: {}", what, PartnerCollections.QUEUE, e.toString());
            failing = true;
        }
    }

    private static Taken taken(Message note) throws JMSException {
        return new Taken(note.getStringProperty(Headers.MESSAGE_ID), note.getStringProperty(Headers.PARTNER),
                Instant.ofEpochMilli(note.getLongProperty(PartnerCollections.TAKEN_AT)),
                note.getStringProperty(PartnerCollections.HOW));
    }

    /**
     * The copies' delivery times, then the audit records (the broker transaction is committed after both). The first
     * collection recorded for a copy sets its time, replacing any the SLA watch noted (the watch infers a delivery
     * from a message it no longer sees in the queue, which is also the case while a delivery is under way and may yet
     * roll back); a later collection of the same copy (a message queued twice), in this batch or a later one, keeps
     * the earlier time. Each collection's record says how and when it was taken.
     *
     * <p>A note recorded before may come again: its batch was written, then the gateway stopped or the broker failed
     * over before the notes were taken off the queue. A note whose copy was not updated (its time is already set, or
     * the store no longer holds it) is looked for: when an {@code OUTBOUND_COLLECTED} record of its message and
     * partner has its details, time of the take included, it is not recorded twice. Only such notes cost a query; a
     * note of a message without a messageId (an operator's) is not looked for, and may be recorded twice.
     */
    private void write(List<Taken> batch) {
        // The earliest take of each copy sets its time: the rows' update cannot see the records of its own batch.
        Map<String, Taken> first = new LinkedHashMap<>();
        for (Taken taken : batch) {
            if (taken.messageId() != null) {
                first.merge(taken.messageId() + "\n" + taken.partner(), taken,
                        (one, other) -> other.at().isBefore(one.at()) ? other : one);
            }
        }
        List<Taken> updating = List.copyOf(first.values());
        List<Object[]> rows = new ArrayList<>(updating.size());
        for (Taken taken : updating) {
            Timestamp at = Timestamp.from(taken.at());
            rows.add(new Object[] {at, taken.messageId(), taken.partner(), at});
        }
        int[] updated = jdbc.batchUpdate("update message_store m set delivered_at = ? where m.message_id = ?"
                + " and m.direction = 'OUTBOUND' and m.partner = ? and (m.delivered_at is null or m.delivered_at > ?"
                + " or not exists (select 1 from audit_record a where a.message_id = m.message_id"
                + " and a.partner = m.partner and a.event = 'OUTBOUND_COLLECTED'))", rows);
        Set<Taken> copyUpdated = new HashSet<>();
        for (int i = 0; i < updated.length; i++) {
            if (updated[i] != 0) {
                copyUpdated.add(updating.get(i));
            }
        }
        List<AuditTrail.Entry> entries = new ArrayList<>(batch.size());
        for (Taken taken : batch) {
            String details = taken.how() + " at " + taken.at();
            // A copy updated now had no collection recorded after this take: the note is new.
            if (copyUpdated.contains(taken) || taken.messageId() == null || !recordedBefore(taken, details)) {
                entries.add(new AuditTrail.Entry(taken.messageId(), AuditEvent.OUTBOUND_COLLECTED, taken.partner(),
                        taken.partner(), details));
            }
        }
        audit.recordAll(entries);
    }

    /** Whether this very take was recorded before: a collection record of its message and partner has its details. */
    private boolean recordedBefore(Taken taken, String details) {
        Integer found = jdbc.queryForObject("select count(*) from audit_record where message_id = ? and partner = ?"
                + " and event = 'OUTBOUND_COLLECTED' and details = ?", Integer.class, taken.messageId(),
                taken.partner(), details);
        return found != null && found > 0;
    }
}
