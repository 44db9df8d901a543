package fr.passerelle.gateway.store;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

import fr.passerelle.gateway.config.InvalidConfigurationException;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/** The message store, its storage key, and the daily purge of messages past their retention. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(StoreConfiguration.class);

    @Bean
    StorageKey storageKey(PasserelleProperties properties) {
        PasserelleProperties.Store store = properties.store();
        try {
            return StorageKey.load(store.keyFile(), store.generateKey());
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidConfigurationException("passerelle.store.key-file", e.getMessage());
        }
    }

    @Bean
    JdbcMessageStore messageStore(JdbcTemplate jdbc, StorageKey key, Clock clock) {
        return new JdbcMessageStore(jdbc, key, clock);
    }

    @Bean
    RetentionPurge retentionPurge(JdbcTemplate jdbc, PasserelleProperties properties, Parties parties,
            AuditTrail audit, Clock clock) {
        return new RetentionPurge(jdbc, properties.store(), parties, audit, clock);
    }

    private record Stored(long id, String messageId, String direction, String messageType, Instant storedAt) {
    }

    /** Deletes stored messages past their partner's retention, auditing each one; the audit trail stays. */
    static final class RetentionPurge {

        private final JdbcTemplate jdbc;
        private final PasserelleProperties.Store store;
        private final Parties parties;
        private final AuditTrail audit;
        private final Clock clock;

        RetentionPurge(JdbcTemplate jdbc, PasserelleProperties.Store store, Parties parties, AuditTrail audit,
                Clock clock) {
            this.jdbc = jdbc;
            this.store = store;
            this.parties = parties;
            this.audit = audit;
            this.clock = clock;
        }

        @Scheduled(initialDelayString = "${passerelle.store.purge-initial-delay:PT1M}",
                fixedDelayString = "${passerelle.store.purge-interval:PT24H}")
        int purge() {
            int purged = 0;
            Instant now = clock.instant();
            for (String partner : parties.partners().keySet()) {
                int partnerDays = store.retentionDaysByPartner().getOrDefault(partner, store.retentionDays());
                // The shortest retention that applies wins: keeping intelligence longer than any rule allows is
                // the harm to avoid; the audit trail keeps the evidence of what was exchanged.
                int shortest = store.retentionDaysByType().values().stream().reduce(partnerDays, Math::min);
                List<Stored> candidates = jdbc.query("select id, message_id, direction, message_type, stored_at"
                        + " from message_store where partner = ? and stored_at < ?",
                        (row, n) -> new Stored(row.getLong("id"), row.getString("message_id"),
                                row.getString("direction"), row.getString("message_type"),
                                row.getTimestamp("stored_at").toInstant()),
                        partner, Timestamp.from(now.minus(Duration.ofDays(shortest))));
                for (Stored stored : candidates) {
                    int days = Math.min(partnerDays,
                            store.retentionDaysByType().getOrDefault(stored.messageType(), partnerDays));
                    if (stored.storedAt().isAfter(now.minus(Duration.ofDays(days)))) {
                        continue;
                    }
                    jdbc.update("delete from message_store where id = ?", stored.id());
                    audit.record(stored.messageId(), AuditEvent.MESSAGE_PURGED, "gateway", partner,
                            stored.direction() + " copy kept " + days + " days, retention reached");
                    purged++;
                }
            }
            if (purged > 0) {
                LOG.info("message store: purged {} messages past their retention", purged);
            }
            return purged;
        }
    }
}
