package fr.passerelle.routes.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import fr.passerelle.routes.MemoryCaseRegistry;
import fr.passerelle.routes.TestParties;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.inbound.InboundRouting.Routing;
import fr.passerelle.routes.inbound.InboundRouting.Rule;
import fr.passerelle.routes.inbound.InboundRouting.Rules;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.MessageType;
import fr.passerelle.schema.envelope.Recipients;

/** Where a partner's message goes: each rule, their order, distribution lists, and the configuration refused. */
class InboundRoutingTest {

    private static final Map<MessageType, List<String>> BY_TYPE = Map.of(
            MessageType.ASSET_TRACING_REQUEST, List.of("tracfin", "ofast"),
            MessageType.SEIZURE_NOTIFICATION, List.of("douane"));
    private static final Map<String, List<String>> BY_PREFIX = Map.of(
            "GN-", List.of("gendarmerie"),
            "OFAST-", List.of("ofast"),
            "OFAST-2026-", List.of("ofast", "police"));

    private final MemoryCaseRegistry cases = new MemoryCaseRegistry();
    private final InboundRouting routing = new InboundRouting(
            new Rules(TestParties.SERVICES, "ofast", BY_TYPE, BY_PREFIX), cases);

    /** Sends to two services and the gateway itself, about a known case; expects exactly the named services. */
    @Test
    void explicitRecipientsDecideAloneAndNothingIsAddedToThem() {
        cases.remember("DOUANE-972-2026-0007", "tracfin");

        Routing routing = this.routing.route(envelope("DOUANE-972-2026-0007", MessageType.ASSET_TRACING_REQUEST,
                "police", "fr", "douane"));

        assertThat(routing.services()).containsExactly("police", "douane");
        assertThat(routing.rule()).isEqualTo(Rule.EXPLICIT_RECIPIENTS);
        assertThat(routing.reason()).isEqualTo("explicit recipients police, douane");
    }

    /** A partner gateway's sample, addressed to the gateway, about a case police wrote about; expects police. */
    @Test
    void aCaseReferenceAServiceSentUnderGoesBackToThatService() throws Exception {
        cases.remember("ES-CITCO-2026/042", "police");
        Envelope envelope = new EnvelopeReader(1024 * 1024)
                .read(Files.readAllBytes(TestPki.sample("intel-report-from-spain-gateway.xml")));

        Routing routing = this.routing.route(envelope);

        assertThat(routing.services()).containsExactly("police");
        assertThat(routing.rule()).isEqualTo(Rule.CASE_REFERENCE);
        assertThat(routing.reason()).isEqualTo("case reference ES-CITCO-2026/042 known for police");
        assertThat(this.routing.servicesFor(envelope)).containsExactly("police");
    }

    /** A case two services sent under, which also matches a prefix rule; expects all of them, known ones first. */
    @Test
    void aCaseKnownForSeveralServicesGoesToEachOfThem() {
        cases.remember("GN-SR-LILLE-2026-0058", "douane");
        cases.remember("GN-SR-LILLE-2026-0058", "police");
        cases.remember("GN-SR-LILLE-2026-0058", "douane");

        Routing routing = this.routing.route(envelope("GN-SR-LILLE-2026-0058", MessageType.INTEL_REPORT, "fr"));

        assertThat(routing.services()).containsExactly("douane", "police", "gendarmerie");
        assertThat(routing.rule()).isEqualTo(Rule.CASE_REFERENCE);
        assertThat(routing.reason()).isEqualTo(
                "case reference GN-SR-LILLE-2026-0058 known for douane, police and matches prefix GN- for gendarmerie");
    }

    /** Two prefixes match; expects the longer one's services only. */
    @Test
    void theLongestMatchingPrefixApplies() {
        Routing routing = this.routing.route(envelope("OFAST-2026-00042", MessageType.INTEL_REPORT, "fr"));

        assertThat(routing.services()).containsExactly("ofast", "police");
        assertThat(routing.reason()).isEqualTo("case reference OFAST-2026-00042 matches prefix OFAST-2026- for ofast, police");
    }

    /** A prefix is compared as it is written. */
    @Test
    void prefixesAreCaseSensitive() {
        Routing routing = this.routing.route(envelope("ofast-2026-00042", MessageType.INTEL_REPORT, "fr"));

        assertThat(routing.rule()).isEqualTo(Rule.DEFAULT_SERVICE);
    }

    /** A known case of a message type that has a rule; expects the case to decide. */
    @Test
    void theCaseReferenceComesBeforeTheMessageType() {
        cases.remember("MA-DGSN-2026/0311", "gendarmerie");

        Routing routing = this.routing.route(envelope("MA-DGSN-2026/0311", MessageType.ASSET_TRACING_REQUEST, "fr"));

        assertThat(routing.services()).containsExactly("gendarmerie");
        assertThat(routing.rule()).isEqualTo(Rule.CASE_REFERENCE);
    }

    /** An unknown case of a type configured for two services; expects both, in the configured order. */
    @Test
    void aMessageTypeRuleCanNameADistributionList() {
        Routing routing = this.routing.route(envelope("MA-DGSN-2026/0999", MessageType.ASSET_TRACING_REQUEST, "fr"));

        assertThat(routing.services()).containsExactly("tracfin", "ofast");
        assertThat(routing.rule()).isEqualTo(Rule.MESSAGE_TYPE);
        assertThat(routing.reason()).isEqualTo("message type ASSET_TRACING_REQUEST for tracfin, ofast");
    }

    /** No case reference at all; expects the message type rule. */
    @Test
    void aMessageWithoutCaseReferenceGoesByItsType() {
        assertThat(this.routing.servicesFor(envelope(null, MessageType.SEIZURE_NOTIFICATION, "fr")))
                .containsExactly("douane");
    }

    /** Nothing matches; expects the default service. */
    @Test
    void whatNoRuleRoutesGoesToTheDefaultService() {
        Routing routing = this.routing.route(envelope("ES-UDYCO-2026/117", MessageType.INTEL_REPORT, "spain"));

        assertThat(routing.services()).containsExactly("ofast");
        assertThat(routing.rule()).isEqualTo(Rule.DEFAULT_SERVICE);
        assertThat(routing.reason()).isEqualTo("default service ofast");
    }

    /** The registry remembers a service since removed from the configuration; expects the next rule to decide. */
    @Test
    void aRememberedServiceThatIsNoLongerConfiguredIsIgnored() {
        cases.remember("ES-UDYCO-2026/117", "customs-old");

        Routing routing = this.routing.route(envelope("ES-UDYCO-2026/117", MessageType.SEIZURE_NOTIFICATION, "fr"));

        assertThat(routing.services()).containsExactly("douane");
        assertThat(routing.rule()).isEqualTo(Rule.MESSAGE_TYPE);
    }

    /** A misspelt service in a message type rule would send intelligence to a queue nobody reads. */
    @Test
    void refusesAMessageTypeRuleNamingAnUnknownService() {
        assertThatThrownBy(() -> new Rules(TestParties.SERVICES, "ofast",
                Map.of(MessageType.ALERT, List.of("ofast", "tracfn")), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the message type rule ALERT names 'tracfn', which is not a configured service");
    }

    /** A partner's id in a prefix rule would hand a partner's message to a national queue that does not exist. */
    @Test
    void refusesAPrefixRuleNamingAnUnknownService() {
        assertThatThrownBy(() -> new Rules(TestParties.SERVICES, "ofast", Map.of(),
                Map.of("TRACFIN-", List.of("spain"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the case reference prefix rule 'TRACFIN-' names 'spain', which is not a configured service");
    }

    /** Messages no rule routes would go to a queue nobody reads. */
    @Test
    void refusesAnUnknownDefaultService() {
        assertThatThrownBy(() -> new Rules(TestParties.SERVICES, "dgsi", Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the default service 'dgsi' is not a configured service");
    }

    /** A rule naming no service would silently fall through to the next one. */
    @Test
    void refusesARuleNamingNoService() {
        assertThatThrownBy(() -> new Rules(TestParties.SERVICES, "ofast",
                Map.of(MessageType.ALERT, List.of()), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the message type rule ALERT names no service");
    }

    /** An empty prefix would capture every message that carries a case reference. */
    @Test
    void refusesAnEmptyPrefix() {
        assertThatThrownBy(() -> new Rules(TestParties.SERVICES, "ofast", Map.of(), Map.of("", List.of("ofast"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a case reference prefix rule has an empty prefix");
    }

    /** Absent sections of the configuration mean no rules of that kind. */
    @Test
    void withoutRulesEverythingNotAddressedGoesToTheDefaultService() {
        InboundRouting bare = new InboundRouting(new Rules(TestParties.SERVICES, "douane", null, null), cases);

        assertThat(bare.servicesFor(envelope("OFAST-2026-00042", MessageType.ASSET_TRACING_REQUEST, "fr")))
                .containsExactly("douane");
    }

    private static Envelope envelope(String caseReference, MessageType type, String... recipients) {
        Envelope envelope = new Envelope();
        envelope.setCaseReference(caseReference);
        envelope.setMessageType(type);
        envelope.setSender("morocco");
        Recipients to = new Recipients();
        to.getRecipient().addAll(List.of(recipients));
        envelope.setRecipients(to);
        return envelope;
    }
}
