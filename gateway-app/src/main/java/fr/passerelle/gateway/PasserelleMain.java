package fr.passerelle.gateway;

import fr.passerelle.gateway.cli.AuditCommand;
import fr.passerelle.gateway.cli.BenchCommand;
import fr.passerelle.gateway.cli.BrokerCommand;
import fr.passerelle.gateway.cli.CertsCommand;
import fr.passerelle.gateway.cli.ConsoleCommand;
import fr.passerelle.gateway.cli.OpenCommand;
import fr.passerelle.gateway.cli.SealCommand;
import fr.passerelle.gateway.cli.SendCommand;
import fr.passerelle.gateway.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line of the jar; with no command it serves, as {@code serve} does. */
@Command(name = "passerelle", mixinStandardHelpOptions = true, version = "Passerelle 0.1.0",
        description = {"Secure gateway for international anti-drug intelligence exchange.",
            "Run without a command to start the gateway (same as 'serve')."},
        subcommands = {ServeCommand.class, SealCommand.class, OpenCommand.class, SendCommand.class,
            CertsCommand.class, AuditCommand.class, BenchCommand.class, BrokerCommand.class,
            ConsoleCommand.class, CommandLine.HelpCommand.class})
public final class PasserelleMain implements Runnable {

    @CommandLine.Unmatched
    private String[] springArguments = new String[0];

    public static void main(String[] args) {
        int status = commandLine().execute(args);
        if (status != 0 || !ServeCommand.isServing()) {
            System.exit(status);
        }
    }

    /** The configured command line; tests run commands through it without exiting the JVM. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new PasserelleMain());
        commandLine.setUnmatchedArgumentsAllowed(true);
        commandLine.setUnmatchedOptionsArePositionalParams(false);
        return commandLine;
    }

    @Override
    public void run() {
        ServeCommand.serve(springArguments);
    }
}
