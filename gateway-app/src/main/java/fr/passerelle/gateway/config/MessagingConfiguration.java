package fr.passerelle.gateway.config;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spi.IdempotentRepository;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.connection.CachingConnectionFactory;

import fr.passerelle.gateway.broker.BrokerSettings;
import fr.passerelle.gateway.broker.BrokerStartException;
import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.ExternalBroker;
import fr.passerelle.gateway.broker.ManagedQueueDepths;
import fr.passerelle.gateway.broker.PartnerCollections;
import fr.passerelle.gateway.persistence.DatabaseAvailability;
import fr.passerelle.gateway.store.CollectedMessages;
import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.StageTimings;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.inbound.CaseRegistry;
import fr.passerelle.routes.inbound.InboundRoutes;
import fr.passerelle.routes.inbound.InboundRouting;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.outbound.OutboundRoutes;
import fr.passerelle.routes.policy.PartnerRules;
import fr.passerelle.routes.review.ReviewDecisions;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.SecurityProfiles;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.validate.EnvelopeReader;
import jakarta.jms.ConnectionFactory;

/**
 * The broker, the gateway's own connection to it, and the Camel routes.
 *
 * <p>Embedded mode (the default): the gateway runs its broker and connects in-VM with an internal account whose
 * password is drawn at random at every start and never leaves the process. External mode: the gateway connects over
 * TCP to the brokers of {@code passerelle.broker.url} (a replicated pair, shared by several gateways as competing
 * consumers) with the configured password of the same account, and asks them for queue depths by management.
 */
@Configuration(proxyBeanMethods = false)
class MessagingConfiguration {

    static final String GATEWAY_USER = BrokerSettings.GATEWAY_USER;
    static final String QUARANTINE = "jms:queue:gateway.quarantine";

    /** How often what pull-queue partners took is recorded: the console and the SLA watch see it that late. */
    static final Duration COLLECTIONS_INTERVAL = Duration.ofMillis(250);

    /** How long a queue depth question to an external broker may wait for its answer. */
    static final Duration DEPTH_TIMEOUT = Duration.ofSeconds(2);

    /** The broker in the gateway's process; any mode other than external, so that a bad mode is reported by name. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${passerelle.broker.mode:embedded}' != 'external'")
    static class Embedded {

        private final String gatewayPassword = BrokerAccounts.gatewayPassword();

        @Bean(destroyMethod = "stop")
        EmbeddedBroker embeddedBroker(PasserelleProperties properties) throws Exception {
            PasserelleProperties.Broker broker = properties.broker();
            Map<String, String> passwords = BrokerAccounts.passwords(properties);
            EmbeddedBroker embedded = new EmbeddedBroker(new BrokerSettings(broker.host(), broker.port(),
                    broker.dataDirectory(), properties.services(), List.copyOf(properties.partners().keySet()),
                    passwords, GATEWAY_USER, gatewayPassword, broker.maxDeliveryAttempts(),
                    broker.checkedJournalBufferTimeout()), new PartnerCollections());
            try {
                embedded.start();
            } catch (BrokerStartException e) {
                throw new InvalidConfigurationException(e.portInUse() ? "passerelle.broker.port"
                        : "passerelle.broker.data-directory", e.getMessage());
            }
            return embedded;
        }

        /** Records the notes the broker writes when a pull-queue partner takes a message. */
        @Bean(destroyMethod = "close")
        CollectedMessages collectedMessages(EmbeddedBroker broker, JdbcTemplate jdbc, AuditTrail audit) {
            return new CollectedMessages(new ActiveMQConnectionFactory(broker.inVmUrl(), GATEWAY_USER,
                    gatewayPassword), jdbc, audit);
        }

        @Bean(destroyMethod = "destroy")
        CachingConnectionFactory connectionFactory(EmbeddedBroker broker) {
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.inVmUrl(), GATEWAY_USER,
                    gatewayPassword);
            factory.setConsumerWindowSize(BrokerSettings.CONSUMER_WINDOW_SIZE);
            return caching(factory);
        }
    }

    /** Brokers outside the gateway's process, usually a replicated pair shared with other gateways. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "passerelle.broker.mode", havingValue = "external")
    static class External {

        @Bean(destroyMethod = "close")
        ExternalBroker externalBroker(PasserelleProperties properties) {
            PasserelleProperties.Broker broker = properties.broker();
            if (broker.gatewayPassword() == null || broker.gatewayPassword().isBlank()) {
                throw new InvalidConfigurationException("passerelle.broker.gateway-password", "is needed in external"
                        + " mode: the password of the gateway's account on the brokers, the same as theirs");
            }
            try {
                return new ExternalBroker(broker.url(), broker.gatewayPassword());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("passerelle.broker.url", e.getMessage());
            }
        }

        /** Records the notes the brokers write when a pull-queue partner takes a message. */
        @Bean(destroyMethod = "close")
        CollectedMessages collectedMessages(ExternalBroker broker, JdbcTemplate jdbc, AuditTrail audit) {
            return new CollectedMessages(broker.notesConnectionFactory(), jdbc, audit);
        }

        @Bean(destroyMethod = "destroy")
        CachingConnectionFactory connectionFactory(ExternalBroker broker) {
            return caching(broker.connectionFactory());
        }

        @Bean(destroyMethod = "close")
        ManagedQueueDepths managedQueueDepths(ExternalBroker broker) {
            return new ManagedQueueDepths(broker.connectionFactory(), DEPTH_TIMEOUT);
        }
    }

    private static CachingConnectionFactory caching(ConnectionFactory factory) {
        CachingConnectionFactory caching = new CachingConnectionFactory(factory);
        caching.setSessionCacheSize(10);
        return caching;
    }

    /**
     * Local broker transactions, without a transaction manager: the consumer's session is transacted and
     * exposed to the route, so what the route sends on the same connection factory commits or rolls back with
     * the consumption; consumers stay cached between messages instead of being recreated per transaction.
     */
    @Bean("jms")
    JmsComponent jms(ConnectionFactory connectionFactory) {
        JmsComponent jms = JmsComponent.jmsComponent(connectionFactory);
        jms.setCacheLevelName("CACHE_CONSUMER");
        return jms;
    }

    @Bean
    RepeatingTask collectionRecording(CollectedMessages collected) {
        return new RepeatingTask("collections", COLLECTIONS_INTERVAL, collected::record);
    }

    /** The database, watched: while it cannot be reached, consumers wait instead of spending delivery attempts. */
    @Bean
    DatabaseAvailability databaseAvailability(DataSource dataSource, Clock clock) {
        return new DatabaseAvailability(dataSource, clock);
    }

    /** Sees the database back while no message comes, to wait for it with (see {@link DatabaseAvailability}). */
    @Bean
    RepeatingTask databaseWatch(DatabaseAvailability database) {
        return database.watch();
    }

    @Bean
    ErrorHandling errorHandling(AuditTrail audit, DatabaseAvailability database) {
        return new ErrorHandling(audit, QUARANTINE, ErrorHandling.NOTICE_URI).withAvailability(database);
    }

    @Bean
    OutboundRoutes outboundRoutes(Parties parties, EnvelopeReader reader, SecurityProfiles profiles,
            AuditTrail audit, MessageStore store, Clock clock, PartnerRules rules, ReviewDecisions decisions,
            CaseRegistry cases, StageTimings timings, PasserelleProperties properties,
            DatabaseAvailability database) {
        return new OutboundRoutes(parties, reader, profiles, audit, store, clock, rules, decisions, cases)
                .withTimings(timings).withConsumers(properties.outbound().consumers())
                .withAvailability(database);
    }

    @Bean
    InboundRoutes inboundRoutes(Parties parties, EnvelopeReader reader, SecurityProfiles profiles, CmsProfile cms,
            IdempotentRepository inboundReplays, AuditTrail audit, MessageStore store, Clock clock,
            InboundRouting routing) {
        Receipts receipts = new Receipts(cms, parties.identity().signing(), parties.identity().id());
        return new InboundRoutes(parties, reader, profiles, receipts, inboundReplays, audit, store, clock, routing);
    }
}
