package fr.passerelle.gateway.cli;

import java.util.Arrays;
import java.util.stream.Stream;

import org.springframework.boot.SpringApplication;

import fr.passerelle.gateway.GatewayApplication;
import fr.passerelle.gateway.shutdown.DrainOnSignal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Starts the gateway. Extra arguments are Spring Boot properties, e.g. {@code --server.port=9443}. SIGTERM and
 * Ctrl-C drain it before the process ends (see {@link DrainOnSignal}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the gateway: embedded broker on 127.0.0.1:61616, partner endpoint on "
                + "https://127.0.0.1:8443, health and metrics on http://127.0.0.1:8081/actuator.",
            "Configuration comes from application.yml, ./config/application.yml, environment variables, or "
                + "arguments such as --passerelle.broker.port=61617."})
public final class ServeCommand implements Runnable {

    private static volatile boolean serving;

    @Parameters(arity = "0..*", paramLabel = "--property=value", description = "Spring Boot properties.")
    private String[] springArguments = new String[0];

    // Picocli takes "--key=value" for an unknown option rather than a parameter: those are Spring properties too.
    @CommandLine.Unmatched
    private String[] unmatchedArguments = new String[0];

    /** True once a gateway was started in this JVM, so that the launcher does not exit under it. */
    public static boolean isServing() {
        return serving;
    }

    public static void serve(String[] arguments) {
        serving = true;
        DrainOnSignal.install(SpringApplication.run(GatewayApplication.class, arguments));
    }

    /** The Spring Boot properties given on the command line, in their order. */
    String[] arguments() {
        return Stream.concat(Arrays.stream(unmatchedArguments), Arrays.stream(springArguments))
                .toArray(String[]::new);
    }

    @Override
    public void run() {
        serve(arguments());
    }
}
