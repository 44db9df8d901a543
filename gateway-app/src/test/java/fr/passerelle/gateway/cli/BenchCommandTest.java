package fr.passerelle.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import fr.passerelle.gateway.PasserelleMain;
import fr.passerelle.gateway.persistence.Databases;

/**
 * {@code bench} with 50 messages and two pairs of measured runs: expects exit 0 and a report with every figure
 * measured (the plain broker, the sealing loop on one thread and on every core, the pipeline, its latency, the
 * ratios), each above zero, p50 ≤ p99 ≤ max, each pair's runs, the warm-up rounds of both flows and the compilers'
 * share of the measured runs reported, the audit chain of the run intact, and nothing written to ./data/; and
 * settings out of reach refused by name. No figure is compared with a target: timings depend on the machine.
 */
class BenchCommandTest {

    @RegisterExtension
    final CapturedStandardError err = new CapturedStandardError();

    private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";

    @Test
    void reportsEveryFigureOfOneRun() {
        boolean dataBefore = Files.exists(Path.of("data"));

        String report = bench("--messages", "50", "--warmup", "10", "--warmup-rounds", "2", "--rate", "100",
                "--size", "2048", "--pairs", "2");

        assertThat(report).contains("machine: ").contains("cores");
        assertThat(report).containsPattern("(?m)^database: H2 [0-9][^,]*, schema PUBLIC, embedded, in the data"
                + " folder$");
        assertThat(figure(report, "plain broker: +" + NUMBER + " msg/s")).isPositive();
        assertThat(figure(report, "sealing, 1 thread: +" + NUMBER + " msg/s")).isPositive();
        assertThat(figure(report, "sealing, [0-9]+ threads: +" + NUMBER + " msg/s")).isPositive();
        assertThat(figure(report, "pipeline: +" + NUMBER + " msg/s")).isPositive();
        double p50 = figure(report, "latency: +p50 " + NUMBER + " ms");
        double p99 = figure(report, "latency: .*p99 " + NUMBER + " ms");
        double max = figure(report, "latency: .*max " + NUMBER + " ms");
        assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
        assertThat(p99).isLessThanOrEqualTo(max);
        assertThat(report).contains("50 messages at 100 msg/s");
        double slowestSpan = figure(report, "slowest 1%: +sent within " + NUMBER + " ms of each other");
        assertThat(slowestSpan).isNotNegative()
                .isLessThanOrEqualTo(figure(report, "slowest 1%: .*in a run of " + NUMBER + " ms"));
        assertThat(report).containsPattern("(?m)^gc pauses: +(none|[0-9]+, the longest [0-9]+ ms, [0-9]+ ms in all) ");
        double syncP50 = figure(report, "disk sync: +p50 " + NUMBER + " ms");
        assertThat(syncP50).isPositive().isLessThanOrEqualTo(figure(report, "disk sync: .*max " + NUMBER + " ms"));
        assertThat(figure(report, "pipeline / broker: +" + NUMBER)).isPositive();
        assertThat(figure(report, "pipeline / sealing: +" + NUMBER)).isPositive();
        assertThat(figure(report, "stages, mean: +validate " + NUMBER + " ms")).isPositive();
        assertThat(figure(report, "cpu per message: +pipeline " + NUMBER + " ms")).isPositive();
        assertThat(figure(report, "cpu per message: .*plain broker " + NUMBER + " ms")).isPositive();
        assertThat(report).contains("... warm-up: pipeline round 1 of at most 2, 10 messages, JIT compilers worked ");
        assertThat(report).containsPattern("(?m)^warm-up: +[12] pipeline round\\(s\\) of 10 messages[,;] ");
        assertThat(report).containsPattern("(?m)^warm-up: .*; after the plain broker, [12] pipeline round\\(s\\)"
                + " of 10 messages[,;] ");
        assertThat(report).containsPattern("(?m)^warm-up: .*; before the latency run, [12] pipeline round\\(s\\)"
                + " of 10 messages[,;] ");
        assertThat(report).contains("... warm-up: plain broker round 1 of at most 2, 10 messages, JIT compilers"
                + " worked ");
        assertThat(report).containsPattern("(?m)^broker warm-up: +[12] plain broker round\\(s\\) of 10 messages[,;] ");
        assertThat(figure(report, "JIT in the runs: +plain broker " + NUMBER + "%")).isNotNegative();
        assertThat(figure(report, "JIT in the runs: .*pipeline " + NUMBER + "%")).isNotNegative();
        assertThat(report).containsPattern("(?m)^JIT in the runs: +plain broker [0-9]+%( to [0-9]+%)?, pipeline"
                + " [0-9]+%( to [0-9]+%)?, latency [0-9]+% .* ([4-9]|1[0-2]) run\\(s\\) made for 4 kept");
        assertThat(report).contains("... pair 1 of 2: 50 messages through the plain broker, then 50 through the"
                + " pipeline").contains("... pair 2 of 2: ");
        assertThat(report).containsPattern("(?m)^plain broker: .* \\(runs: [0-9]+, [0-9]+\\)$");
        assertThat(report).containsPattern("(?m)^pipeline: .* \\(runs: [0-9]+, [0-9]+\\)$");
        assertThat(report).containsPattern("(?m)^pipeline / broker: +[0-9.]+ +\\(the median of 2 pairs of runs:"
                + " [0-9.]+, [0-9.]+, each a plain broker run then a pipeline run\\)$");
        assertThat(report).containsPattern("audit chain: +intact, [0-9]+ records");
        assertThat(collections(report)).isGreaterThanOrEqualTo(50 * 2 + 50 + 10 * 3);
        assertThat(Files.exists(Path.of("data"))).as("./data created by the bench").isEqualTo(dataBefore);
    }

    /**
     * {@code --database-url}: the gateway runs on PostgreSQL, in a schema the bench creates, names in the report and
     * drops at the end.
     */
    @Test
    void runsOnPostgresqlInASchemaOfItsOwn() throws Exception {
        Databases.requirePostgres();

        String report = bench("--messages", "20", "--warmup", "5", "--warmup-rounds", "1", "--rate", "100",
                "--pairs", "1", "--database-url", Databases.POSTGRES_URL, "--database-user", Databases.POSTGRES_USER);

        assertThat(report).contains("... starting the gateway (embedded broker and PostgreSQL, sample deployment)");
        // As the gateway's own connections report it.
        Matcher schema = Pattern.compile("(?m)^database: PostgreSQL [0-9][^,]*, schema (passerelle_bench_[0-9a-f]{16})"
                + " at " + Pattern.quote(Databases.POSTGRES_URL) + " as " + Databases.POSTGRES_USER
                + " \\(schema dropped at the end\\)$").matcher(report);
        assertThat(schema.find()).as(report).isTrue();
        assertThat(report).containsPattern("audit chain: +intact, [0-9]+ records");
        assertThat(collections(report)).isGreaterThanOrEqualTo(20 + 20 + 5 * 3);
        assertThat(Databases.postgresSchemaExists(schema.group(1))).as("the bench's schema, after the bench")
                .isFalse();
    }

    /** A size the envelope cannot have: refused by name before anything starts. */
    @Test
    void refusesASizeOutOfReachBeforeStarting() {
        int status = PasserelleMain.commandLine().execute("bench", "--size", "100000");

        assertThat(status).isEqualTo(1);
        assertThat(err.text()).contains("--size must be between").contains("not 100000");
    }

    /** No pair of measured runs: refused by name before anything starts. */
    @Test
    void refusesNoPairOfRuns() {
        int status = PasserelleMain.commandLine().execute("bench", "--pairs", "0");

        assertThat(status).isEqualTo(1);
        assertThat(err.text()).contains("--pairs must be at least 1, not 0");
    }

    /** No warm-up round at all is refused by name: use --warmup 0 to measure a cold JVM. */
    @Test
    void refusesNoWarmupRound() {
        int status = PasserelleMain.commandLine().execute("bench", "--warmup-rounds", "0");

        assertThat(status).isEqualTo(1);
        assertThat(err.text()).contains("--warmup-rounds must be at least 1, not 0");
    }

    /** Runs {@code bench} with these arguments; its report, once it exited 0. */
    private String bench(String... arguments) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int status;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String[] command = new String[arguments.length + 1];
            command[0] = "bench";
            System.arraycopy(arguments, 0, command, 1, arguments.length);
            status = PasserelleMain.commandLine().execute(command);
        } finally {
            System.setOut(original);
        }
        String report = captured.toString(StandardCharsets.UTF_8);
        original.println(report);
        assertThat(status).as(report + err.text()).isZero();
        return report;
    }

    /** Spain's takes recorded, once each, the last run's too: as many as the copies queued for it. */
    private static long collections(String report) {
        long collected = (long) figure(report, "collections: +" + NUMBER + " recorded");
        assertThat(collected).isEqualTo((long) figure(report, "collections: .* recorded for " + NUMBER
                + " copies queued"));
        return collected;
    }

    private static double figure(String report, String pattern) {
        Matcher matcher = Pattern.compile("^" + pattern, Pattern.MULTILINE).matcher(report);
        assertThat(matcher.find()).as("a line matching " + pattern + " in\n" + report).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
