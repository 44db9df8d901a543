package fr.passerelle.gateway.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bare STOMP 1.2 client over a plain socket, so that tests see exactly what a national service's own STOMP
 * tooling would send and receive. Every SEND and SUBSCRIBE asks for a receipt: a refusal then comes back as an
 * ERROR frame instead of passing unnoticed. The broker closes the connection after an ERROR, so use a new client
 * after a refusal. Not thread-safe.
 */
public final class StompClient implements AutoCloseable {

    /** One frame as received; header names keep their case, the first of repeated headers wins. */
    public record Frame(String command, Map<String, String> headers, byte[] body) {

        public String header(String name) {
            return headers.get(name);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean is(String expected) {
            return command.equals(expected);
        }

        @Override
        public String toString() {
            return command + headers + " (" + body.length + " bytes)";
        }
    }

    private final Duration timeout;
    private final Deque<Frame> pending = new ArrayDeque<>();
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int nextId;

    /** Waits up to five seconds for each answer of the broker. */
    public StompClient() {
        this(Duration.ofSeconds(5));
    }

    public StompClient(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Opens the connection and logs in; a null login sends no credentials at all.
     *
     * @return true if the broker answered CONNECTED, false if it answered ERROR or hung up
     */
    public boolean connect(String host, int port, String login, String passcode) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout((int) timeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept-version", "1.2");
        headers.put("host", host);
        headers.put("heart-beat", "0,0");
        if (login != null) {
            headers.put("login", login);
            headers.put("passcode", passcode);
        }
        write("CONNECT", headers, new byte[0], false);
        Frame answer = read();
        return answer != null && answer.is("CONNECTED");
    }

    /** Sends a text body (no content-length: the broker makes it a text message). */
    public Frame send(String destination, String body, Map<String, String> headers) throws IOException {
        return send(destination, body.getBytes(StandardCharsets.UTF_8), headers, false);
    }

    /** Sends a binary body with its content-length (the broker makes it a bytes message). */
    public Frame send(String destination, byte[] body, Map<String, String> headers) throws IOException {
        return send(destination, body, headers, true);
    }

    /**
     * Sends binary bodies one after the other without waiting for each receipt in turn (at most {@code window}
     * unanswered), as a busy client does; returns when the broker has given a receipt for every one.
     *
     * @throws IOException if the broker answers an ERROR or hangs up before the last receipt
     */
    public void sendAll(String destination, List<byte[]> bodies, Map<String, String> extra, int window)
            throws IOException {
        Deque<String> unanswered = new ArrayDeque<>();
        for (byte[] body : bodies) {
            if (unanswered.size() >= window) {
                awaitReceipt(unanswered.poll());
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("destination", destination);
            headers.put("content-length", Integer.toString(body.length));
            headers.putAll(extra);
            String receipt = "r-" + ++nextId;
            headers.put("receipt", receipt);
            write("SEND", headers, body, true);
            unanswered.add(receipt);
        }
        while (!unanswered.isEmpty()) {
            awaitReceipt(unanswered.poll());
        }
    }

    private void awaitReceipt(String receipt) throws IOException {
        while (true) {
            Frame frame = read();
            if (frame == null || frame.is("ERROR")) {
                throw new IOException("no receipt " + receipt + ": " + frame);
            }
            if (receipt.equals(frame.header("receipt-id"))) {
                return;
            }
            pending.add(frame);
        }
    }

    /**
     * Subscribes (auto acknowledgement) and waits for the receipt.
     *
     * @return the RECEIPT, or the ERROR if the broker refused, or null if it hung up
     */
    public Frame subscribe(String destination) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("id", "sub-" + ++nextId);
        headers.put("destination", destination);
        headers.put("ack", "auto");
        return withReceipt("SUBSCRIBE", headers, new byte[0]);
    }

    /**
     * The next MESSAGE or ERROR frame.
     *
     * @return the frame, or null if none came within the wait or the broker hung up
     */
    public Frame receive(Duration wait) throws IOException {
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        socket.setSoTimeout((int) wait.toMillis());
        try {
            return read();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout((int) timeout.toMillis());
        }
    }

    /** Subscribes and returns the first message; an ERROR frame if refused; null if nothing came. */
    public Frame receiveOne(String destination, Duration wait) throws IOException {
        Frame subscribed = subscribe(destination);
        if (subscribed == null || !subscribed.is("RECEIPT")) {
            return subscribed;
        }
        return receive(wait);
    }

    /**
     * Sends a bare end of line, which STOMP allows between frames: the broker then knows the client is there. It
     * closes a connection that sent it nothing for its connection TTL (60 s), reading or not.
     */
    public void keepAlive() throws IOException {
        out.write('\n');
        out.flush();
    }

    /** Says goodbye, waits for the broker's receipt, and closes. */
    public void disconnect() throws IOException {
        try {
            if (socket != null && !socket.isClosed()) {
                withReceipt("DISCONNECT", new LinkedHashMap<>(), new byte[0]);
            }
        } finally {
            close();
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }

    private Frame send(String destination, byte[] body, Map<String, String> extra, boolean withLength)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("destination", destination);
        if (withLength) {
            headers.put("content-length", Integer.toString(body.length));
        }
        headers.putAll(extra);
        return withReceipt("SEND", headers, body);
    }

    private Frame withReceipt(String command, Map<String, String> headers, byte[] body) throws IOException {
        String receipt = "r-" + ++nextId;
        headers.put("receipt", receipt);
        write(command, headers, body, true);
        while (true) {
            Frame frame = read();
            if (frame == null || frame.is("ERROR") || receipt.equals(frame.header("receipt-id"))) {
                return frame;
            }
            pending.add(frame);
        }
    }

    private void write(String command, Map<String, String> headers, byte[] body, boolean escape)
            throws IOException {
        StringBuilder head = new StringBuilder(command).append('\n');
        headers.forEach((name, value) -> head.append(escape ? escape(name) : name).append(':')
                .append(escape ? escape(value) : value).append('\n'));
        head.append('\n');
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.write(0);
        out.flush();
    }

    /** Reads one frame; null when the broker has closed the connection. */
    private Frame read() throws IOException {
        int first;
        do {
            first = in.read();
        } while (first == '\n' || first == '\r');
        if (first < 0) {
            return null;
        }
        String command = (char) first + line();
        boolean escaped = !command.equals("CONNECTED");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            String name = escaped ? unescape(line.substring(0, colon)) : line.substring(0, colon);
            String value = escaped ? unescape(line.substring(colon + 1)) : line.substring(colon + 1);
            headers.putIfAbsent(name, value);
        }
        byte[] body;
        String length = headers.get("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
            if (body.length < Integer.parseInt(length) || in.read() != 0) {
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
        return new Frame(command, headers, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed inside a frame");
            }
            buffer.write(b);
        }
        String line = buffer.toString(StandardCharsets.UTF_8);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace(":", "\\c");
    }

    private static String unescape(String text) {
        StringBuilder plain = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                plain.append(switch (next) {
                    case 'r' -> '\r';
                    case 'n' -> '\n';
                    case 'c' -> ':';
                    default -> next;
                });
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }
}
