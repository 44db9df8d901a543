package fr.passerelle.gateway.console.dashboard;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.routes.store.MessageStore.Direction;

/** Messages exchanged per partner and direction since a given time, from the message store's clear columns. */
@Component
class TrafficCounts {

    /** One partner's figures. */
    record Traffic(long outbound, long inbound) {

        static final Traffic NONE = new Traffic(0, 0);

        public long total() {
            return outbound + inbound;
        }
    }

    private final NamedParameterJdbcTemplate jdbc;

    TrafficCounts(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The partners in {@code scope} that exchanged messages since {@code since}, with their figures. */
    Map<String, Traffic> since(DeskScope scope, Instant since) {
        Map<String, Traffic> traffic = new HashMap<>();
        if (!scope.all() && scope.partners().isEmpty()) {
            return traffic;
        }
        MapSqlParameterSource parameters = new MapSqlParameterSource("since", Timestamp.from(since))
                .addValue("partners", scope.partners());
        jdbc.query("select partner, direction, count(*) as messages from message_store where stored_at >= :since"
                + (scope.all() ? "" : " and partner in (:partners)") + " group by partner, direction",
                parameters, row -> {
                    Traffic before = traffic.getOrDefault(row.getString("partner"), Traffic.NONE);
                    long messages = row.getLong("messages");
                    traffic.put(row.getString("partner"), Direction.OUTBOUND.name().equals(row.getString("direction"))
                            ? new Traffic(messages, before.inbound()) : new Traffic(before.outbound(), messages));
                });
        return traffic;
    }
}
