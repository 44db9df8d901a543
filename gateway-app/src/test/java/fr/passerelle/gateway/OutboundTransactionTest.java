package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import jakarta.jms.Message;

/**
 * Sends the sample while every attempt fails after the sealed message was handed to the partner queue; expects
 * nothing on {@code partner.spain.out} (the send was rolled back with the consumption) and the original
 * envelope in {@code gateway.quarantine} once the broker gave up redelivering it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "passerelle.broker.max-delivery-attempts=2")
@Import(OutboundTransactionTest.FailAfterQueueing.class)
class OutboundTransactionTest {

    private static int brokerPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        brokerPort = GatewayTestSupport.register(registry, "transaction");
    }

    /** An audit trail that fails at the last step of the outbound flow, as a database outage would. */
    @TestConfiguration
    static class FailAfterQueueing {
        @Bean
        @Primary
        AuditTrail failingAudit() {
            return (messageId, event, actor, partner, details) -> {
                if (event == AuditEvent.OUTBOUND_QUEUED) {
                    throw new IllegalStateException("audit database unavailable (simulated)");
                }
            };
        }
    }

    @Test
    void failureAfterSendingRollsBackAndQuarantinesTheOriginal() throws Exception {
        byte[] envelope = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));
        AmqpClient amqp = new AmqpClient(brokerPort);
        amqp.send("ofast", "national.ofast.out", envelope);

        Message quarantined = amqp.receive("admin", "gateway.quarantine", null, 30_000);
        assertThat(quarantined).as("the message in quarantine after its delivery attempts").isNotNull();
        assertThat(AmqpClient.bytes(quarantined)).isEqualTo(envelope);
        assertThat(amqp.receive("admin", "partner.spain.out", null, 1_000))
                .as("a sealed message left on the partner queue by a rolled-back attempt").isNull();
    }
}
