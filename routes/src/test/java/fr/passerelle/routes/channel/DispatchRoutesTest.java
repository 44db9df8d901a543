package fr.passerelle.routes.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.RecordingStore;
import fr.passerelle.routes.TestParties;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.store.MessageStore;

/** The partner dispatch template with scripted channels: retries, give-up, refusals, redelivery, health, isolation. */
class DispatchRoutesTest extends CamelTestSupport {

    private static final RetryPolicy QUICK = new RetryPolicy(Duration.ofMillis(1), 2.0, Duration.ofMillis(20), 0.2, 4,
            Duration.ofHours(1));

    /** Waits that grow to a second, without jitter, so that a test knows how long a message will wait next. */
    private static final RetryPolicy PATIENT = new RetryPolicy(Duration.ofMillis(1), 2.0, Duration.ofSeconds(1), 0.0,
            10_000, Duration.ofHours(1));

    /** Consumers that look for the end of the test every 50 ms instead of every second. */
    private static final String QUICK_STOP = "?pollTimeout=50";

    private static final MessageStore.Summary ALERT = MessageStore.Summary.ofType("ALERT");
    private static final MessageStore.Summary INTEL_REPORT = MessageStore.Summary.ofType("INTEL_REPORT");

    private final RecordingAudit audit = new RecordingAudit();
    private final RecordingStore store = new RecordingStore();
    private final ChannelHealth health = new ChannelHealth(3, Clock.systemUTC());
    private final ScriptedChannel spain = new ScriptedChannel("spain");
    private final ScriptedChannel morocco = new ScriptedChannel("morocco");
    private final ScriptedChannel europol = new ScriptedChannel("europol");

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {
            new ErrorHandling(audit, "mock:quarantine", "mock:notice"),
            new DispatchRoutes(TestParties.sample(), Map.of("spain", new PartnerDispatch(spain, QUICK),
                    "morocco", new PartnerDispatch(morocco, QUICK), "europol", new PartnerDispatch(europol, PATIENT)),
                    health, audit, store, Clock.systemUTC())
        };
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    private void start() throws Exception {
        for (String partner : List.of("spain", "morocco", "europol")) {
            AdviceWith.adviceWith(context, "partner-" + partner + "-dispatch",
                    route -> route.replaceFromWith("seda:partner-" + partner + QUICK_STOP));
            AdviceWith.adviceWith(context, "partner-" + partner + "-dispatch-urgent",
                    route -> route.replaceFromWith("seda:partner-" + partner + "-urgent" + QUICK_STOP));
        }
        context.start();
    }

    private Exchange queue(String partner, String messageId, byte[] sealed) {
        store.store(MessageStore.Direction.OUTBOUND, messageId, partner, ALERT, sealed, new byte[] {0}, null, "a");
        return template.send("seda:partner-" + partner + "?waitForTaskToComplete=Always", exchange -> {
            exchange.getIn().setHeader(Headers.MESSAGE_ID, messageId);
            exchange.getIn().setHeader(Headers.PARTNER, partner);
            exchange.getIn().setHeader(Headers.SENDER, "ofast");
            exchange.getIn().setHeader("JMSPriority", 9);
            exchange.getIn().setBody(sealed);
        });
    }

    /** Delivers through the channel; expects the delivery and the receipt recorded, and the channel UP. */
    @Test
    void deliversAndRecordsTheReceipt() throws Exception {
        start();
        spain.script(m -> new Delivery("taken", new byte[] {7}));

        Exchange result = queue("spain", "m-1", new byte[] {1, 2, 3});

        assertThat(result.getException()).isNull();
        Outgoing sent = spain.sent.poll();
        assertThat(sent.sealed()).containsExactly(1, 2, 3);
        assertThat(sent.priority()).isEqualTo(9);
        assertThat(sent.profile()).isEqualTo("cms");
        assertThat(store.copy(MessageStore.Direction.OUTBOUND, "m-1", "spain")).hasValueSatisfying(copy -> {
            assertThat(copy.receipt()).containsExactly(7);
            assertThat(copy.deliveredAt()).isNotNull();
        });
        assertThat(audit.events()).containsSubsequence(AuditEvent.OUTBOUND_DELIVERED, AuditEvent.RECEIPT_VERIFIED);
        assertThat(health.states().get("spain").status()).isEqualTo(ChannelHealth.Status.UP);
    }

    /**
     * Fails twice, then takes it: delivered once, each failed attempt audited, the channel UP again. No probe may
     * check the channel while the message is retried; it may once the message is delivered.
     */
    @Test
    void triesAgainUntilTheChannelTakesTheMessage() throws Exception {
        start();
        AtomicInteger calls = new AtomicInteger();
        List<Boolean> idleDuringAttempts = new CopyOnWriteArrayList<>();
        spain.script(m -> {
            idleDuringAttempts.add(health.idleSince("spain", Instant.now().plusSeconds(60)));
            if (calls.incrementAndGet() <= 2) {
                throw new ChannelException("connection refused");
            }
            return Delivery.withoutReceipt("taken");
        });
        getMockEndpoint("mock:quarantine").expectedMessageCount(0);

        assertThat(queue("spain", "m-2", new byte[] {1}).getException()).isNull();

        assertThat(calls).hasValue(3);
        assertThat(idleDuringAttempts).containsExactly(false, false, false);
        assertThat(health.idleSince("spain", Instant.now().plusSeconds(60))).isTrue();
        assertThat(audit.events().stream().filter(AuditEvent.DELIVERY_ATTEMPT_FAILED::equals)).hasSize(2);
        assertThat(audit.events()).containsOnlyOnce(AuditEvent.OUTBOUND_DELIVERED);
        assertThat(health.states().get("spain").status()).isEqualTo(ChannelHealth.Status.UP);
        MockEndpoint.assertIsSatisfied(context);
    }

    /** Never takes it: after the maximum attempts, quarantine with DELIVERY_FAILED, the sender told, channel DOWN. */
    @Test
    void quarantinesAfterTheLastAttemptAndTellsTheSender() throws Exception {
        start();
        spain.script(m -> {
            throw new ChannelException("connection refused");
        });
        MockEndpoint quarantine = getMockEndpoint("mock:quarantine");
        quarantine.expectedMessageCount(1);

        queue("spain", "m-3", new byte[] {4, 5});

        MockEndpoint.assertIsSatisfied(context);
        Exchange held = quarantine.getReceivedExchanges().get(0);
        assertThat(held.getIn().getHeader(Headers.REASON_CODE)).isEqualTo(ReasonCode.DELIVERY_FAILED.name());
        assertThat(held.getIn().getHeader(Headers.REASON, String.class)).contains("4 attempts", "connection refused");
        assertThat(held.getIn().getBody(byte[].class)).as("the sealed bytes as queued").containsExactly(4, 5);
        assertThat(spain.calls.get()).isEqualTo(4);
        Exchange notice = getMockEndpoint("mock:notice").getReceivedExchanges().get(0);
        assertThat(notice.getProperty(Headers.SERVICE)).isEqualTo("ofast");
        assertThat(notice.getIn().getHeader(Headers.REASON_CODE)).isEqualTo(ReasonCode.DELIVERY_FAILED.name());
        assertThat(health.states().get("spain").status()).isEqualTo(ChannelHealth.Status.DOWN);
        assertThat(health.states().get("spain").lastError()).isEqualTo("connection refused");
        assertThat(store.copy(MessageStore.Direction.OUTBOUND, "m-3", "spain").orElseThrow().deliveredAt()).isNull();
    }

    /** The partner refuses the message itself: no retry, quarantine with the partner's reason. */
    @Test
    void quarantinesAtOnceWhenThePartnerRefusesTheMessage() throws Exception {
        start();
        spain.script(m -> {
            throw new GatewayException(ReasonCode.RECEIPT_INVALID, "signed by someone else");
        });
        MockEndpoint quarantine = getMockEndpoint("mock:quarantine");
        quarantine.expectedMessageCount(1);

        queue("spain", "m-4", new byte[] {1});

        MockEndpoint.assertIsSatisfied(context);
        assertThat(quarantine.getReceivedExchanges().get(0).getIn().getHeader(Headers.REASON_CODE))
                .isEqualTo(ReasonCode.RECEIPT_INVALID.name());
        assertThat(spain.calls.get()).isEqualTo(1);
    }

    /** Redelivered after a crash that followed the delivery: the channel is not called again. */
    @Test
    void doesNotSendAgainAMessageAlreadyDelivered() throws Exception {
        start();
        spain.script(m -> Delivery.withoutReceipt("taken"));
        store.store(MessageStore.Direction.OUTBOUND, "m-5", "spain", ALERT, new byte[] {1}, new byte[] {0}, null, "a");
        store.delivered("m-5", "spain", null, Instant.now());

        assertThat(queue("spain", "m-5", new byte[] {1}).getException()).isNull();

        assertThat(spain.calls.get()).isZero();
        assertThat(audit.events()).contains(AuditEvent.OUTBOUND_ALREADY_DELIVERED).doesNotContain(
                AuditEvent.OUTBOUND_DELIVERED);
    }

    /** Spain's channel hangs on a message; Morocco's messages still go meanwhile. */
    @Test
    void aChannelThatHangsDoesNotHoldOtherPartners() throws Exception {
        start();
        CountDownLatch release = new CountDownLatch(1);
        spain.script(m -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Delivery.withoutReceipt("taken late");
        });
        morocco.script(m -> Delivery.withoutReceipt("taken"));
        template.asyncSend("seda:partner-spain", exchange -> {
            exchange.getIn().setHeader(Headers.MESSAGE_ID, "held");
            exchange.getIn().setBody(new byte[] {1});
        });
        while (spain.calls.get() == 0) {
            Thread.sleep(10);
        }

        assertThat(queue("morocco", "m-6", new byte[] {2}).getException()).isNull();

        assertThat(morocco.sent.poll(5, TimeUnit.SECONDS).messageId()).isEqualTo("m-6");
        assertThat(spain.sent).isEmpty();
        release.countDown();
        assertThat(spain.sent.poll(5, TimeUnit.SECONDS).messageId()).isEqualTo("held");
    }

    /**
     * Europol's channel is down. An IMMEDIATE message has failed so often that it next waits a second; a ROUTINE
     * message fails once, and the channel comes back at that moment. The ROUTINE one, whose own next wait is a
     * millisecond, lets the IMMEDIATE one go first.
     */
    @Test
    void aChannelThatComesBackGetsItsUrgentMessagesFirst() throws Exception {
        start();
        AtomicBoolean down = new AtomicBoolean(true);
        europol.script(m -> {
            if (down.get()) {
                if (m.messageId().equals("routine")) {
                    down.set(false);
                }
                throw new ChannelException("connection refused");
            }
            return Delivery.withoutReceipt("taken");
        });
        offer("europol-urgent", "immediate", 9);
        // From its eleventh failure on, the IMMEDIATE message waits a whole second before each next attempt.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (failures("immediate") < 11 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(failures("immediate")).isGreaterThanOrEqualTo(11);

        offer("europol", "routine", 4);

        assertThat(europol.sent.poll(10, TimeUnit.SECONDS).messageId()).isEqualTo("immediate");
        assertThat(europol.sent.poll(10, TimeUnit.SECONDS).messageId()).isEqualTo("routine");
        assertThat(failures("routine")).isEqualTo(1);
        // The ROUTINE message's own success is recorded just after the channel took it.
        long upBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (health.states().get("europol").status() != ChannelHealth.Status.UP && System.nanoTime() < upBy) {
            Thread.sleep(5);
        }
        assertThat(health.states().get("europol").status()).isEqualTo(ChannelHealth.Status.UP);
    }

    /** The IMMEDIATE message of the test above waits behind nothing: a ROUTINE one failing does not slow it. */
    @Test
    void anUrgentMessageNeverWaitsForARoutineOne() throws Exception {
        start();
        AtomicInteger routineCalls = new AtomicInteger();
        europol.script(m -> {
            if (m.messageId().equals("routine") && routineCalls.incrementAndGet() <= 50) {
                throw new ChannelException("connection refused");
            }
            return Delivery.withoutReceipt("taken");
        });
        offer("europol", "routine", 4);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (failures("routine") < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(failures("routine")).as("the ROUTINE message is being retried").isGreaterThanOrEqualTo(2);

        offer("europol-urgent", "immediate", 9);

        assertThat(europol.sent.poll(10, TimeUnit.SECONDS).messageId()).isEqualTo("immediate");
        assertThat(failures("immediate")).isZero();
    }

    /** Puts a message on a dispatch consumer's queue and goes on without waiting. */
    private void offer(String queue, String messageId, int priority) {
        template.asyncSend("seda:partner-" + queue, exchange -> {
            exchange.getIn().setHeader(Headers.MESSAGE_ID, messageId);
            exchange.getIn().setHeader("JMSPriority", priority);
            exchange.getIn().setBody(new byte[] {(byte) priority});
        });
    }

    private long failures(String messageId) {
        return audit.entries().stream()
                .filter(e -> e.messageId().equals(messageId) && e.event() == AuditEvent.DELIVERY_ATTEMPT_FAILED)
                .count();
    }

    /** A partner channel whose answers the test scripts. */
    private static final class ScriptedChannel implements PartnerChannel {

        final BlockingQueue<Outgoing> sent = new LinkedBlockingQueue<>();
        final AtomicInteger calls = new AtomicInteger();
        private final String name;
        private volatile Function<Outgoing, Delivery> script = m -> {
            throw new ChannelException("no script");
        };

        ScriptedChannel(String name) {
            this.name = name;
        }

        void script(Function<Outgoing, Delivery> answer) {
            script = answer;
        }

        @Override
        public Delivery deliver(Outgoing message) {
            calls.incrementAndGet();
            Delivery delivery = script.apply(message);
            sent.add(message);
            return delivery;
        }

        @Override
        public String describe() {
            return "scripted " + name;
        }

        @Override
        public String probe() {
            throw new UnsupportedOperationException("no probe in this test");
        }
    }
}
