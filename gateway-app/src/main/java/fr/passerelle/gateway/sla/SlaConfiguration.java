package fr.passerelle.gateway.sla;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.config.PasserelleProperties;
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
            ConnectionFactory connectionFactory, AuditTrail audit, MeterRegistry registry, Clock clock) {
        SlaProperties checked = sla.check();
        Set<String> pullPartners = properties.partners().entrySet().stream()
                .filter(partner -> PULL_QUEUE.equals(partner.getValue().channel().type()))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        SlaWebhook webhook = checked.webhook().url() == null ? null : new SlaWebhook(checked.webhook());
        SlaWatch watch = new SlaWatch(checked, breaches, new JmsPartnerQueues(connectionFactory), pullPartners,
                webhook, audit, registry, clock);
        watch.bindTo(properties.partners().keySet());
        return watch;
    }

    @Bean
    SlaScheduler slaScheduler(SlaWatch watch, SlaProperties sla) {
        return new SlaScheduler(watch, sla.checkInterval());
    }
}
