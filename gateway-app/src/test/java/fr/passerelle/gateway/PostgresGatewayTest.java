package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.store.JdbcMessageStore;
import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.routes.TestPki;

/**
 * The whole gateway on PostgreSQL instead of the embedded H2, configured as the README says: Flyway migrates a
 * fresh schema, a message goes out, and the audit chain and the message store hold it. Skips, and says so,
 * where no PostgreSQL answers at 127.0.0.1:5432, unless PASSERELLE_REQUIRE_POSTGRES is set.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // the gateway stops with this class, instead of running on against its dropped schema
class PostgresGatewayTest {

    private static int brokerPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String schema = Databases.newPostgresSchema();
        brokerPort = GatewayTestSupport.register(registry, "postgres");
        registry.add("spring.datasource.url", () -> Databases.POSTGRES_URL + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> Databases.POSTGRES_USER);
    }

    @AfterAll
    static void dropSchema() {
        Databases.dropCreatedSchemas();
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcMessageStore store;

    @Test
    void aMessageGoesOutAndTheTrailAndStoreHoldIt() throws Exception {
        byte[] envelope = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));
        AmqpClient amqp = new AmqpClient(brokerPort);
        amqp.send("ofast", "national.ofast.out", envelope);
        assertThat(amqp.receive("spain", "partner.spain.out", null, 20_000)).isNotNull();

        AuditVerifier.Result result = new AuditVerifier(dataSource, TestPki.partner("fr").trust()).verify();
        assertThat(result.intact()).as(result.problem()).isTrue();
        assertThat(result.records()).isGreaterThanOrEqualTo(3);
        assertThat(store.find("723b28e9-b340-46c1-be11-da3b671bf037")).singleElement()
                .satisfies(copy -> assertThat(copy.plaintext()).isEqualTo(envelope));
    }
}
