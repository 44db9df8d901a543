package fr.passerelle.gateway.sla;

import java.time.Clock;
import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.config.RepeatingTask;
import fr.passerelle.gateway.persistence.DatabaseAvailability;
import fr.passerelle.routes.audit.AuditTrail;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;

/** SLA alarms: the breaches in the database, the watch, its own scheduler, and the optional webhook. */
@Configuration(proxyBeanMethods = false)
class SlaConfiguration {

    @Bean
    SlaBreaches slaBreaches(JdbcTemplate jdbc) {
        return new SlaBreaches(jdbc);
    }

    @Bean
    SlaWatch slaWatch(SlaProperties sla, PasserelleProperties properties, SlaBreaches breaches,
            ConnectionFactory connectionFactory, AuditTrail audit, MeterRegistry registry, Clock clock,
            DatabaseAvailability database) {
        SlaProperties checked = sla.check();
        Set<String> pullPartners = properties.pullQueuePartners();
        SlaWebhook webhook = checked.webhook().url() == null ? null : new SlaWebhook(checked.webhook());
        SlaWatch watch = new SlaWatch(checked, breaches, new JmsPartnerQueues(connectionFactory), pullPartners,
                webhook, audit, registry, clock).watching(database);
        watch.bindTo(properties.partners().keySet());
        return watch;
    }

    /** The watch on a thread of its own, so that no other scheduled job holds an alarm back past its 60 s. */
    @Bean
    RepeatingTask slaScheduler(SlaWatch watch, SlaProperties sla) {
        return new RepeatingTask("sla-watch", sla.checkInterval(), watch::check);
    }
}
