package fr.passerelle.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import fr.passerelle.gateway.PasserelleMain;

/** {@code console hash-password}: the hash a console user's configuration takes, from a password on stdin. */
class ConsoleCommandTest {

    private int run(String stdin, ByteArrayOutputStream out, String... args) {
        InputStream in = System.in;
        PrintStream previous = System.out;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            return PasserelleMain.commandLine().execute(args);
        } finally {
            System.setIn(in);
            System.setOut(previous);
        }
    }

    /** Hashes a password read from stdin; expects a {bcrypt} hash that matches it and does not contain it. */
    @Test
    void printsABcryptHashOfThePasswordOnStandardInput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = run("correct horse battery staple\n", out, "console", "hash-password", "--strength", "10");

        String hash = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(status).isZero();
        assertThat(hash).startsWith("{bcrypt}$2a$10$").doesNotContain("horse");
        assertThat(new BCryptPasswordEncoder().matches("correct horse battery staple",
                hash.substring("{bcrypt}".length()))).isTrue();
    }

    /** A short password is refused with exit status 1 and no hash. */
    @Test
    void refusesAShortPassword() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThat(run("short\n", out, "console", "hash-password")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("{bcrypt}");
    }
}
