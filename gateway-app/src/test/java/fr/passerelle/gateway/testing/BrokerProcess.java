package fr.passerelle.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One broker of a replicated pair as its own process: the packaged jar's {@code broker} command, started from the
 * repository root on the sample configuration the way an operator starts it, with the pair's secrets in its
 * environment. {@link #kill()} is {@code kill -9}. Its output goes to {@code broker-<role>.log} in the folder given.
 */
public final class BrokerProcess implements AutoCloseable {

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final String role;
    private Process process;

    /**
     * @param role {@code primary} or {@code backup}
     * @param environment the secrets, such as {@code PASSERELLE_BROKER_GATEWAYPASSWORD}
     */
    public BrokerProcess(Path folder, String role, int port, int peerPort, Map<String, String> environment) {
        this.role = role;
        this.environment = Map.copyOf(environment);
        this.log = folder.resolve("broker-" + role + ".log");
        this.command = List.of(GatewayProcess.java(), "-Xmx256m", "-jar", GatewayProcess.jar(), "broker",
                "--role", role, "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--data-directory", folder.resolve(role).toString(), "--peer", "127.0.0.1:" + peerPort);
    }

    /**
     * Starts the broker and waits for the line the command prints once the broker runs.
     *
     * @return that line, which says whether the broker is active or passive
     */
    public String start(Duration wait) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        String started = "broker (" + role + ") on ";
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + role + " broker exited with " + process.exitValue() + ":\n"
                        + tail());
            }
            for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
                if (line.startsWith(started)) {
                    return line;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the " + role + " broker did not start within " + wait + ":\n" + tail());
    }

    /** {@code kill -9}: no shutdown hook, no hand-over to the other broker. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The last lines the broker wrote, for a failure message. */
    public String tail() {
        return GatewayProcess.tail(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }
}
