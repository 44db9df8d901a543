package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.routes.TestPki;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/**
 * ofast queues a backlog of 10,000 ROUTINE reports for Spain, then one IMMEDIATE alert (each at the JMS priority of
 * its envelope priority). Expects the IMMEDIATE one sealed and queued for Spain while the backlog is still being
 * worked through, and the first message Spain takes to be that one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class PriorityBacklogTest {

    private static final int BACKLOG = 10_000;

    private static int brokerPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        brokerPort = GatewayTestSupport.register(registry, "backlog");
    }

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anImmediateMessageOvertakesTenThousandRoutineOnes() throws Exception {
        String routine = new String(TestPki.sampleWithNewId("intel-report-to-spain.xml"), StandardCharsets.UTF_8)
                .replaceAll("<priority>[A-Z]+</priority>", "<priority>ROUTINE</priority>");
        String routineId = TestPki.messageIdOf(routine.getBytes(StandardCharsets.UTF_8));
        byte[] immediate = new String(TestPki.sampleWithNewId("intel-report-to-spain.xml"), StandardCharsets.UTF_8)
                .replaceAll("<priority>[A-Z]+</priority>", "<priority>IMMEDIATE</priority>")
                .getBytes(StandardCharsets.UTF_8);
        String immediateId = TestPki.messageIdOf(immediate);

        try (Connection connection = new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort)
                .createConnection("ofast", "sample-ofast")) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue("national.ofast.out"));
            for (int i = 0; i < BACKLOG; i++) {
                send(session, producer, routine.replace(routineId, UUID.randomUUID().toString())
                        .getBytes(StandardCharsets.UTF_8), 4);
                if (i % 500 == 499) {
                    session.commit();
                }
            }
            session.commit();
            send(session, producer, immediate, 9);
            session.commit();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (queued(immediateId) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(queued(immediateId)).as("the IMMEDIATE message queued for Spain").isEqualTo(1);
        int routineSealed = jdbc.queryForObject("select count(*) from message_store where direction = 'OUTBOUND'"
                + " and partner = 'spain' and message_id <> ?", Integer.class, immediateId);
        assertThat(routineSealed).as("ROUTINE messages sealed before it").isLessThan(BACKLOG / 2);

        Message first = new AmqpClient(brokerPort).receive("spain", "partner.spain.out", null, 30_000);
        assertThat(first.getStringProperty("PasserelleMessageId")).isEqualTo(immediateId);
        assertThat(first.getJMSPriority()).isEqualTo(9);
    }

    private static void send(Session session, MessageProducer producer, byte[] body, int priority)
            throws Exception {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(body);
        producer.send(message, DeliveryMode.PERSISTENT, priority, 0);
    }

    private int queued(String messageId) {
        return jdbc.queryForObject("select count(*) from audit_record where message_id = ? and event = 'OUTBOUND_QUEUED'",
                Integer.class, messageId);
    }
}
