package fr.passerelle.gateway.console.partners;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import fr.passerelle.routes.audit.AuditEvent;

/** When each partner last got a message from us and last sent us one. */
@Component
class PartnerActivity {

    /**
     * One partner's last exchanges; null where there was none.
     *
     * @param lastDelivery when its channel last took a message (a pushed-to partner), or when a message was last
     *     queued for it (a pull-queue partner)
     * @param lastReceived when it last sent us a message
     * @param lastTaken a pull-queue partner: when it last took a message from its queue, as the broker noted it;
     *     else null
     */
    record Activity(Instant lastDelivery, Instant lastReceived, Instant lastTaken) {

        static final Activity NONE = new Activity(null, null, null);
    }

    private final NamedParameterJdbcTemplate jdbc;

    PartnerActivity(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The activity of {@code partners}; for those in {@code pullQueue}, when a message was last queued for them is
     * looked up in the audit trail.
     */
    Map<String, Activity> of(Collection<String> partners, Collection<String> pullQueue) {
        Map<String, Activity> activity = new HashMap<>();
        if (partners.isEmpty()) {
            return activity;
        }
        MapSqlParameterSource parameters = new MapSqlParameterSource("partners", partners)
                .addValue("pullQueue", pullQueue)
                .addValue("queued", AuditEvent.OUTBOUND_QUEUED.name());
        Map<String, Instant> delivered = latest("select partner, max(delivered_at) as latest from message_store"
                + " where direction = 'OUTBOUND' and partner in (:partners) group by partner", parameters);
        Map<String, Instant> queued = pullQueue.isEmpty() ? Map.of() : latest("select partner,"
                + " max(recorded_at) as latest from audit_record where event = :queued and partner in (:pullQueue)"
                + " group by partner", parameters);
        Map<String, Instant> received = latest("select partner, max(stored_at) as latest from message_store"
                + " where direction = 'INBOUND' and partner in (:partners) group by partner", parameters);
        for (String partner : partners) {
            boolean pulls = pullQueue.contains(partner);
            activity.put(partner, new Activity(pulls ? queued.get(partner) : delivered.get(partner),
                    received.get(partner), pulls ? delivered.get(partner) : null));
        }
        return activity;
    }

    private Map<String, Instant> latest(String sql, MapSqlParameterSource parameters) {
        Map<String, Instant> latest = new HashMap<>();
        jdbc.query(sql, parameters, row -> {
            Timestamp at = row.getTimestamp("latest");
            if (at != null) {
                latest.put(row.getString("partner"), at.toInstant());
            }
        });
        return latest;
    }
}
