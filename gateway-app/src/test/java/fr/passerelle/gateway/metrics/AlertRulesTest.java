package fr.passerelle.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import fr.passerelle.routes.Tools;

/**
 * The alerting rules in {@code ops/prometheus/}, checked and unit-tested by Prometheus's own {@code promtool} (Debian
 * package {@code prometheus}): each rule stays quiet while things are well and fires, with its labels and words, once
 * they are not. That the series they read are exported from a gateway's start is {@link MetricsTest}'s part.
 */
class AlertRulesTest {

    private static final Path RULES = Path.of("ops/prometheus");

    @BeforeAll
    static void promtool() {
        Tools.assumePresent("promtool");
    }

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(Tools.run(RULES, "promtool", "check", "rules", "passerelle-alerts.yml"))
                .contains("SUCCESS: 12 rules found");
    }

    @Test
    void eachRuleFiresWhenItShouldAndOnlyThen() throws Exception {
        assertThat(Tools.run(RULES, "promtool", "test", "rules", "passerelle-alerts-test.yml")).contains("SUCCESS");
    }
}
