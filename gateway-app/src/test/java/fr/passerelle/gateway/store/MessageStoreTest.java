package fr.passerelle.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.TestParties;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageStore.Direction;

/** The message store on H2 and PostgreSQL: plaintext encrypted at rest, tampering detected, retention applied. */
class MessageStoreTest {

    private static final MessageStore.Summary ALERT = MessageStore.Summary.ofType("ALERT");
    private static final MessageStore.Summary INTEL_REPORT = MessageStore.Summary.ofType("INTEL_REPORT");

    private static final byte[] PLAINTEXT = "<Envelope>FICTIONAL secret content</Envelope>"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path keys;

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    private JdbcMessageStore store(DataSource dataSource) throws Exception {
        return new JdbcMessageStore(new JdbcTemplate(dataSource), StorageKey.load(keys.resolve("store.key"), true),
                Clock.systemUTC());
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void storesSealedBytesAsTheyAreAndThePlaintextEncrypted(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        byte[] sealed = {0x30, (byte) 0x80, 1, 2, 3};

        store.store(Direction.OUTBOUND, "m-1", "spain", INTEL_REPORT, sealed, PLAINTEXT, null, null);

        var found = store.find("m-1");
        assertThat(found).singleElement().satisfies(message -> {
            assertThat(message.sealed()).isEqualTo(sealed);
            assertThat(message.plaintext()).isEqualTo(PLAINTEXT);
            assertThat(message.partner()).isEqualTo("spain");
        });
        byte[] atRest = new JdbcTemplate(dataSource).queryForObject(
                "select plaintext_sealed from message_store where message_id = 'm-1'", byte[].class);
        assertThat(new String(atRest, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
    }

    /**
     * Stores a copy twice, as a redelivery after a crash would; expects the first copy kept, then its delivery and
     * the partner's receipt recorded on it.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void keepsOneCopyPerDirectionMessageAndPartnerAndRecordsItsDelivery(Databases database) throws Exception {
        JdbcMessageStore store = store(database.fresh());
        byte[] first = {1, 1};
        byte[] receipt = {9, 9, 9};
        Instant at = Instant.parse("2026-11-27T10:00:00Z");

        assertThat(store.store(Direction.OUTBOUND, "m-3", "spain", ALERT,
                first, PLAINTEXT, null, "arrival-1")).isTrue();
        assertThat(store.store(Direction.OUTBOUND, "m-3", "spain", ALERT,
                new byte[] {2, 2}, PLAINTEXT, null, "arrival-2"))
                .isFalse();
        assertThat(store.store(Direction.OUTBOUND, "m-3", "morocco", ALERT,
                new byte[] {3}, PLAINTEXT, null, "arrival-1"))
                .isTrue();
        assertThat(store.copy(Direction.OUTBOUND, "m-3", "spain")).hasValueSatisfying(copy -> {
            assertThat(copy.sealed()).isEqualTo(first);
            assertThat(copy.source()).isEqualTo("arrival-1");
            assertThat(copy.deliveredAt()).isNull();
        });
        assertThat(store.copy(Direction.INBOUND, "m-3", "spain")).isEmpty();

        store.delivered("m-3", "spain", receipt, at);

        assertThat(store.copy(Direction.OUTBOUND, "m-3", "spain")).hasValueSatisfying(copy -> {
            assertThat(copy.receipt()).isEqualTo(receipt);
            assertThat(copy.deliveredAt()).isEqualTo(at);
        });
        assertThat(store.find("m-3")).hasSize(2);
        assertThatThrownBy(() -> store.delivered("m-4", "spain", null, at)).hasMessageContaining("no outbound copy");
    }

    /** A message type with a shorter retention goes first, whoever the partner. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void theShortestRetentionThatAppliesWins(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        store.store(Direction.OUTBOUND, "alert", "morocco", ALERT, new byte[] {1}, PLAINTEXT, null, null);
        store.store(Direction.OUTBOUND, "report", "morocco", INTEL_REPORT, new byte[] {1}, PLAINTEXT, null, null);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.update("update message_store set stored_at = ?", Timestamp.from(Instant.now().minus(Duration.ofDays(10))));
        var retention = new PasserelleProperties.Store(keys.resolve("store.key"), true, 365, Map.of(),
                Map.of("ALERT", 7));

        int purged = new StoreConfiguration.RetentionPurge(jdbc, retention, TestParties.sample(), new RecordingAudit(),
                Clock.systemUTC()).purge();

        assertThat(purged).isEqualTo(1);
        assertThat(jdbc.queryForList("select message_id from message_store", String.class)).containsExactly("report");
    }

    /**
     * Who read what: showing a stored message to a person writes an audit record naming the partners whose copies
     * were shown; a copy outside the person's desk is not even decrypted (its ciphertext is another row's here, which
     * does not decrypt, and the view still succeeds).
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void everyDisplayIsAuditedAndOnlyTheDesksCopiesAreDecrypted(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        store.store(Direction.INBOUND, "m-7", "spain", INTEL_REPORT, new byte[] {1}, PLAINTEXT, null, null);
        store.store(Direction.OUTBOUND, "m-7", "morocco", INTEL_REPORT, new byte[] {2}, PLAINTEXT, null, null);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.update("update message_store set plaintext_sealed = ? where partner = 'morocco'", (Object) jdbc
                .queryForObject("select plaintext_sealed from message_store where partner = 'spain'", byte[].class));
        RecordingAudit audit = new RecordingAudit();

        var shown = new MessageViews(store, audit).view("officer-spain", "m-7", "spain"::equals);

        assertThat(shown).singleElement().satisfies(copy -> {
            assertThat(copy.partner()).isEqualTo("spain");
            assertThat(copy.plaintext()).isEqualTo(PLAINTEXT);
        });
        assertThat(audit.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.event()).isEqualTo(AuditEvent.MESSAGE_READ);
            assertThat(entry.actor()).isEqualTo("officer-spain");
            assertThat(entry.messageId()).isEqualTo("m-7");
            assertThat(entry.details()).isEqualTo("1 stored copies shown (spain)");
        });
        assertThatThrownBy(() -> new MessageViews(store, audit).view("supervisor", "m-7"))
                .hasMessageContaining("cannot be decrypted");
    }

    /** A look-up that shows nothing is audited too, with why; an identifier from the address bar is kept tidy. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aRefusedLookUpIsAudited(Databases database) throws Exception {
        RecordingAudit audit = new RecordingAudit();
        MessageViews views = new MessageViews(store(database.fresh()), audit);

        views.refused("officer-spain", "m-8", "outside the desks of officer-spain");
        views.refused("officer-spain", "x".repeat(70) + "\n", "no message is known under this messageId");

        assertThat(audit.entries()).hasSize(2);
        assertThat(audit.entries().get(0)).satisfies(entry -> {
            assertThat(entry.event()).isEqualTo(AuditEvent.MESSAGE_READ_REFUSED);
            assertThat(entry.actor()).isEqualTo("officer-spain");
            assertThat(entry.messageId()).isEqualTo("m-8");
            assertThat(entry.details()).isEqualTo("outside the desks of officer-spain");
        });
        assertThat(audit.entries().get(1)).satisfies(entry -> {
            assertThat(entry.messageId()).isEqualTo("x".repeat(64));
            assertThat(entry.details()).isEqualTo("no message is known under this messageId; the messageId asked for"
                    + " (71 characters) is kept here printable, in its first 64");
        });
        assertThatThrownBy(() -> views.refused(" ", "m-8", "why")).hasMessageContaining("named user");
    }

    /** A stored ciphertext moved onto another message's row does not decrypt there. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aCiphertextMovedToAnotherRowIsRefused(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        store.store(Direction.OUTBOUND, "m-1", "spain", INTEL_REPORT, new byte[] {1}, PLAINTEXT, null, null);
        store.store(Direction.OUTBOUND, "m-2", "spain", INTEL_REPORT, new byte[] {2}, "other".getBytes(), null, null);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        byte[] first = jdbc.queryForObject("select plaintext_sealed from message_store where message_id = 'm-1'",
                byte[].class);
        jdbc.update("update message_store set plaintext_sealed = ? where message_id = 'm-2'", (Object) first);

        assertThatThrownBy(() -> store.find("m-2")).hasMessageContaining("cannot be decrypted");
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void thePurgeDeletesWhatIsPastRetentionAndAuditsIt(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        store.store(Direction.OUTBOUND, "old-spain", "spain", INTEL_REPORT, new byte[] {1}, PLAINTEXT, null, null);
        store.store(Direction.OUTBOUND, "old-morocco", "morocco", INTEL_REPORT, new byte[] {1}, PLAINTEXT, null, null);
        store.store(Direction.INBOUND, "new-spain", "spain", INTEL_REPORT, new byte[] {1}, PLAINTEXT, null, null);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.update("update message_store set stored_at = ? where message_id like 'old-%'",
                Timestamp.from(Instant.now().minus(Duration.ofDays(40))));
        RecordingAudit audit = new RecordingAudit();
        var retention = new PasserelleProperties.Store(keys.resolve("store.key"), true, 365, Map.of("spain", 30),
                Map.of());

        int purged = new StoreConfiguration.RetentionPurge(jdbc, retention, TestParties.sample(), audit,
                Clock.systemUTC()).purge();

        assertThat(purged).isEqualTo(1);
        assertThat(jdbc.queryForList("select message_id from message_store order by message_id", String.class))
                .isEqualTo(List.of("new-spain", "old-morocco"));
        assertThat(audit.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.event()).isEqualTo(AuditEvent.MESSAGE_PURGED);
            assertThat(entry.messageId()).isEqualTo("old-spain");
        });
    }
}
