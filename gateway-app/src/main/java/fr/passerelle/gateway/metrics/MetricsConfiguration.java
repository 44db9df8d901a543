package fr.passerelle.gateway.metrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.PartnerCollections;
import fr.passerelle.gateway.broker.QueueDepths;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.persistence.DatabaseAvailability;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.channel.ChannelHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * What operators watch: every audited step counted ({@link MeteredAuditTrail}), the depth of every queue, the
 * state of every partner channel, and the audit chain's last signed checkpoint in health.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    AuditTrail meteredAuditTrail(JdbcAuditTrail trail, MeterRegistry registry, PasserelleProperties properties) {
        List<String> pushed = properties.partners().entrySet().stream()
                .filter(partner -> !partner.getValue().channel().pullQueue()).map(Map.Entry::getKey).toList();
        return new MeteredAuditTrail(trail, registry).fromZero(properties.partners().keySet(), pushed);
    }

    /** {@code passerelle.queue.depth{queue}}: every national, partner, review and quarantine queue. */
    @Bean
    MeterBinder queueDepths(QueueDepths broker, Parties parties) {
        List<String> queues = new ArrayList<>();
        for (String service : parties.services()) {
            queues.add("national." + service + ".out");
            queues.add("national." + service + ".in");
        }
        parties.partners().keySet().forEach(partner -> queues.add("partner." + partner + ".out"));
        queues.add(EmbeddedBroker.REVIEW);
        queues.add(EmbeddedBroker.QUARANTINE);
        queues.add(PartnerCollections.QUEUE);
        return registry -> queues.forEach(queue -> Gauge.builder("passerelle.queue.depth", broker,
                b -> depth(b, queue)).description("Messages waiting in a queue").tag("queue", queue)
                .register(registry));
    }

    /** {@code passerelle.channel.state{partner}}: 1 UP, 0.5 DEGRADED, 0 DOWN, for every pushed-to partner. */
    @Bean
    MeterBinder channelStates(ChannelHealth health, PasserelleProperties properties) {
        return registry -> properties.partners().forEach((partner, configured) -> {
            if (!configured.channel().pullQueue()) {
                Gauge.builder("passerelle.channel.state", health, h -> state(h, partner))
                        .description("A partner channel's state: 1 up, 0.5 degraded, 0 down")
                        .tag("partner", partner).register(registry);
            }
        });
    }

    private static double state(ChannelHealth health, String partner) {
        ChannelHealth.State state = health.states().get(partner);
        if (state == null) {
            return Double.NaN;
        }
        return switch (state.status()) {
            case UP -> 1.0;
            case DEGRADED -> 0.5;
            case DOWN -> 0.0;
        };
    }

    @Bean
    AuditChainState auditChainState(JdbcTemplate jdbc, Clock clock) {
        return new AuditChainState(jdbc, clock);
    }

    /** {@code auditChain} in health: the last signed checkpoint, and how many records follow it unsigned. */
    @Bean
    HealthIndicator auditChainHealthIndicator(AuditChainState chain) {
        return () -> {
            AuditChainState.Snapshot state = chain.snapshot();
            Health.Builder health = Health.up().withDetail("records", state.records());
            if (state.checkpointSeq() == null) {
                return health.withDetail("lastCheckpoint", "none yet").build();
            }
            return health.withDetail("lastCheckpointSeq", state.checkpointSeq())
                    .withDetail("lastCheckpointAt", state.checkpointAt().toString())
                    .withDetail("recordsSinceCheckpoint", state.unsigned()).build();
        };
    }

    /**
     * {@code passerelle.audit.records.unsigned}: records chained since the last signed checkpoint; {@code
     * passerelle.audit.checkpoint.age}: seconds since it was signed (NaN before the first).
     */
    @Bean
    MeterBinder auditChainMeters(AuditChainState chain) {
        return registry -> {
            Gauge.builder("passerelle.audit.records.unsigned", chain, c -> c.snapshot().unsigned())
                    .description("Audit records chained since the last signed checkpoint").register(registry);
            Gauge.builder("passerelle.audit.checkpoint.age", chain, AuditChainState::checkpointAgeSeconds)
                    .description("Time since the audit chain's last signed checkpoint").baseUnit("seconds")
                    .register(registry);
        };
    }

    /**
     * {@code passerelle.database.reachable}: 0 from a failure that says the database cannot be reached until it
     * answers again (the consumers wait meanwhile, partners are answered 503), else 1.
     */
    @Bean
    MeterBinder databaseMeters(DatabaseAvailability database) {
        return registry -> Gauge.builder("passerelle.database.reachable", database, d -> d.down() ? 0 : 1)
                .description("1 while the gateway reaches its database, 0 while its consumers wait for it")
                .register(registry);
    }

    /** NaN while the broker cannot be asked (stopping, or an external pair failing over). */
    private static double depth(QueueDepths broker, String queue) {
        try {
            return broker.messageCount(queue);
        } catch (IllegalStateException e) {
            return Double.NaN;
        }
    }
}
