package fr.passerelle.gateway.persistence;

import javax.sql.DataSource;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The inbound replay guard lives in the database, not in memory, so that a messageId is accepted once across
 * restarts and across gateway instances. Flyway creates its table.
 */
@Configuration(proxyBeanMethods = false)
class ReplayGuardConfiguration {

    @Bean
    IdempotentRepository inboundReplays(DataSource dataSource) {
        JdbcMessageIdRepository repository = new JdbcMessageIdRepository(dataSource, "inbound");
        repository.setCreateTableIfNotExists(false);
        return repository;
    }
}
