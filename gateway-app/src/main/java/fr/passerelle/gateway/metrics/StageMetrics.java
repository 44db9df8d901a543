package fr.passerelle.gateway.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import fr.passerelle.routes.StageTimings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code passerelle.stage{stage}}: how long messages spend in each step of the outbound flow and of dispatch, as
 * histograms (Prometheus {@code passerelle_stage_seconds_bucket}), so that a p99 per stage can be read and a slow
 * step found without a profiler.
 */
@Component
public final class StageMetrics implements StageTimings {

    private final Map<Stage, Timer> timers = new EnumMap<>(Stage.class);

    public StageMetrics(MeterRegistry registry) {
        for (Stage stage : Stage.values()) {
            timers.put(stage, Timer.builder("passerelle.stage")
                    .description("Time a message spends in one step: validate, policy, seal, dispatch")
                    .tag("stage", stage.tag())
                    .publishPercentileHistogram()
                    // Validation and policy take well under a millisecond; a dispatch attempt, up to its channel timeout.
                    .minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry));
        }
    }

    @Override
    public void record(Stage stage, long nanos) {
        timers.get(stage).record(nanos, TimeUnit.NANOSECONDS);
    }
}
