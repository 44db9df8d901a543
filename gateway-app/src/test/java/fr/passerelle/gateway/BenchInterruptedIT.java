package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} stopped by SIGTERM in the middle of a run, as Ctrl-C would: the gateway stops and the throw-away
 * folder it was measuring in is deleted, not left behind in the temporary directory. Killed with {@code kill -9}, it
 * leaves its folder, and the next run deletes it.
 */
class BenchInterruptedIT {

    private static final Pattern FOLDER = Pattern.compile("data folder \\(deleted at the end\\): (\\S+)");

    @TempDir
    Path work;

    @Test
    void aBenchStoppedMidRunLeavesNoFolderBehind() throws Exception {
        // To a file: Process.destroy() closes the pipes, and what the bench says while stopping matters here.
        Path output = work.resolve("bench.out");
        Process bench = bench(Files.createDirectories(work.resolve("tmp")), output);
        try {
            Path folder = awaitMeasuring(bench, output);

            bench.destroy(); // SIGTERM

            assertThat(bench.waitFor(2, TimeUnit.MINUTES)).as("the bench stops").isTrue();
            String said = Files.readString(output);
            assertThat(Files.exists(folder)).as("%s left behind; the bench said:%n%s", folder, said).isFalse();
            assertThat(said).contains("... interrupted: data folder deleted");
        } finally {
            bench.destroyForcibly();
        }
    }

    /**
     * {@code bench} killed with {@code kill -9} cannot delete its folder; the next run, in the same temporary
     * directory, finds it unlocked, deletes it and says so.
     */
    @Test
    void theNextBenchDeletesTheFolderOfOneKilledMidRun() throws Exception {
        Path temporary = Files.createDirectories(work.resolve("tmp"));
        Path killedOutput = work.resolve("killed.out");
        Process killed = bench(temporary, killedOutput);
        Path left;
        try {
            left = awaitMeasuring(killed, killedOutput);
            killed.destroyForcibly(); // kill -9
            assertThat(killed.waitFor(1, TimeUnit.MINUTES)).isTrue();
        } finally {
            killed.destroyForcibly();
        }
        assertThat(left).as("the killed bench's folder, left behind").isDirectory();

        Path nextOutput = work.resolve("next.out");
        Process next = bench(temporary, nextOutput);
        try {
            Path own = awaitMeasuring(next, nextOutput);
            assertThat(Files.readString(nextOutput)).contains("... deleted " + left
                    + ", the data folder of a bench that was killed");
            assertThat(left).doesNotExist();
            next.destroy();
            assertThat(next.waitFor(2, TimeUnit.MINUTES)).as("the bench stops").isTrue();
            assertThat(own).doesNotExist();
        } finally {
            next.destroyForcibly();
        }
        try (var remaining = Files.list(temporary)) {
            assertThat(remaining.map(Path::getFileName).map(Path::toString))
                    .noneMatch(name -> name.startsWith("passerelle-bench-"));
        }
    }

    private static Process bench(Path temporary, Path output) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Djava.io.tmpdir=" + temporary, "-jar",
                System.getProperty("passerelle.jar", "gateway-app/target/passerelle.jar"), "bench", "--messages",
                "1000000", "--warmup", "0").redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Waits until the bench measures, and returns its data folder. */
    private static Path awaitMeasuring(Process bench, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!said(output, "... sealing loop") && bench.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(said(output, "... sealing loop")).as("the bench started measuring: %s",
                Files.readString(output)).isTrue();
        Matcher folderLine = FOLDER.matcher(Files.readString(output));
        assertThat(folderLine.find()).isTrue();
        Path folder = Path.of(folderLine.group(1));
        assertThat(folder).as("the bench's folder while it runs").isDirectory();
        return folder;
    }

    private static boolean said(Path output, String line) throws IOException {
        return Files.readAllLines(output).stream().anyMatch(l -> l.startsWith(line));
    }
}
