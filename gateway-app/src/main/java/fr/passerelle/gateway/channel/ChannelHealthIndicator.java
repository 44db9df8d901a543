package fr.passerelle.gateway.channel;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

import fr.passerelle.routes.channel.ChannelHealth;

/**
 * {@code partnerChannels} in the health endpoint: every pushed-to partner's channel, UP, DEGRADED (failures, still
 * trying) or DOWN (failing repeatedly), with the last error; DOWN as a whole when one channel is DOWN.
 */
final class ChannelHealthIndicator implements HealthIndicator {

    /** A channel that failed recently but is still tried. */
    static final Status DEGRADED = new Status("DEGRADED", "failing, still tried with back-off");

    private final ChannelHealth health;

    ChannelHealthIndicator(ChannelHealth health) {
        this.health = health;
    }

    @Override
    public Health health() {
        Status overall = Status.UP;
        Map<String, Object> partners = new LinkedHashMap<>();
        for (ChannelHealth.State state : health.states().values()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("status", state.status().name());
            details.put("channel", state.channel());
            details.put("failures", state.failures());
            if (state.lastError() != null) {
                details.put("lastError", state.lastError());
            }
            if (state.lastSuccess() != null) {
                details.put("lastSuccess", state.lastSuccess().toString());
            }
            if (state.lastFailure() != null) {
                details.put("lastFailure", state.lastFailure().toString());
            }
            if (state.lastProbe() != null) {
                details.put("lastProbe", state.lastProbe().toString());
            }
            partners.put(state.partner(), details);
            if (state.status() == ChannelHealth.Status.DOWN) {
                overall = Status.DOWN;
            } else if (state.status() == ChannelHealth.Status.DEGRADED && overall == Status.UP) {
                overall = DEGRADED;
            }
        }
        return Health.status(overall).withDetails(partners).build();
    }
}
