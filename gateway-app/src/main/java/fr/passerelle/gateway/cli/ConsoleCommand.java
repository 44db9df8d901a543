package fr.passerelle.gateway.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Console tooling. */
@Command(name = "console", mixinStandardHelpOptions = true, description = "Console tooling.",
        subcommands = ConsoleCommand.HashPassword.class)
public final class ConsoleCommand {

    /** Prints the BCrypt hash of a password read from standard input, for passerelle.console.users.<u>.password-hash. */
    @Command(name = "hash-password", mixinStandardHelpOptions = true,
            description = {"Read a password from standard input (first line) and print its BCrypt hash, to put in "
                    + "passerelle.console.users.<user>.password-hash. The password is never an argument, so that it "
                    + "stays out of the shell history and the process list.",
                "Example: printf '%s' \"$PASSWORD\" | java -jar passerelle.jar console hash-password"})
    static final class HashPassword implements Callable<Integer> {

        /** The BCrypt work factor: each login costs about a quarter of a second on a small server. */
        @Option(names = "--strength", defaultValue = "12", paramLabel = "N",
                description = "BCrypt strength, 10 to 16 (default: ${DEFAULT-VALUE}).")
        int strength;

        @Override
        public Integer call() {
            return Cli.guarded(() -> {
                if (strength < 10 || strength > 16) {
                    throw new IllegalArgumentException("--strength must be between 10 and 16");
                }
                String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        .readLine();
                if (password == null || password.length() < 12) {
                    throw new IllegalArgumentException("give a password of at least 12 characters on standard input");
                }
                System.out.println("{bcrypt}" + new BCryptPasswordEncoder(strength).encode(password));
            });
        }
    }
}
