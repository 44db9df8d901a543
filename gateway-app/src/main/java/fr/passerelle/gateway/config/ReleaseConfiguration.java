package fr.passerelle.gateway.config;

import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;

import fr.passerelle.gateway.review.JdbcReviewDecisions;
import fr.passerelle.gateway.review.ReviewService;
import fr.passerelle.gateway.routing.JdbcCaseRegistry;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.format.PartnerFormat;
import fr.passerelle.routes.inbound.CaseRegistry;
import fr.passerelle.routes.inbound.InboundRouting;
import fr.passerelle.routes.policy.BodyPart;
import fr.passerelle.routes.policy.PartnerPolicy;
import fr.passerelle.routes.policy.PartnerRules;
import fr.passerelle.routes.review.ReviewDecisions;
import fr.passerelle.schema.envelope.Classification;
import fr.passerelle.schema.envelope.HandlingCode;
import fr.passerelle.schema.envelope.MessageType;
import jakarta.jms.ConnectionFactory;

/**
 * What may leave and how, and where partners' messages go: the partners' releasability policies and formats,
 * the supervisors' review, and the inbound routing rules, from configuration. A value that is not one the
 * envelope schema knows stops start-up with its key named.
 */
@Configuration(proxyBeanMethods = false)
class ReleaseConfiguration {

    @Bean
    PartnerRules partnerRules(PasserelleProperties properties) {
        Map<String, PartnerPolicy> policies = new LinkedHashMap<>();
        Map<String, PartnerFormat> formats = new LinkedHashMap<>();
        properties.partners().forEach((id, partner) -> {
            String key = "passerelle.partners." + id;
            formats.put(id, parse(key + ".format", partner.format(), PartnerFormat::fromName));
            if (partner.policy() != null) {
                policies.put(id, policy(key + ".policy", partner.policy()));
            }
        });
        return new PartnerRules(policies, formats);
    }

    @Bean
    ReviewDecisions reviewDecisions(JdbcTemplate jdbc) {
        return new JdbcReviewDecisions(jdbc);
    }

    @Bean
    CaseRegistry caseRegistry(JdbcTemplate jdbc, Clock clock) {
        return new JdbcCaseRegistry(jdbc, clock);
    }

    @Bean
    InboundRouting inboundRouting(PasserelleProperties properties, Parties parties, CaseRegistry cases) {
        String key = "passerelle.routing";
        Map<MessageType, List<String>> byType = new EnumMap<>(MessageType.class);
        properties.routing().byMessageType().forEach((type, services) -> byType.put(
                parse(key + ".by-message-type." + type, type, MessageType::fromValue), services));
        try {
            return new InboundRouting(InboundRouting.Rules.of(parties, byType,
                    properties.routing().byCaseReferencePrefix()), cases);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key, e.getMessage());
        }
    }

    @Bean
    ReviewService reviewService(ConnectionFactory connectionFactory, CamelContext camel, ReviewDecisions decisions,
            AuditTrail audit, Clock clock) {
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        jms.setSessionTransacted(true);
        return new ReviewService(jms, camel.createProducerTemplate(), decisions, audit, clock);
    }

    private static PartnerPolicy policy(String key, PasserelleProperties.Policy policy) {
        try {
            return new PartnerPolicy(
                    parse(key + ".max-classification", policy.maxClassification(), Classification::fromValue),
                    parseAll(key + ".allowed-types", policy.allowedTypes(), MessageType::fromValue),
                    parseAll(key + ".review-handling-codes", policy.reviewHandlingCodes(), HandlingCode::fromValue),
                    parseAll(key + ".forbidden-handling-codes", policy.forbiddenHandlingCodes(),
                            HandlingCode::fromValue),
                    policy.legalBasisRequired(),
                    parseAll(key + ".allowed-body-parts", policy.allowedBodyParts(), BodyPart::fromName),
                    new LinkedHashSet<>(policy.allowedSenders()),
                    policy.reviewAlways());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key, e.getMessage());
        }
    }

    private static <T> Set<T> parseAll(String key, List<String> values, Function<String, T> parser) {
        Set<T> parsed = new LinkedHashSet<>();
        for (String value : values) {
            parsed.add(parse(key, value, parser));
        }
        return parsed;
    }

    private static <T> T parse(String key, String value, Function<String, T> parser) {
        try {
            return parser.apply(value == null ? null : value.trim());
        } catch (RuntimeException e) {
            throw new InvalidConfigurationException(key, "'" + value + "' is not a valid value"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
