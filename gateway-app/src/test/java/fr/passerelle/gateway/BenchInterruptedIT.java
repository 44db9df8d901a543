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
 * folder it was measuring in is deleted, not left behind in the temporary directory.
 */
class BenchInterruptedIT {

    private static final Pattern FOLDER = Pattern.compile("data folder \\(deleted at the end\\): (\\S+)");

    @TempDir
    Path work;

    @Test
    void aBenchStoppedMidRunLeavesNoFolderBehind() throws Exception {
        // To a file: Process.destroy() closes the pipes, and what the bench says while stopping matters here.
        Path output = work.resolve("bench.out");
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", System.getProperty("passerelle.jar", "gateway-app/target/passerelle.jar"),
                "bench", "--messages", "1000000", "--warmup", "0").redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
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

            bench.destroy(); // SIGTERM

            assertThat(bench.waitFor(2, TimeUnit.MINUTES)).as("the bench stops").isTrue();
            String said = Files.readString(output);
            assertThat(Files.exists(folder)).as("%s left behind; the bench said:%n%s", folder, said).isFalse();
            assertThat(said).contains("... interrupted: data folder deleted");
        } finally {
            bench.destroyForcibly();
        }
    }

    private static boolean said(Path output, String line) throws IOException {
        return Files.readAllLines(output).stream().anyMatch(l -> l.startsWith(line));
    }
}
