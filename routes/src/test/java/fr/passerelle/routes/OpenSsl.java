package fr.passerelle.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs the {@code openssl} command for interoperability tests. Tests that need it are skipped, loudly, where it
 * is missing, unless {@code PASSERELLE_REQUIRE_TOOLS} is set (CI sets it), which makes its absence a failure.
 */
public final class OpenSsl {

    private OpenSsl() {
    }

    public static void assumePresent() {
        boolean present;
        try {
            present = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        if (!present && System.getenv("PASSERELLE_REQUIRE_TOOLS") != null) {
            throw new AssertionError("openssl is required (PASSERELLE_REQUIRE_TOOLS is set) but not installed");
        }
        if (!present) {
            System.err.println("SKIPPED: openssl is not installed; interoperability tests did not run");
        }
        Assumptions.assumeTrue(present, "openssl is not installed");
    }

    /** Runs openssl with the arguments; fails the test with openssl's own words when it exits non-zero. */
    public static String run(Path workDir, String... args) throws IOException, InterruptedException {
        Result result = attempt(workDir, args);
        assertThat(result.exitCode()).as("openssl %s: %s", String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    /** Runs openssl and returns its exit code and output, whatever they are. */
    public static Result attempt(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl did not finish within 60 s");
        }
        return new Result(process.exitValue(), output);
    }

    public record Result(int exitCode, String output) {
    }
}
