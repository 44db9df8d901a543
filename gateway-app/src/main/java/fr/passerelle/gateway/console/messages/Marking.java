package fr.passerelle.gateway.console.messages;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.seal.XmlDocuments;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.HandlingCode;

/**
 * What a person must see before reading a message: its classification, its handling codes and its evaluation,
 * each with what it means.
 *
 * @param classification the protective marking, or null when unknown
 * @param handlingCodes the handling codes, possibly none; null when unknown
 * @param evaluation source reliability and information assessment, e.g. {@code B2}; null when unknown
 * @param evaluationMeaning what the evaluation says, for a person
 */
record Marking(String classification, List<Code> handlingCodes, String evaluation, String evaluationMeaning) {

    /** A handling code and the restriction it puts on the recipient; public where the template calls it. */
    record Code(String code, String meaning) {

        /** Whether the code restricts what the recipient may do beyond its national law. */
        public boolean restrictive() {
            return !"H0".equals(code);
        }
    }

    private static final String EUROPOL_STYLE = "urn:passerelle:europol-style:1";

    private static final Map<String, String> HANDLING = Map.of(
            "H0", "may be used under the recipient's national law; no further restriction",
            "H1", "not to be used as evidence in judicial proceedings without the provider's permission",
            "H2", "not to be passed on without the provider's permission",
            "H3", "other restrictions apply, stated in the message");

    private static final Map<String, String> RELIABILITY = Map.of(
            "A", "source: no doubt about its reliability",
            "B", "source: proved reliable in most instances",
            "C", "source: proved unreliable in most instances",
            "X", "source: reliability cannot be assessed");

    private static final Map<String, String> ASSESSMENT = Map.of(
            "1", "information: accuracy not in doubt",
            "2", "information: known personally to the source but not to the official passing it on",
            "3", "information: not known personally to the source, corroborated by information already recorded",
            "4", "information: not known personally to the source and cannot be corroborated");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The marking of a canonical envelope. */
    static Marking of(Envelope envelope) {
        List<String> codes = envelope.getHandlingCodes() == null ? List.of()
                : envelope.getHandlingCodes().getHandlingCode().stream().map(HandlingCode::value).toList();
        return of(envelope.getClassification() == null ? null : envelope.getClassification().value(), codes,
                envelope.getEvaluation() == null ? null : envelope.getEvaluation().getSourceReliability().value(),
                envelope.getEvaluation() == null ? null
                        : envelope.getEvaluation().getInformationAssessment().value());
    }

    /** Only the classification, as the store keeps it in clear, when the content gives nothing better. */
    static Marking ofClassification(String classification) {
        return new Marking(classification, null, null, null);
    }

    /**
     * The marking read from a copy in a partner's format (europol-style XML or JSON), or null when it is neither.
     * The XML is parsed without DOCTYPE or entities, as every untrusted document is.
     */
    static Marking ofPartnerFormat(byte[] plaintext) {
        int start = 0;
        while (start < plaintext.length && Character.isWhitespace(plaintext[start])) {
            start++;
        }
        if (start == plaintext.length) {
            return null;
        }
        return plaintext[start] == '{' ? ofJson(plaintext) : ofEuropolStyle(plaintext);
    }

    private static Marking ofJson(byte[] plaintext) {
        try {
            JsonNode root = JSON.readTree(plaintext);
            if (root == null || !root.isObject()) {
                return null;
            }
            List<String> codes = new ArrayList<>();
            root.path("handlingCodes").forEach(code -> codes.add(code.asText()));
            JsonNode evaluation = root.path("evaluation");
            return of(text(root.path("classification")), codes, text(evaluation.path("sourceReliability")),
                    text(evaluation.path("informationAssessment")));
        } catch (IOException e) {
            return null;
        }
    }

    private static Marking ofEuropolStyle(byte[] plaintext) {
        Element root;
        try {
            root = XmlDocuments.parse(plaintext).getDocumentElement();
        } catch (GatewayException e) {
            return null;
        }
        if (!EUROPOL_STYLE.equals(root.getNamespaceURI())) {
            return null;
        }
        List<String> codes = new ArrayList<>();
        NodeList handling = root.getElementsByTagNameNS(EUROPOL_STYLE, "HandlingCode");
        for (int i = 0; i < handling.getLength(); i++) {
            codes.add(handling.item(i).getTextContent().trim());
        }
        NodeList classification = root.getElementsByTagNameNS(EUROPOL_STYLE, "Classification");
        NodeList evaluation = root.getElementsByTagNameNS(EUROPOL_STYLE, "Evaluation");
        Element grade = evaluation.getLength() == 0 ? null : (Element) evaluation.item(0);
        return of(classification.getLength() == 0 ? null : classification.item(0).getTextContent().trim(), codes,
                grade == null ? null : grade.getAttribute("source"),
                grade == null ? null : grade.getAttribute("information"));
    }

    private static Marking of(String classification, List<String> codes, String reliability, String assessment) {
        List<Code> handling = codes.stream()
                .map(code -> new Code(code, HANDLING.getOrDefault(code, "unknown handling code"))).toList();
        if (reliability == null || reliability.isEmpty() || assessment == null || assessment.isEmpty()) {
            return new Marking(classification, handling, null, null);
        }
        return new Marking(classification, handling, reliability + assessment,
                RELIABILITY.getOrDefault(reliability, "source: unknown grade") + "; "
                        + ASSESSMENT.getOrDefault(assessment, "information: unknown grade"));
    }

    private static String text(JsonNode node) {
        return node.isValueNode() ? node.asText() : null;
    }
}
