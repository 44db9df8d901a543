package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import javax.xml.transform.stream.StreamSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.review.ReviewException;
import fr.passerelle.gateway.review.ReviewService;
import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.format.Formats;
import fr.passerelle.routes.seal.CmsProfile;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

/**
 * The sample releasability policies, end to end on the embedded broker: Morocco's H2 waits for a supervisor
 * (four eyes), Benelux gets no persons, Europol gets its Europol-style XML, and every refusal has its own reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReleaseAndReviewTest {

    private static int brokerPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        brokerPort = GatewayTestSupport.register(registry, "release");
    }

    @Autowired
    ReviewService review;

    @Autowired
    JdbcTemplate jdbc;

    private final CmsProfile cms = new CmsProfile();

    private AmqpClient broker() {
        return new AmqpClient(brokerPort);
    }

    /**
     * An officer of the Moroccan desk submits an H2 report: it waits in gateway.review, ofast is told; the officer
     * cannot approve it; the supervisor does, and Morocco receives it.
     */
    @Test
    void anH2ReportForMoroccoLeavesOnlyWhenASecondPersonApprovesIt() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-h2-to-morocco.xml");
        String id = TestPki.messageIdOf(envelope);

        broker().send("ofast", "national.ofast.out", envelope, Map.of("PasserelleSubmitter", "officer-morocco"));

        Message notice = broker().receive("ofast", "national.ofast.in", "PasserelleMessageId = '" + id + "'", 30_000);
        assertThat(notice.getStringProperty("PasserelleNotice")).isEqualTo("HELD");
        assertThat(review.held(id)).hasValueSatisfying(held -> {
            assertThat(held.submitter()).isEqualTo("officer-morocco");
            assertThat(held.reasons()).contains("H2");
        });
        assertThat(broker().receive("morocco", "partner.morocco.out", null, 1_000)).as("nothing sent yet").isNull();

        assertThatThrownBy(() -> review.approve(id, "officer-morocco", "fine by me"))
                .isInstanceOfSatisfying(ReviewException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReviewException.Reason.SAME_PERSON));
        assertThat(review.held(id)).as("still held").isPresent();

        review.approve(id, "supervisor", "source protected, release agreed");

        Message sent = broker().receive("morocco", "partner.morocco.out", "PasserelleMessageId = '" + id + "'",
                30_000);
        assertThat(cms.open(AmqpClient.bytes(sent), TestPki.identity("morocco").decryption(),
                TestPki.partner("fr").trust()).content()).isEqualTo(envelope);
        assertThat(review.held(id)).isEmpty();
        assertThat(audit(id)).containsSubsequence("REVIEW_REQUESTED", "REVIEW_REFUSED", "REVIEW_APPROVED",
                "OUTBOUND_SEALED", "OUTBOUND_QUEUED");
        assertThat(jdbc.queryForObject("select decided_by from review_decision where message_id = ?", String.class,
                id)).isEqualTo("supervisor");
    }

    /** A supervisor rejects: the message goes to quarantine, ofast gets the supervisor's reason. */
    @Test
    void aRejectedReleaseGoesBackToItsSenderWithTheReason() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-h2-to-morocco.xml");
        String id = TestPki.messageIdOf(envelope);
        broker().send("ofast", "national.ofast.out", envelope);
        broker().receive("ofast", "national.ofast.in", "PasserelleMessageId = '" + id + "' AND PasserelleNotice = 'HELD'",
                30_000);

        review.reject(id, "supervisor", "the informant could be identified");

        Message refused = broker().receive("ofast", "national.ofast.in",
                "PasserelleMessageId = '" + id + "' AND PasserelleNotice = 'REFUSED'", 30_000);
        assertThat(refused.getStringProperty("PasserelleReasonCode")).isEqualTo("REVIEW_REJECTED");
        assertThat(((TextMessage) refused).getText()).contains("the informant could be identified");
        assertThat(broker().receive("admin", "gateway.quarantine", "PasserelleMessageId = '" + id + "'", 10_000)
                .getStringProperty("PasserelleReasonCode")).isEqualTo("REVIEW_REJECTED");
    }

    /** Benelux may not receive persons: it gets the report without them; the audit names what was removed. */
    @Test
    void beneluxReceivesTheReportWithoutPersons() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-with-persons-to-benelux.xml");
        String id = TestPki.messageIdOf(envelope);

        broker().send("ofast", "national.ofast.out", envelope);

        Message sent = broker().receive("benelux", "partner.benelux.out", "PasserelleMessageId = '" + id + "'",
                30_000);
        String received = new String(cms.open(AmqpClient.bytes(sent), TestPki.identity("benelux").decryption(),
                TestPki.partner("fr").trust()).content(), StandardCharsets.UTF_8);
        assertThat(received).doesNotContain("<person").doesNotContain("EXEMPLE").contains("<vehicle").contains(id);
        assertThat(jdbc.queryForObject("select details from audit_record where message_id = ?"
                + " and event = 'CONTENT_REDACTED'", String.class, id)).contains("persons P1, P2")
                .doesNotContain("EXEMPLE");
    }

    /** Europol's format is the Europol-style XML: what it opens validates against that schema. */
    @Test
    void europolReceivesEuropolStyleXml() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("request-for-information-to-europol.xml");
        String id = TestPki.messageIdOf(envelope);

        broker().send("ofast", "national.ofast.out", envelope);

        Message sent = broker().receive("europol", "partner.europol.out", "PasserelleMessageId = '" + id + "'",
                30_000);
        byte[] received = cms.open(AmqpClient.bytes(sent), TestPki.identity("europol").decryption(),
                TestPki.partner("fr").trust()).content();
        Formats.europolStyleSchema().newValidator().validate(new StreamSource(new ByteArrayInputStream(received)));
        assertThat(new String(received, StandardCharsets.UTF_8)).contains(id);
    }

    /**
     * An unknown partner, an envelope under another service's name, a service that may not write to AMON, a
     * classification above the Caribbean's ceiling: each in quarantine with its own reason, each sender told.
     */
    @Test
    void eachBadCaseIsQuarantinedWithItsOwnReason() throws Exception {
        assertRefused("ofast", replace("intel-report-to-spain.xml", "<recipient>spain</recipient>",
                "<recipient>atlantis</recipient>"), "UNKNOWN_PARTNER");
        assertRefused("douane", TestPki.sampleWithNewId("intel-report-to-spain.xml"), "SENDER_MISMATCH");
        assertRefused("gendarmerie", replace("asset-tracing-request-to-amon.xml", "<sender>tracfin</sender>",
                "<sender>gendarmerie</sender>"), "SENDER_NOT_AUTHORISED");
        assertRefused("douane", replace("seizure-notification-to-caribbean.xml",
                "<classification>RESTRICTED</classification>", "<classification>CONFIDENTIAL</classification>"),
                "CLASSIFICATION_TOO_HIGH");
    }

    private void assertRefused(String service, byte[] envelope, String reason) throws Exception {
        String id = TestPki.messageIdOf(envelope);
        broker().send(service, "national." + service + ".out", envelope);
        Message quarantined = broker().receive("admin", "gateway.quarantine", "PasserelleMessageId = '" + id + "'",
                30_000);
        assertThat(quarantined).as(reason).isNotNull();
        assertThat(quarantined.getStringProperty("PasserelleReasonCode")).isEqualTo(reason);
        Message notice = broker().receive(service, "national." + service + ".in", "PasserelleMessageId = '" + id + "'",
                10_000);
        assertThat(notice.getStringProperty("PasserelleReasonCode")).as("notice to " + service).isEqualTo(reason);
    }

    private static byte[] replace(String sample, String from, String to) {
        String text = new String(TestPki.sampleWithNewId(sample), StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    private List<String> audit(String messageId) {
        return jdbc.queryForList("select event from audit_record where message_id = ? order by seq", String.class,
                messageId);
    }
}
