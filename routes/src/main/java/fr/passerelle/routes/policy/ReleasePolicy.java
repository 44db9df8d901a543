package fr.passerelle.routes.policy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.HandlingCode;

/**
 * Decides whether an envelope may be released to one recipient partner, from that partner's {@link PartnerPolicy}.
 * Refusals come first, in a fixed order (sender, message type, classification, handling code, legal basis), so
 * that the same message always gets the same reason; each names the partner and the offending header value, never
 * the body. What remains is a {@link Release}: the review the message waits for, and the parts to remove.
 * Stateless and thread-safe.
 */
public final class ReleasePolicy {

    /**
     * Evaluates the release of {@code envelope}, sent by the national service {@code service}, to {@code partner}.
     *
     * @throws GatewayException {@code SENDER_NOT_AUTHORISED}, {@code MESSAGE_TYPE_NOT_RELEASABLE},
     *         {@code CLASSIFICATION_TOO_HIGH}, {@code HANDLING_CODE_FORBIDS_RELEASE} or {@code LEGAL_BASIS_REQUIRED}
     */
    public Release evaluate(Envelope envelope, String service, String partner, PartnerPolicy policy) {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(partner, "partner");
        Objects.requireNonNull(policy, "policy");
        refuseIfNotReleasable(envelope, service, partner, policy);

        List<HandlingCode> codes = envelope.getHandlingCodes() == null
                ? List.of() : envelope.getHandlingCodes().getHandlingCode();
        List<String> reasons = new ArrayList<>();
        if (policy.reviewAlways()) {
            reasons.add("every message to " + partner + " is reviewed");
        }
        for (HandlingCode code : HandlingCode.values()) {
            if (codes.contains(code) && policy.reviewHandlingCodes().contains(code)) {
                reasons.add("handling code " + code.value() + " requires review for " + partner);
            }
        }
        Set<BodyPart> toRemove = EnumSet.noneOf(BodyPart.class);
        for (BodyPart part : BodyPart.values()) {
            if (!policy.allows(part) && part.isPresentIn(envelope)) {
                toRemove.add(part);
            }
        }
        return new Release(!reasons.isEmpty(), reasons, toRemove);
    }

    private static void refuseIfNotReleasable(Envelope envelope, String service, String partner,
            PartnerPolicy policy) {
        if (!policy.allowedSenders().isEmpty() && !policy.allowedSenders().contains(service)) {
            throw new GatewayException(ReasonCode.SENDER_NOT_AUTHORISED,
                    "the service " + service + " may not write to " + partner);
        }
        if (!policy.allowedTypes().isEmpty() && !policy.allowedTypes().contains(envelope.getMessageType())) {
            throw new GatewayException(ReasonCode.MESSAGE_TYPE_NOT_RELEASABLE,
                    "message type " + envelope.getMessageType() + " is not releasable to " + partner);
        }
        // The XSD lists the classifications in increasing sensitivity and the generated enum keeps that order.
        if (envelope.getClassification().compareTo(policy.maxClassification()) > 0) {
            throw new GatewayException(ReasonCode.CLASSIFICATION_TOO_HIGH,
                    "classification " + envelope.getClassification() + " is above " + policy.maxClassification()
                            + ", the highest releasable to " + partner);
        }
        if (envelope.getHandlingCodes() != null) {
            for (HandlingCode code : envelope.getHandlingCodes().getHandlingCode()) {
                if (policy.forbiddenHandlingCodes().contains(code)) {
                    throw new GatewayException(ReasonCode.HANDLING_CODE_FORBIDS_RELEASE,
                            "handling code " + code.value() + " forbids release to " + partner);
                }
            }
        }
        if (policy.legalBasisRequired()
                && (envelope.getLegalBasis() == null || envelope.getLegalBasis().isBlank())) {
            throw new GatewayException(ReasonCode.LEGAL_BASIS_REQUIRED,
                    partner + " requires a legal basis and the envelope states none");
        }
    }
}
