package fr.passerelle.gateway.shutdown;

import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) close the gateway before the JVM begins to shut down, and only then end the process
 * (status 128 + the signal's number, as a shell reports a signal). The JVM runs its shutdown hooks all at once,
 * and the embedded H2 database closes itself in one of them: had the drain run in Spring's own hook, beside it,
 * the exchanges still finishing would have found their database closed. Spring's hook stays, for every other way
 * the JVM may end; it finds the context already closed. ({@code sun.misc.Signal}, of the {@code jdk.unsupported}
 * module, is the JDK's one way to handle a signal.)
 */
public final class DrainOnSignal {

    private DrainOnSignal() {
    }

    /** Handles SIGTERM and SIGINT for this context from now on. */
    public static void install(ConfigurableApplicationContext context) {
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                Thread drain = new Thread(() -> {
                    try {
                        context.close();
                    } finally {
                        System.exit(128 + signal.getNumber());
                    }
                }, "drain-on-SIG" + name);
                drain.start();
            });
        }
    }
}
