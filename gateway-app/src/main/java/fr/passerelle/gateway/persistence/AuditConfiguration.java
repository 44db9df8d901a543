package fr.passerelle.gateway.persistence;

import java.time.Clock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Fallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.PlatformTransactionManager;

import fr.passerelle.routes.Parties;
import fr.passerelle.routes.seal.CmsProfile;

/**
 * The audit trail, with signed checkpoints every {@code passerelle.audit.checkpoint-every} records and at
 * least every {@code passerelle.audit.checkpoint-interval} when records were added.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    /** The trail itself; what the flows are given is this trail counted (see the metrics configuration). */
    @Bean
    @Fallback
    JdbcAuditTrail auditTrail(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock,
            CmsProfile cms, Parties parties, @Value("${passerelle.audit.checkpoint-every:1000}") int checkpointEvery) {
        return new JdbcAuditTrail(jdbc, transactions, clock,
                statement -> cms.sign(statement, parties.identity().signing()), checkpointEvery);
    }

    @Bean
    PeriodicCheckpoint periodicCheckpoint(JdbcAuditTrail trail) {
        return new PeriodicCheckpoint(trail);
    }

    /** Signs the latest hash at intervals, so that a quiet period still ends under a signature. */
    static final class PeriodicCheckpoint {

        private final JdbcAuditTrail trail;

        PeriodicCheckpoint(JdbcAuditTrail trail) {
            this.trail = trail;
        }

        @Scheduled(initialDelayString = "${passerelle.audit.checkpoint-interval:PT1H}",
                fixedDelayString = "${passerelle.audit.checkpoint-interval:PT1H}")
        void checkpoint() {
            trail.checkpoint();
        }
    }
}
