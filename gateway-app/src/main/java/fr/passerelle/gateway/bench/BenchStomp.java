package fr.passerelle.gateway.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bare STOMP 1.2 connection for the benchmark, as a national service's or a partner's own tooling would open:
 * sends ask for receipts, at most {@code window} unanswered at a time (a busy client that still knows every
 * message was taken), and a reader thread hands each MESSAGE to a listener with the time it arrived.
 */
final class BenchStomp implements AutoCloseable {

    /** Told of every message received, on the reader thread, with {@link System#nanoTime()} at its arrival. */
    @FunctionalInterface
    interface Listener {
        void message(Map<String, String> headers, byte[] body, long receivedNanos);
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int window;
    private final Semaphore unanswered;
    private final Listener listener;
    private final Thread reader;
    private volatile String failure;
    private int nextId;

    private BenchStomp(Socket socket, int window, Listener listener) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.window = window;
        this.unanswered = new Semaphore(window);
        this.listener = listener;
        this.reader = new Thread(this::readFrames, "bench-stomp-reader");
        this.reader.setDaemon(true);
    }

    /** Connects and logs in; throws naming the broker's answer when it refuses. */
    static BenchStomp connect(String host, int port, String login, String passcode, int window, Listener listener)
            throws IOException {
        Socket socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        BenchStomp stomp = new BenchStomp(socket, window, listener);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept-version", "1.2");
        headers.put("host", host);
        headers.put("heart-beat", "0,0");
        headers.put("login", login);
        headers.put("passcode", passcode);
        stomp.write("CONNECT", headers, new byte[0]);
        Frame answer = stomp.read();
        if (answer == null || !answer.command().equals("CONNECTED")) {
            socket.close();
            throw new IOException("the broker refused " + login + ": " + (answer == null ? "hung up"
                    : answer.command() + " " + answer.headers().get("message")));
        }
        stomp.reader.start();
        return stomp;
    }

    /** Sends one persistent message; waits first when {@code window} sends are still unanswered. */
    void send(String destination, byte[] body, Map<String, String> extra) throws IOException, InterruptedException {
        unanswered.acquire();
        check();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("destination", destination);
        headers.put("content-length", Integer.toString(body.length));
        headers.put("persistent", "true");
        headers.putAll(extra);
        headers.put("receipt", "r-" + ++nextId);
        synchronized (out) {
            write("SEND", headers, body);
        }
    }

    /**
     * Subscribes and waits until the broker confirmed it. Each message is acknowledged by the client as it arrives,
     * before the listener hears of it: with the broker's automatic acknowledgement, a message just written out
     * could still be unacknowledged when the client says goodbye, and come again to the next subscriber.
     */
    void subscribe(String destination) throws IOException, InterruptedException {
        unanswered.acquire();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("id", "sub-" + ++nextId);
        headers.put("destination", destination);
        headers.put("ack", "client-individual");
        headers.put("receipt", "r-" + nextId);
        synchronized (out) {
            write("SUBSCRIBE", headers, new byte[0]);
        }
        awaitReceipts(30);
    }

    /** Waits until the broker answered every send; throws if it refused one. */
    void awaitReceipts(long seconds) throws IOException, InterruptedException {
        if (!unanswered.tryAcquire(window, seconds, TimeUnit.SECONDS)) {
            throw new IOException("the broker did not confirm every send within " + seconds + " s");
        }
        unanswered.release(window);
        check();
    }

    /** Says goodbye, so that the broker does not report a lost connection, and closes. */
    @Override
    public void close() throws IOException {
        try {
            if (failure == null && unanswered.tryAcquire()) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("receipt", "r-" + ++nextId);
                synchronized (out) {
                    write("DISCONNECT", headers, new byte[0]);
                }
                awaitReceipts(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            socket.close();
        }
    }

    private void check() throws IOException {
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    private void readFrames() {
        try {
            for (Frame frame = read(); frame != null; frame = read()) {
                switch (frame.command()) {
                    case "RECEIPT" -> unanswered.release();
                    case "MESSAGE" -> {
                        acknowledge(frame.headers().get("ack"));
                        listener.message(frame.headers(), frame.body(), frame.receivedNanos());
                    }
                    case "ERROR" -> {
                        failure = "the broker answered ERROR: " + frame.headers().get("message");
                        unanswered.release(window);
                    }
                    default -> {
                        // Nothing else is expected; heart-beats are off.
                    }
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                failure = "connection lost: " + e.getMessage();
            }
        }
        unanswered.release(window);
    }

    private void acknowledge(String ack) throws IOException {
        if (ack != null) {
            synchronized (out) {
                write("ACK", Map.of("id", ack), new byte[0]);
            }
        }
    }

    private record Frame(String command, Map<String, String> headers, byte[] body, long receivedNanos) {
    }

    private void write(String command, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(command).append('\n');
        headers.forEach((name, value) -> head.append(name).append(':').append(value).append('\n'));
        head.append('\n');
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.write(0);
        out.flush();
    }

    private Frame read() throws IOException {
        int first;
        do {
            first = in.read();
        } while (first == '\n' || first == '\r');
        if (first < 0) {
            return null;
        }
        String command = (char) first + line();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.putIfAbsent(line.substring(0, colon), line.substring(colon + 1));
        }
        byte[] body;
        String length = headers.get("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
            if (in.read() != 0) {
                throw new EOFException("truncated " + command + " frame");
            }
        } else {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            for (int b = in.read(); b != 0; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("truncated " + command + " frame");
                }
                buffer.write(b);
            }
            body = buffer.toByteArray();
        }
        return new Frame(command, headers, body, System.nanoTime());
    }

    private String line() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed inside a frame");
            }
            buffer.write(b);
        }
        String line = buffer.toString(StandardCharsets.UTF_8);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
