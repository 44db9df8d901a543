package fr.passerelle.routes.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.RecordingStore;
import fr.passerelle.routes.StageTimings;
import fr.passerelle.routes.TestParties;
import fr.passerelle.routes.store.MessageStore;

/**
 * The dispatch stage timed: a channel that takes 20 ms per attempt and fails twice before taking the message;
 * expects three dispatch timings, one per attempt, each covering the channel's own time and not the back-off.
 */
class DispatchTimingsTest extends CamelTestSupport {

    private static final Duration CHANNEL_TIME = Duration.ofMillis(20);
    private static final RetryPolicy SLOW_BACK_OFF = new RetryPolicy(Duration.ofSeconds(2), 1.0,
            Duration.ofSeconds(2), 0.0, 5, Duration.ofHours(1));

    private final RecordingStore store = new RecordingStore();
    private final List<Long> timed = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    private final PartnerChannel slow = new PartnerChannel() {
        @Override
        public Delivery deliver(Outgoing message) {
            try {
                Thread.sleep(CHANNEL_TIME.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (attempts.incrementAndGet() < 3) {
                throw new ChannelException("not yet");
            }
            return Delivery.withoutReceipt("taken");
        }

        @Override
        public String describe() {
            return "slow test channel";
        }

        @Override
        public String probe() {
            throw new UnsupportedOperationException("no probe in this test");
        }
    };

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        RecordingAudit audit = new RecordingAudit();
        return new RoutesBuilder[] {
            new ErrorHandling(audit, "mock:quarantine", "mock:notice"),
            new DispatchRoutes(TestParties.sample(), Map.of("spain", new PartnerDispatch(slow, SLOW_BACK_OFF)),
                    new ChannelHealth(3, Clock.systemUTC()), audit, store, Clock.systemUTC())
                    .withTimings((stage, nanos) -> {
                        assertThat(stage).isEqualTo(StageTimings.Stage.DISPATCH);
                        timed.add(nanos);
                    })
        };
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Test
    void everyAttemptIsTimedWithoutTheWaitBetween() throws Exception {
        AdviceWith.adviceWith(context, "partner-spain-dispatch", route -> route.replaceFromWith("seda:spain"));
        AdviceWith.adviceWith(context, "partner-spain-dispatch-urgent",
                route -> route.replaceFromWith("seda:spain-urgent"));
        context.start();
        store.store(MessageStore.Direction.OUTBOUND, "m-1", "spain", MessageStore.Summary.ofType("ALERT"),
                new byte[] {1}, new byte[] {0}, null, "a");

        template.send("seda:spain?waitForTaskToComplete=Always", exchange -> {
            exchange.getIn().setHeader(Headers.MESSAGE_ID, "m-1");
            exchange.getIn().setHeader(Headers.SENDER, "ofast");
            exchange.getIn().setBody(new byte[] {1});
        });

        assertThat(attempts).hasValue(3);
        assertThat(timed).hasSize(3).allSatisfy(nanos -> assertThat(nanos)
                .isGreaterThanOrEqualTo(CHANNEL_TIME.toNanos())
                .isLessThan(SLOW_BACK_OFF.delay(1, java.util.random.RandomGenerator.getDefault()).toNanos()));
    }
}
