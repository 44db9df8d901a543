package fr.passerelle.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Hands an envelope to a running gateway, as a national service would. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Put an envelope on national.<service>.out of a running gateway, as that service.",
            "The password is read from the environment variable PASSERELLE_BROKER_PASSWORD; without it the "
                + "sample password sample-<service> is used.",
            "Example: send --service ofast --in schemas/samples/intel-report-to-spain.xml"})
public final class SendCommand implements Callable<Integer> {

    @Option(names = "--service", required = true, paramLabel = "S", description = "The national service, e.g. ofast.")
    String service;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The envelope XML to send.")
    Path in;

    @Option(names = "--broker", paramLabel = "URL", defaultValue = "tcp://127.0.0.1:61616",
            description = "The gateway's broker. Default: ${DEFAULT-VALUE}.")
    String broker;

    @Override
    public Integer call() {
        return Cli.guarded(() -> {
            String password = System.getenv("PASSERELLE_BROKER_PASSWORD");
            if (password == null || password.isEmpty()) {
                System.err.println("note: PASSERELLE_BROKER_PASSWORD is not set; using the SAMPLE password");
                password = "sample-" + service;
            }
            byte[] envelope = Files.readAllBytes(in);
            try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker);
                 Connection connection = factory.createConnection(service, password);
                 Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                MessageProducer producer = session.createProducer(session.createQueue("national." + service + ".out"));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(envelope);
                producer.send(message);
            }
            System.out.println("sent " + in + " (" + envelope.length + " bytes) to national." + service + ".out");
        });
    }
}
