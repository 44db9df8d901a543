package fr.passerelle.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs command-line tools nobody here wrote ({@code openssl}, {@code curl}, {@code bash}) for
 * interoperability tests. A test that needs a missing tool is skipped, loudly, unless
 * {@code PASSERELLE_REQUIRE_TOOLS} is set (CI sets it), which makes its absence a failure.
 */
public final class Tools {

    private Tools() {
    }

    public static void assumePresent(String tool) {
        boolean present;
        try {
            present = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() == 0
                    || new ProcessBuilder(tool, "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        if (!present && System.getenv("PASSERELLE_REQUIRE_TOOLS") != null) {
            throw new AssertionError(tool + " is required (PASSERELLE_REQUIRE_TOOLS is set) but not installed");
        }
        if (!present) {
            System.err.println("SKIPPED: " + tool + " is not installed; the tests that drive it did not run");
        }
        Assumptions.assumeTrue(present, tool + " is not installed");
    }

    /** Runs the tool; fails the test with the tool's own words when it exits non-zero. */
    public static String run(Path workDir, String tool, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), tool, args);
    }

    /** Runs the tool with extra environment variables; fails the test when it exits non-zero. */
    public static String run(Path workDir, Map<String, String> environment, String tool, String... args)
            throws IOException, InterruptedException {
        Result result = attempt(workDir, environment, tool, args);
        assertThat(result.exitCode()).as("%s %s: %s", tool, String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    /** Runs the tool and returns its exit code and output (stdout and stderr), whatever they are. */
    public static Result attempt(Path workDir, Map<String, String> environment, String tool, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(tool);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(tool + " did not finish within 120 s");
        }
        return new Result(process.exitValue(), output);
    }

    /** What a tool said and how it ended. */
    public record Result(int exitCode, String output) {
    }
}
