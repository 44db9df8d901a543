package fr.passerelle.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged gateway ({@code passerelle.jar}) as its own process, started from the repository root the way an
 * operator starts it, on ports and folders of the test's own; {@link #kill()} is {@code kill -9}.
 */
public final class GatewayProcess implements AutoCloseable {

    private final List<String> command;
    private final Path log;
    private final int managementPort;
    private Process process;

    /**
     * @param data the folder for the broker journal, the database and the storage key
     * @param more further {@code --key=value} arguments
     */
    public GatewayProcess(Path data, int brokerPort, int managementPort, String... more) {
        this.managementPort = managementPort;
        this.log = data.resolve("gateway.log");
        String jar = System.getProperty("passerelle.jar", "gateway-app/target/passerelle.jar");
        command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar,
                "--passerelle.broker.port=" + brokerPort,
                "--passerelle.broker.data-directory=" + data.resolve("broker"),
                "--passerelle.store.key-file=" + data.resolve("store.key"),
                "--spring.datasource.url=jdbc:h2:file:" + data.resolve("db/passerelle") + ";AUTO_SERVER=TRUE",
                "--server.port=0", "--passerelle.console.port=0", "--management.server.port=" + managementPort));
        command.addAll(List.of(more));
    }

    /** Starts the gateway and waits until its health endpoint answers. */
    public GatewayProcess start(Duration wait) throws IOException, InterruptedException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
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

    /** The last lines the gateway wrote, for a failure message. */
    public String tail() {
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
