package fr.passerelle.gateway.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Messages sent by STOMP to one queue and taken by STOMP from another, timed from outside as a national service
 * and a partner would see them. Each message is known by an id that the receiving side finds in its
 * {@value #ID_HEADER} header; every run waits until each message sent arrived, so none is left for the next run.
 */
final class StompFlow {

    /** The header carrying a message's id on the receiving side. */
    static final String ID_HEADER = "PasserelleMessageId";

    /** Unanswered sends a producer may have: enough for the broker to group journal writes, as busy clients do. */
    private static final int WINDOW = 256;

    /** A broker account and the queue it uses. */
    record Endpoint(String account, String password, String queue) {
    }

    /**
     * {@code messages} taken from the first send to the last arrival, and what the whole process spent meanwhile:
     * processor time ({@code cpuNanos}, every thread of every core) and the JIT compilers' time ({@code
     * compileMillis}, summed over their threads); each -1 where the JVM cannot tell.
     */
    record Throughput(int messages, long nanos, long cpuNanos, long compileMillis) {
        double perSecond() {
            return messages / (nanos / 1e9);
        }

        /** The compilers' time as a share of the run's, NaN when not measured. */
        double compiling() {
            return compileMillis < 0 ? Double.NaN : compileMillis / (nanos / 1e6);
        }

        /** Processor milliseconds per message, NaN when not measured. */
        double cpuMillisPerMessage() {
            return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e6 / messages;
        }
    }

    /**
     * Send-to-arrival times of a paced run, in milliseconds.
     *
     * @param slowestSpan how far apart, in milliseconds, the sends of the slowest 1 % of the messages were: short
     *     against {@code runMillis} when one stall held them all up, long when they were spread over the run
     * @param runMillis from the first send to the last
     * @param compiling the JIT compilers' time as a share of the run's, NaN when not measured
     */
    record Latency(int messages, double rate, double p50, double p99, double max, double slowestSpan,
            double runMillis, double compiling) {
    }

    /**
     * What the flow under test still does once the last message arrived, waited for before a run ends and counted in
     * its processor time, so that it weighs on this run and not on the next one.
     */
    @FunctionalInterface
    interface Afterwards {
        Afterwards NOTHING = () -> { };

        void await() throws IOException, InterruptedException;
    }

    private final int port;
    private final Endpoint from;
    private final Endpoint to;
    private final Function<String, byte[]> bodies;
    private final boolean tagged;
    private final Duration patience;
    private final Afterwards afterwards;

    /**
     * @param bodies the body of the message of a given id
     * @param tagged whether the sender puts the id in {@value #ID_HEADER} itself (else the flow under test does)
     * @param patience how long a run may wait for its last message
     * @param afterwards what the flow still does after the last arrival, waited for at the end of each run
     */
    StompFlow(int port, Endpoint from, Endpoint to, Function<String, byte[]> bodies, boolean tagged,
            Duration patience, Afterwards afterwards) {
        this.port = port;
        this.from = from;
        this.to = to;
        this.bodies = bodies;
        this.tagged = tagged;
        this.patience = patience;
        this.afterwards = afterwards;
    }

    /**
     * Sends {@code count} messages as fast as the broker confirms them; the time until the last one arrived, and the
     * processor time until the flow's work after it is done too.
     */
    Throughput throughput(int count) throws IOException, InterruptedException {
        long cpuBefore = processCpuNanos();
        long compiledBefore = compileMillis();
        Run run = run(count, 0);
        afterwards.await();
        long cpuAfter = processCpuNanos();
        long compiledAfter = compileMillis();
        return new Throughput(count, run.lastArrival() - run.firstSend(),
                cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore,
                compiledBefore < 0 ? -1 : compiledAfter - compiledBefore);
    }

    /** The JIT compilers' time so far, in milliseconds summed over their threads; -1 if the JVM does not say. */
    private static long compileMillis() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        return compiler != null && compiler.isCompilationTimeMonitoringSupported()
                ? compiler.getTotalCompilationTime() : -1;
    }

    /**
     * The processor time of this process so far, every thread, -1 if unknown: what a message costs, where a rate
     * also says how long it waited.
     */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Sends {@code count} messages at {@code rate} a second; the time each one took to arrive. */
    Latency paced(int count, double rate) throws IOException, InterruptedException {
        long compiledBefore = compileMillis();
        Run run = run(count, rate);
        long compiled = compiledBefore < 0 ? -1 : compileMillis() - compiledBefore;
        afterwards.await();
        long[] latencies = new long[count];
        for (int i = 0; i < count; i++) {
            latencies[i] = run.arrivals()[i] - run.sends()[i];
        }
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Latency(count, rate, millis(percentile(sorted, 0.50)), millis(percentile(sorted, 0.99)),
                millis(sorted[count - 1]), millis(slowestSpan(run.sends(), latencies)),
                millis(run.lastSend() - run.firstSend()),
                compiled < 0 ? Double.NaN : compiled / millis(run.lastArrival() - run.firstSend()));
    }

    /** The time between the first and the last send of the slowest 1 % of the messages (at least one). */
    static long slowestSpan(long[] sends, long[] latencies) {
        Integer[] byLatency = new Integer[sends.length];
        for (int i = 0; i < byLatency.length; i++) {
            byLatency[i] = i;
        }
        Arrays.sort(byLatency, (a, b) -> Long.compare(latencies[b], latencies[a]));
        int slowest = Math.max(1, sends.length / 100);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int k = 0; k < slowest; k++) {
            first = Math.min(first, sends[byLatency[k]]);
            last = Math.max(last, sends[byLatency[k]]);
        }
        return last - first;
    }

    private record Run(long[] sends, long[] arrivals) {
        long firstSend() {
            return Arrays.stream(sends).min().orElseThrow();
        }

        long lastSend() {
            return Arrays.stream(sends).max().orElseThrow();
        }

        long lastArrival() {
            return Arrays.stream(arrivals).max().orElseThrow();
        }
    }

    private Run run(int count, double rate) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>(count);
        List<byte[]> payloads = new ArrayList<>(count);
        Map<String, Integer> index = new ConcurrentHashMap<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            payloads.add(bodies.apply(id));
            index.put(id, i);
        }
        long[] sends = new long[count];
        long[] arrivals = new long[count];
        CountDownLatch arrived = new CountDownLatch(count);
        AtomicInteger strangers = new AtomicInteger();
        AtomicReference<Map<String, String>> stranger = new AtomicReference<>();
        BenchStomp.Listener listener = (headers, body, at) -> {
            Integer i = index.remove(String.valueOf(headers.get(ID_HEADER)));
            if (i == null) {
                strangers.incrementAndGet();
                stranger.set(headers);
                return;
            }
            arrivals[i] = at;
            arrived.countDown();
        };
        try (BenchStomp consumer = BenchStomp.connect("127.0.0.1", port, to.account(), to.password(), 1, listener);
             BenchStomp producer = BenchStomp.connect("127.0.0.1", port, from.account(), from.password(), WINDOW,
                     (headers, body, at) -> { })) {
            consumer.subscribe(to.queue());
            long interval = rate > 0 ? (long) (1e9 / rate) : 0;
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (interval > 0) {
                    long due = start + i * interval;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                }
                Map<String, String> headers = tagged ? Map.of(ID_HEADER, ids.get(i)) : Map.of();
                sends[i] = System.nanoTime();
                producer.send(from.queue(), payloads.get(i), headers);
            }
            producer.awaitReceipts(patience.toSeconds());
            if (!arrived.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException((count - arrived.getCount()) + " of " + count + " messages arrived on "
                        + to.queue() + " within " + patience.toSeconds() + " s" + (strangers.get() == 0 ? ""
                        : "; " + strangers.get() + " unexpected ones came, such as " + stranger.get()));
            }
        }
        if (strangers.get() > 0) {
            throw new IOException(strangers.get() + " unexpected messages arrived on " + to.queue()
                    + " (a message twice, or one not sent by this run)");
        }
        return new Run(sends, arrivals);
    }

    private static long percentile(long[] sorted, double fraction) {
        return sorted[Math.max(0, (int) Math.ceil(fraction * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
