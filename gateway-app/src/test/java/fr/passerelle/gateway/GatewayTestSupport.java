package fr.passerelle.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.springframework.boot.SpringApplication;
import org.springframework.test.context.DynamicPropertyRegistry;

import fr.passerelle.gateway.bench.BenchGateway;

/**
 * What every Boot test of the gateway shares: a free broker port and a throw-away data folder for the broker and
 * the database, so that tests never touch ./data/ nor the default ports of a gateway running beside them.
 */
public final class GatewayTestSupport {

    private static final int FIRST_PORT = 20_000;
    private static final int PORTS_TO_TRY = 12_000;
    // Each test JVM starts at its own place in the range: test runs side by side rarely meet.
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(new SecureRandom().nextInt(PORTS_TO_TRY));

    private GatewayTestSupport() {
    }

    /** Waits up to 10 s for a condition, and fails naming {@code what} if it does not come. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Starts the whole gateway on free ports with throw-away storage under {@code data}, plus {@code overrides}
     * (each replacing a default of the same key), then closes it: for tests of what start-up refuses.
     */
    public static void startAndClose(Path data, String... overrides) {
        List<String> args = new ArrayList<>(List.of(
                "--passerelle.broker.port=" + freePort(),
                "--passerelle.broker.data-directory=" + data.resolve("broker"),
                "--passerelle.store.key-file=" + data.resolve("store.key"),
                "--spring.datasource.url=jdbc:h2:mem:startup-" + System.nanoTime(),
                "--server.port=0", "--management.server.port=0", "--passerelle.console.port=0"));
        for (String override : overrides) {
            // Spring would join two values of one key with a comma.
            args.removeIf(arg -> arg.startsWith(override.substring(0, override.indexOf('=') + 1)));
            args.add(override);
        }
        SpringApplication.run(GatewayApplication.class, args.toArray(String[]::new)).close();
    }

    /**
     * A port nothing listens on, for a server the test starts a moment later. Taken below the range the system
     * hands out for port 0 and for outgoing connections (32768 and up on Linux), and never twice in one run, so that
     * neither another test's server nor a client's source port takes it in that moment.
     */
    public static int freePort() {
        for (int tries = 0; tries < PORTS_TO_TRY; tries++) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORTS_TO_TRY);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + FIRST_PORT + " and " + (FIRST_PORT + PORTS_TO_TRY));
    }

    /** Whether the port can be bound on every address (which fails when anything listens on it, on any). */
    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The database URL the gateway ships with, so that tests run its very options (only the folder changes). */
    public static String defaultDatabaseUrl() {
        return BenchGateway.defaultDatabaseUrl();
    }

    /** Registers ports and storage for one test application context; returns the broker port. */
    public static int register(DynamicPropertyRegistry registry, String name) {
        int brokerPort = freePort();
        Path data;
        try {
            data = Files.createTempDirectory("passerelle-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("passerelle.broker.port", () -> brokerPort);
        registry.add("passerelle.broker.data-directory", () -> data.resolve("broker").toString());
        registry.add("passerelle.store.key-file", () -> data.resolve("store.key").toString());
        // Test contexts stay cached for the whole run; their daily jobs have nothing to do there.
        registry.add("passerelle.store.purge-initial-delay", () -> "PT24H");
        registry.add("spring.datasource.url", () -> defaultDatabaseUrl().replace("./data/", data + "/"));
        registry.add("server.port", () -> 0);
        registry.add("passerelle.console.port", () -> 0);
        registry.add("management.server.port", () -> 0);
        return brokerPort;
    }
}
