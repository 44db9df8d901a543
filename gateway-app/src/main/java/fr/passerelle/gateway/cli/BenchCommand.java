package fr.passerelle.gateway.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.bench.BenchFolder;
import fr.passerelle.gateway.bench.Benchmark;
import fr.passerelle.gateway.bench.BenchGateway;
import fr.passerelle.gateway.bench.BenchSchema;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.seal.PartnerTrust;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures, in one run on this machine, the plain broker's persistent forwarding rate, the cryptography alone,
 * and the whole outbound flow seen from outside, and prints them with their ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark the outbound flow of a gateway on the embedded defaults and the",
            "sample deployment, in a throw-away folder on free ports (never ./data/).",
            "Prints, all measured in this run:",
            "- the plain broker's persistent forwarding rate (STOMP in, transacted",
            "  JMS forwarding between two queues, STOMP out);",
            "- a sealing loop (spain's profile) on one thread and on every core;",
            "- the pipeline's throughput, STOMP national.ofast.out to partner.spain.out;",
            "  it and the plain broker are measured in --pairs of runs made one after",
            "  the other, and their rates and ratio are the pairs' medians;",
            "- its latency p50/p99/max at a steady --rate, and how far apart the",
            "  slowest 1%% were sent (one stall, or spread over the run); the ratios;",
            "- the garbage collector's pauses during that latency run;",
            "- how long the disk takes to sync a 4 KiB write, as a journal commit waits.",
            "Everything is measured after a warm-up that lets the JIT compiler settle;",
            "the report says how much the compilers still worked during each run.",
            "With --database-url, the gateway runs on PostgreSQL, in a schema the bench",
            "creates and drops.",
            "Run it from the repository root. Example: bench --messages 5000 --size 4096"})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--messages", defaultValue = "2000", paramLabel = "N",
            description = "Messages per measured run. Default: ${DEFAULT-VALUE}.")
    int messages;

    @Option(names = "--size", defaultValue = "4096", paramLabel = "BYTES",
            description = "Size of each envelope, padded with free text. Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--rate", defaultValue = "500", paramLabel = "R",
            description = "Messages per second of the latency run. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--warmup", defaultValue = "2000", paramLabel = "N",
            description = "Messages per warm-up round, not counted: the sealing loop gets one round, then the"
                    + " pipeline gets rounds until the JIT compilers settle, and so does the plain broker. 0 measures"
                    + " a cold JVM. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--warmup-rounds", defaultValue = "60", paramLabel = "ROUNDS",
            description = "Warm-up rounds at most, of the pipeline and of the plain broker each; they end after"
                    + " the first round in which the JIT compilers worked less than 10%% of its time. Default:"
                    + " ${DEFAULT-VALUE}.")
    int warmupRounds;

    @Option(names = "--pairs", defaultValue = "5", paramLabel = "PAIRS",
            description = "Pairs of measured runs, each a plain broker run then a pipeline run, one after the"
                    + " other: the machine's other load weighs on both runs of a pair alike. The rates and the"
                    + " ratio reported are the pairs' medians. Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "Run the gateway on this PostgreSQL database instead of the embedded H2, in a schema of"
                    + " its own that the bench creates and drops (passerelle_bench_...; the account needs the"
                    + " right to create schemas). The password, if any, comes from the environment variable "
                    + PASSWORD_VARIABLE + ", never from the command line. Example:"
                    + " jdbc:postgresql://db.example:5432/passerelle")
    String databaseUrl;

    @Option(names = "--database-user", defaultValue = "passerelle", paramLabel = "USER",
            description = "The account on the --database-url database. Default: ${DEFAULT-VALUE}.")
    String databaseUser;

    static final String PASSWORD_VARIABLE = "PASSERELLE_BENCH_DATABASE_PASSWORD";

    /** The gateway under measurement, once started: the shutdown hook stops it before deleting its folder. */
    private volatile BenchGateway gateway;

    @Override
    public Integer call() {
        return Cli.guarded(() -> {
            Benchmark.Settings settings = new Benchmark.Settings(messages, size, rate, warmup, warmupRounds,
                    pairs);
            Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
            for (Path left : BenchFolder.sweep(temporary)) {
                progress("deleted " + left + ", the data folder of a bench that was killed");
            }
            String password = System.getenv().getOrDefault(PASSWORD_VARIABLE, "");
            BenchSchema schema = databaseUrl == null ? null : BenchSchema.create(databaseUrl, databaseUser,
                    password);
            if (schema != null) {
                schema.swept().forEach(left -> progress("dropped the schema " + left + " of a bench that was killed"));
                schema.notSwept().forEach((left, why) -> progress("left the schema " + left + " of a bench that was"
                        + " killed: " + why));
            }
            BenchFolder folder = BenchFolder.create(temporary);
            // Ctrl-C or SIGTERM: the gateway stops, and its folder and schema go too.
            Thread cleanUp = new Thread(() -> stopAndDelete(folder, schema), "bench-clean-up");
            Runtime.getRuntime().addShutdownHook(cleanUp);
            try {
                run(settings, folder.path(), schema == null ? null
                        : new BenchGateway.Database(schema.url(), databaseUser, password));
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanUp);
                } catch (IllegalStateException shuttingDown) {
                    return; // the hook is running: it deletes the folder once the gateway has stopped
                }
                try {
                    folder.delete();
                } finally {
                    if (schema != null) {
                        schema.close();
                    }
                }
            }
        });
    }

    private void stopAndDelete(BenchFolder folder, BenchSchema schema) {
        BenchGateway running = gateway;
        if (running != null) {
            running.close(); // returns once the gateway stopped, whichever hook began to stop it
        }
        try {
            folder.delete();
            System.out.println("... interrupted: data folder deleted");
        } catch (IOException | UncheckedIOException e) {
            System.err.println("Could not delete the data folder " + folder.path() + ": " + e.getMessage());
        }
        if (schema != null) {
            try {
                schema.close();
                System.out.println("... interrupted: schema " + schema.schema() + " dropped");
            } catch (SQLException e) {
                System.err.println("Could not drop the schema " + schema.schema() + ": " + e.getMessage()
                        + "; the next bench on that database drops it");
            }
        }
    }

    /** @param database where the gateway keeps its database, or null: the embedded H2, in {@code data} */
    private void run(Benchmark.Settings settings, Path data, BenchGateway.Database database) throws Exception {
        System.out.printf(Locale.ROOT, "Passerelle benchmark: %d messages of %d bytes per run, warm-up rounds of"
                + " %d, %d pair(s) of measured runs, latency at %.0f msg/s%n", messages, size, warmup, pairs, rate);
        System.out.println("machine: " + machine());
        System.out.println("data folder (deleted at the end): " + data);
        progress("starting the gateway (embedded broker and " + (database == null ? "H2" : "PostgreSQL")
                + ", sample deployment)");
        try (BenchGateway gateway = BenchGateway.start(data.resolve("gateway"), freePort(), database)) {
            this.gateway = gateway;
            DataSource dataSource = gateway.bean(DataSource.class);
            System.out.println("database: " + databaseInUse(dataSource) + (database == null
                    ? ", embedded, in the data folder"
                    : " at " + databaseUrl + " as " + databaseUser + " (schema dropped at the end)"));
            Benchmark.Report report = new Benchmark(settings, gateway, BenchCommand::progress)
                    .run(data.resolve("plain-broker"), freePort());
            progress("checking the audit chain of the run");
            PasserelleProperties properties = gateway.bean(PasserelleProperties.class);
            AuditVerifier.Result audit = new AuditVerifier(dataSource, PartnerTrust.of(
                    Pem.readCertificates(properties.identity().directory().resolve("ca.pem")))).verify();
            System.out.println();
            System.out.print(report.text());
            System.out.println("audit chain:        " + (audit.intact() ? "intact, " + audit.records() + " records"
                    : "BROKEN at record " + audit.brokenSeq() + ": " + audit.problem()));
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            long queued = count(jdbc, AuditEvent.OUTBOUND_QUEUED);
            long collected = count(jdbc, AuditEvent.OUTBOUND_COLLECTED);
            System.out.println("collections:        " + collected + " recorded for " + queued + " copies queued"
                    + "   (OUTBOUND_COLLECTED and OUTBOUND_QUEUED audit records: each pipeline run waits until the"
                    + " gateway recorded its takes, in its processor time)");
            if (!audit.intact() || collected != queued) {
                throw new Cli.Failure();
            }
        }
    }

    /** What the gateway's own connections reach: the database product, its version and the current schema. */
    private static String databaseInUse(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData database = connection.getMetaData();
            return database.getDatabaseProductName() + " " + database.getDatabaseProductVersion() + ", schema "
                    + connection.getSchema();
        }
    }

    private static long count(JdbcTemplate jdbc, AuditEvent event) {
        return jdbc.queryForObject("select count(*) from audit_record where event = ?", Long.class, event.name());
    }

    private static void progress(String step) {
        System.out.println("... " + step);
    }

    /** Cores, CPU, JVM and OS: what the figures depend on. */
    static String machine() {
        String cpu = "";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> " (" + line.substring(line.indexOf(':') + 1).strip() + ")").orElse("");
        } catch (IOException | UncheckedIOException e) {
            // Not Linux: the core count says enough.
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.availableProcessors() + " cores" + cpu + ", " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", max heap "
                + runtime.maxMemory() / (1024 * 1024) + " MiB, JVM options "
                + ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
