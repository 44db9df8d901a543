package fr.passerelle.gateway.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import fr.passerelle.routes.TestPki;

/**
 * A national service sending without pause, on its own thread, until told to stop or until the broker hangs up:
 * so that a test can stop or kill the gateway while messages are still arriving, however fast the gateway
 * processes them. Bodies go in batches (each batch waits for the broker's receipts); a message is
 * {@link #acknowledged()} once its receipt came, so the broker holds it durably, and {@link #attempted()} once
 * it was written to the socket: the broker may or may not have kept a message of the batch it hung up in.
 */
public final class StompTraffic implements AutoCloseable {

    private static final int BATCH = 50;
    private static final long QUIET_AFTER_LESS = TimeUnit.SECONDS.toNanos(60);
    private static final long QUIET_AFTER_ALL = TimeUnit.SECONDS.toNanos(5);

    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Exception ending;

    /**
     * Starts sending.
     *
     * @param body a new envelope for every call, and its messageId
     * @param limit the most messages sent, as a safety net
     */
    public StompTraffic(int brokerPort, String service, String password, Supplier<Map.Entry<String, byte[]>> body,
            int limit) {
        thread = new Thread(() -> send(brokerPort, service, password, body, limit), "stomp-traffic");
        thread.setDaemon(true);
        thread.start();
    }

    private void send(int port, String service, String password, Supplier<Map.Entry<String, byte[]>> body,
            int limit) {
        try (StompClient client = new StompClient(Duration.ofSeconds(30))) {
            if (!client.connect("127.0.0.1", port, service, password)) {
                throw new IOException("the broker refused " + service);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("persistent", "true");
            headers.put("destination-type", "ANYCAST");
            while (!stopping && attempted.size() < limit) {
                List<String> ids = new ArrayList<>(BATCH);
                List<byte[]> bodies = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    Map.Entry<String, byte[]> next = body.get();
                    ids.add(next.getKey());
                    bodies.add(next.getValue());
                }
                attempted.addAll(ids);
                client.sendAll("national." + service + ".out", bodies, headers, BATCH);
                acknowledged.addAll(ids);
            }
            client.disconnect();
        } catch (Exception e) {
            ending = e;
        }
    }

    /** New envelopes made from a sample of {@code schemas/samples/}, each with a messageId of its own. */
    public static Supplier<Map.Entry<String, byte[]>> newIds(String sample) {
        return () -> {
            byte[] envelope = TestPki.sampleWithNewId(sample);
            return new AbstractMap.SimpleEntry<>(TestPki.messageIdOf(envelope), envelope);
        };
    }

    /**
     * A header ({@code PasserelleMessageId}, {@code PasserelleReasonCode}...) of every message on a queue, read as
     * {@code account} (password {@code sample-<account>}): until {@code expected} came and then a quiet spell of
     * five seconds, or a silence of a minute.
     */
    public static List<String> receiveAll(int brokerPort, String account, String queue, int expected,
            String header) throws IOException {
        List<String> values = new ArrayList<>();
        try (StompClient client = new StompClient(Duration.ofSeconds(30))) {
            if (!client.connect("127.0.0.1", brokerPort, account, "sample-" + account)) {
                throw new IOException("the broker refused " + account);
            }
            StompClient.Frame subscribed = client.subscribe(queue);
            if (subscribed == null || !subscribed.is("RECEIPT")) {
                throw new IOException("cannot read " + queue + ": " + subscribed);
            }
            long lastFrame = System.nanoTime();
            while (System.nanoTime() - lastFrame < (values.size() < expected ? QUIET_AFTER_LESS : QUIET_AFTER_ALL)) {
                StompClient.Frame frame = client.receive(Duration.ofSeconds(1));
                // A long backlog takes longer to read than the broker waits for a word from a silent client.
                client.keepAlive();
                if (frame != null) {
                    if (!frame.is("MESSAGE")) {
                        throw new IOException("not a message: " + frame);
                    }
                    values.add(frame.header(header));
                    lastFrame = System.nanoTime();
                }
            }
            client.disconnect();
        }
        return values;
    }

    /** The messageIds of every message on a queue (see {@link #receiveAll(int, String, String, int, String)}). */
    public static List<String> receiveAll(int brokerPort, String account, String queue, int expected)
            throws IOException {
        return receiveAll(brokerPort, account, queue, expected, "PasserelleMessageId");
    }

    /** Messages whose receipt came: the broker keeps them. */
    public int acknowledgedCount() {
        return acknowledged.size();
    }

    /** The messageIds the broker acknowledged. */
    public Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    /** Every messageId sent, acknowledged or not. */
    public Set<String> attempted() {
        return Set.copyOf(attempted);
    }

    /** What ended the sender, if it ended on a failure; null while sending. */
    public Exception failure() {
        return ending;
    }

    /** Whether the sender is still at work. */
    public boolean isSending() {
        return thread.isAlive();
    }

    /**
     * Waits for the sender to end by itself, as it does when the broker goes away.
     *
     * @return the failure that ended it (the broker hanging up), or null if it reached its limit
     */
    public Exception awaitEnd(Duration wait) throws InterruptedException {
        thread.join(TimeUnit.NANOSECONDS.toMillis(wait.toNanos()));
        if (thread.isAlive()) {
            throw new IllegalStateException("the sender was still sending after " + wait);
        }
        return ending;
    }

    /** Stops after the batch under way and waits for its receipts. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(60));
    }
}
