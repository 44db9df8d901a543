package fr.passerelle.routes.policy;

import java.util.Map;

import fr.passerelle.routes.format.PartnerFormat;

/**
 * What the configuration says each partner may receive and in which format: its releasability policy
 * ({@link PartnerPolicy#permissive()} for a partner without one) and its format (the canonical envelope unless
 * configured otherwise).
 *
 * @param policies the configured policies, by partner id
 * @param formats the configured formats, by partner id
 */
public record PartnerRules(Map<String, PartnerPolicy> policies, Map<String, PartnerFormat> formats) {

    public PartnerRules {
        policies = Map.copyOf(policies);
        formats = Map.copyOf(formats);
    }

    /** No policy and no format configured for anyone. */
    public static PartnerRules none() {
        return new PartnerRules(Map.of(), Map.of());
    }

    public PartnerPolicy policy(String partner) {
        return policies.getOrDefault(partner, PartnerPolicy.permissive());
    }

    public PartnerFormat format(String partner) {
        return formats.getOrDefault(partner, PartnerFormat.ENVELOPE);
    }
}
