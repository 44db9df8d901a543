package fr.passerelle.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway ({@code passerelle.jar}) as its own process, started from the repository root the way an
 * operator starts it, on ports and folders of the test's own; {@link #kill()} is {@code kill -9}, {@link #stop}
 * is the operator's {@code kill} (SIGTERM). Its output goes to {@code gateway.log} in the data folder, appended
 * across restarts.
 */
public final class GatewayProcess implements AutoCloseable {

    /** What a command of the jar ({@code audit verify}, ...) answered. */
    public record CommandResult(int exitCode, String output) {
    }

    private final List<String> command;
    private final Path log;
    private final Path errors;
    private final int managementPort;
    private boolean separateErrors;
    private Process process;

    /**
     * @param data the folder for the broker journal, the database and the storage key
     * @param more further {@code --key=value} arguments; one naming a key set here (such as
     *     {@code --passerelle.console.port}) replaces it
     */
    public GatewayProcess(Path data, int brokerPort, int managementPort, String... more) {
        this.managementPort = managementPort;
        this.log = data.resolve("gateway.log");
        this.errors = data.resolve("gateway.err");
        command = new ArrayList<>(List.of(java(), "-Xmx512m", "-jar", jar()));
        for (String argument : List.of("--passerelle.broker.port=" + brokerPort,
                "--passerelle.broker.data-directory=" + data.resolve("broker"),
                "--passerelle.store.key-file=" + data.resolve("store.key"),
                "--spring.datasource.url=jdbc:h2:file:" + data.resolve("db/passerelle") + ";AUTO_SERVER=TRUE",
                "--server.port=0", "--passerelle.console.port=0", "--management.server.port=" + managementPort)) {
            // Spring would join two values of one key with a comma.
            String key = argument.substring(0, argument.indexOf('=') + 1);
            if (Arrays.stream(more).noneMatch(other -> other.startsWith(key))) {
                command.add(argument);
            }
        }
        command.addAll(List.of(more));
    }

    /**
     * Keeps standard error apart, in {@code gateway.err}, so that {@code gateway.log} holds standard output alone
     * (the log lines, not what the JVM itself may print). Call before {@link #start}.
     */
    public GatewayProcess separateErrors() {
        separateErrors = true;
        return this;
    }

    /** Starts the gateway and waits until its health endpoint answers. */
    public GatewayProcess start(Duration wait) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (separateErrors) {
            builder.redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()));
        } else {
            builder.redirectErrorStream(true);
        }
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/health")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue() + "; see " + log
                        + ":\n" + tail());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the gateway was not healthy within " + wait + "; see " + log + ":\n" + tail());
    }

    /** {@code kill -9}: no shutdown hook, no flush, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * SIGTERM, as {@code kill} or a service manager sends it, then waits for the process to end.
     *
     * @return its exit status
     * @throws IllegalStateException if it was still running after {@code wait} (it is then killed)
     */
    public int stop(Duration wait) throws InterruptedException {
        signal();
        return awaitExit(wait);
    }

    /** SIGTERM, as {@code kill} or a service manager sends it; returns at once. */
    public void signal() {
        process.destroy();
    }

    /**
     * Waits for the process to end.
     *
     * @return its exit status
     * @throws IllegalStateException if it was still running after {@code wait} (it is then killed)
     */
    public int awaitExit(Duration wait) throws InterruptedException {
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IllegalStateException("the gateway did not end within " + wait + " of SIGTERM:\n" + tail());
        }
        return process.exitValue();
    }

    /** Whether the gateway's process is running. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Everything the gateway wrote so far (standard output alone after {@link #separateErrors}). */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * Runs a command of the jar to its end, from the repository root like the gateway, and returns what it said.
     *
     * @param systemProperties {@code -Dkey=value} settings, e.g. the {@code spring.datasource.url} to read
     */
    public static CommandResult run(List<String> systemProperties, String... arguments)
            throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(java()));
        systemProperties.forEach(property -> line.add("-D" + property));
        line.addAll(List.of("-jar", jar()));
        line.addAll(List.of(arguments));
        Process command = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!command.waitFor(2, TimeUnit.MINUTES)) {
            command.destroyForcibly();
            throw new IllegalStateException(String.join(" ", arguments) + " did not end:\n" + output);
        }
        return new CommandResult(command.exitValue(), output);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String jar() {
        return System.getProperty("passerelle.jar", "gateway-app/target/passerelle.jar");
    }

    /** The last lines the gateway wrote, for a failure message. */
    public String tail() {
        return tail(log);
    }

    /** The last lines of a process's log, for a failure message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }
}
