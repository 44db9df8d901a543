package fr.passerelle.routes.policy;

import java.util.Objects;
import java.util.Set;

import fr.passerelle.schema.envelope.Classification;
import fr.passerelle.schema.envelope.HandlingCode;
import fr.passerelle.schema.envelope.MessageType;

/**
 * What may be released to one foreign partner, from configuration. An empty allow-list ({@code allowedTypes},
 * {@code allowedBodyParts}, {@code allowedSenders}) places no restriction, and a missing one (null) is read as
 * empty, so that omitting a key never blocks a flow by accident; {@code maxClassification} has no such reading and
 * must be given. Where configuration builds a policy but omits the highest classification, it should take
 * {@link Classification#RESTRICTED}: releasing more than that is a decision someone has to write down.
 *
 * @param maxClassification the highest classification released to this partner
 * @param allowedTypes the message types released to this partner; empty for every type
 * @param reviewHandlingCodes handling codes that hold a message for a supervisor's review before release
 * @param forbiddenHandlingCodes handling codes that keep a message from ever being released to this partner
 * @param legalBasisRequired whether a message must state its legal basis to be released to this partner
 * @param allowedBodyParts the body parts this partner may receive, the others being removed; empty for every part
 * @param allowedSenders the national services that may write to this partner; empty for every service
 * @param reviewAlways whether every message to this partner is held for a supervisor's review
 */
public record PartnerPolicy(
        Classification maxClassification,
        Set<MessageType> allowedTypes,
        Set<HandlingCode> reviewHandlingCodes,
        Set<HandlingCode> forbiddenHandlingCodes,
        boolean legalBasisRequired,
        Set<BodyPart> allowedBodyParts,
        Set<String> allowedSenders,
        boolean reviewAlways) {

    /** Validates and copies; throws {@link IllegalArgumentException} naming what is wrong. */
    public PartnerPolicy {
        if (maxClassification == null) {
            throw new IllegalArgumentException("maxClassification is required");
        }
        allowedTypes = copy(allowedTypes, "allowedTypes");
        reviewHandlingCodes = copy(reviewHandlingCodes, "reviewHandlingCodes");
        forbiddenHandlingCodes = copy(forbiddenHandlingCodes, "forbiddenHandlingCodes");
        allowedBodyParts = copy(allowedBodyParts, "allowedBodyParts");
        allowedSenders = copy(allowedSenders, "allowedSenders");
        for (HandlingCode code : reviewHandlingCodes) {
            if (forbiddenHandlingCodes.contains(code)) {
                throw new IllegalArgumentException("handling code " + code.value()
                        + " is both a review and a forbidden handling code; it can only be one of them");
            }
        }
        for (String sender : allowedSenders) {
            if (sender.isBlank()) {
                throw new IllegalArgumentException("allowedSenders contains a blank service id");
            }
        }
    }

    /**
     * The policy of a partner for which none is configured. It releases every message type, sender, handling code
     * and body part without review, which is how the gateway behaved before policies existed: adding the feature
     * must not silently stop the exchanges partners rely on, and restricting a partner is one configuration entry
     * away. The one limit it keeps is {@link Classification#CONFIDENTIAL}: a SECRET message going to a foreign
     * partner is the release whose mistake costs most, so it has to be allowed explicitly for that partner.
     */
    public static PartnerPolicy permissive() {
        return new PartnerPolicy(Classification.CONFIDENTIAL, Set.of(), Set.of(), Set.of(), false, Set.of(),
                Set.of(), false);
    }

    /** Whether this partner may receive the part. */
    public boolean allows(BodyPart part) {
        return allowedBodyParts.isEmpty() || allowedBodyParts.contains(part);
    }

    private static <T> Set<T> copy(Set<T> values, String name) {
        if (values == null) {
            return Set.of();
        }
        if (values.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(name + " contains an empty entry");
        }
        return Set.copyOf(values);
    }
}
