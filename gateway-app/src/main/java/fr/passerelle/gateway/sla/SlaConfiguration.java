package fr.passerelle.gateway.sla;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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

    /** The channel type of partners that take their messages from their queue themselves. */
    static final String PULL_QUEUE = "pull-queue";

    @Bean
    SlaBreaches slaBreaches(JdbcTemplate jdbc) {
        return new SlaBreaches(jdbc);
    }

    @Bean
    SlaWatch slaWatch(SlaProperties sla, PasserelleProperties properties, SlaBreaches breaches,
            ConnectionFactory connectionFactory, AuditTrail audit, MeterRegistry registry, Clock clock,
            DatabaseAvailability database) {
        SlaProperties checked = sla.check();
        Set<String> pullPartners = properties.partners().entrySet().stream()
                .filter(partner -> PULL_QUEUE.equals(partner.getValue().channel().type()))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
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
