package fr.passerelle.routes.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import javax.xml.transform.Templates;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.stream.StreamSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.seal.XmlDocuments;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.envelope.Envelope;

/**
 * Renders every sample envelope in each partner format; expects a europol-style rendering that validates and
 * keeps the header, a JSON rendering that validates and keeps every field, the committed renderings in
 * schemas/samples/formats unchanged, and hostile or invalid input refused with its reason.
 *
 * <p>The committed renderings are rewritten, instead of compared, when the build is run with
 * {@code -Dpasserelle.regenerateFormatSamples=true}; review the diff before committing it.
 */
class FormatsTest {

    private static final String EUROPOL_STYLE_NS = "urn:passerelle:europol-style:1";

    // Decimals kept as written (36.1300 stays 36.1300), so that values compare with the envelope's text.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private static final com.networknt.schema.Schema JSON_SCHEMA = jsonSchema();

    static List<Path> samples() {
        try (Stream<Path> files = Files.list(TestPki.root().resolve("schemas/samples"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void europolStyleRenderingValidatesAndKeepsTheHeader(Path sample) throws Exception {
        byte[] xml = Files.readAllBytes(sample);
        Envelope envelope = new EnvelopeReader(Integer.MAX_VALUE).read(xml);

        byte[] rendered = Formats.render(PartnerFormat.EUROPOL_STYLE, xml);

        assertThatCode(() -> Schemas.newValidator(Formats.europolStyleSchema())
                .validate(new StreamSource(new ByteArrayInputStream(rendered))))
                .doesNotThrowAnyException();
        Document document = XmlDocuments.parse(rendered);
        assertThat(document.getDocumentElement().getNamespaceURI()).isEqualTo(EUROPOL_STYLE_NS);
        assertThat(texts(document, "MessageId")).containsExactly(envelope.getMessageId());
        assertThat(texts(document, "Originator")).containsExactly(envelope.getSender());
        assertThat(texts(document, "Addressee")).isEqualTo(envelope.getRecipients().getRecipient());
        assertThat(texts(document, "Classification")).containsExactly(envelope.getClassification().value());
        assertThat(texts(document, "HandlingCode")).isEqualTo(
                envelope.getHandlingCodes().getHandlingCode().stream().map(code -> code.value()).toList());
        Element evaluation = (Element) document.getElementsByTagNameNS(EUROPOL_STYLE_NS, "Evaluation").item(0);
        assertThat(evaluation.getAttribute("source"))
                .isEqualTo(envelope.getEvaluation().getSourceReliability().value());
        assertThat(evaluation.getAttribute("information"))
                .isEqualTo(envelope.getEvaluation().getInformationAssessment().value());
        assertThat(texts(document, "Narrative")).isEqualTo(envelope.getBody().getFreeText() == null
                ? List.of() : List.of(envelope.getBody().getFreeText()));
        Element body = (Element) XmlDocuments.parse(xml).getElementsByTagNameNS(Schemas.ENVELOPE_NS, "body").item(0);
        List<String> renderedIds = new ArrayList<>(ids(document, "Entities"));
        renderedIds.addAll(ids(document, "Attachments"));
        assertThat(renderedIds).isEqualTo(childIds(body, "freeText"));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void jsonRenderingValidatesAndKeepsEveryField(Path sample) throws Exception {
        byte[] xml = Files.readAllBytes(sample);

        byte[] rendered = Formats.render(PartnerFormat.JSON, xml);

        assertThat(JSON_SCHEMA.validate(new String(rendered, StandardCharsets.UTF_8), InputFormat.JSON)).isEmpty();
        assertThat(leaves(JSON.readTree(rendered))).isEqualTo(leaves(XmlDocuments.parse(xml)));
    }

    /** Guards the JSON Schema itself: a schema that accepted anything would let every rendering pass. */
    @Test
    void jsonSchemaRefusesWhatTheEnvelopeSchemaRefuses() throws Exception {
        String json = new String(Formats.render(PartnerFormat.JSON,
                Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"))), StandardCharsets.UTF_8);

        assertThat(JSON_SCHEMA.validate(json.replace("\"H1\"", "\"H4\""), InputFormat.JSON)).isNotEmpty();
        assertThat(JSON_SCHEMA.validate(json.replace("\"messageId\"", "\"messageID\""), InputFormat.JSON))
                .isNotEmpty();
        assertThat(JSON_SCHEMA.validate(json.replace("\"sourceReliability\": \"B\"", "\"sourceReliability\": \"D\""),
                InputFormat.JSON)).isNotEmpty();
        assertThat(JSON_SCHEMA.validate(json.replace("\"latitude\": 36.1300", "\"latitude\": 91"), InputFormat.JSON))
                .isNotEmpty();
    }

    @Test
    void committedRenderingsAreWhatRenderProducesToday() throws IOException {
        Path directory = TestPki.root().resolve("schemas/samples/formats");
        if (Boolean.getBoolean("passerelle.regenerateFormatSamples")) {
            regenerate(directory);
        }
        List<Path> committed;
        try (Stream<Path> files = Files.list(directory)) {
            committed = files.sorted().toList();
        }
        assertThat(committed).extracting(file -> file.getFileName().toString()).contains(
                "intel-report-to-spain.europol-style.xml", "intel-report-to-spain.json",
                "request-for-information-to-europol.europol-style.xml", "request-for-information-to-europol.json");

        for (Path file : committed) {
            String name = file.getFileName().toString();
            PartnerFormat format = name.endsWith(".europol-style.xml") ? PartnerFormat.EUROPOL_STYLE
                    : name.endsWith(".json") ? PartnerFormat.JSON : null;
            assertThat(format).as("%s is not a rendering", name).isNotNull();
            String source = name.substring(0, name.indexOf('.')) + ".xml";
            byte[] expected = Formats.render(format, Files.readAllBytes(TestPki.sample(source)));

            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .as("%s differs from the rendering of %s: rerun with -Dpasserelle.regenerateFormatSamples=true",
                            name, source)
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        }
    }

    @Test
    void envelopeIsTheIdentity() throws IOException {
        byte[] xml = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));
        byte[] copy = xml.clone();

        assertThat(Formats.render(PartnerFormat.ENVELOPE, xml)).isSameAs(xml);
        assertThat(xml).isEqualTo(copy);
    }

    /** XXE: a DOCTYPE declaring an external entity is refused before any entity is resolved. */
    @ParameterizedTest
    @EnumSource(value = PartnerFormat.class, names = {"EUROPOL_STYLE", "JSON"})
    void doctypeIsRefused(PartnerFormat format) throws IOException {
        String sample = Files.readString(TestPki.sample("intel-report-to-spain.xml"));
        String hostile = sample
                .replace("<Envelope ", "<!DOCTYPE Envelope [<!ENTITY secret SYSTEM \"file:///etc/hostname\">]>\n"
                        + "<Envelope ")
                .replace("<freeText>FICTIONAL SAMPLE", "<freeText>&secret; FICTIONAL SAMPLE");

        assertThatThrownBy(() -> Formats.render(format, hostile.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.MALFORMED_XML));
    }

    @ParameterizedTest
    @EnumSource(value = PartnerFormat.class, names = {"EUROPOL_STYLE", "JSON"})
    void envelopeThatDoesNotValidateIsRefused(PartnerFormat format) throws IOException {
        String sample = Files.readString(TestPki.sample("intel-report-to-spain.xml"));
        String invalid = sample.replace("<sender>ofast</sender>", "");

        assertThatThrownBy(() -> Formats.render(format, invalid.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.SCHEMA_INVALID));
    }

    /** A stylesheet defect is not sent: its output fails europol-style-1.xsd, named without the content. */
    @Test
    void renderingThatDoesNotValidateIsABug() throws IOException {
        Templates broken = Formats.compile(new StreamSource(new StringReader("""
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                    xmlns:pe="urn:passerelle:envelope:1" xmlns="urn:passerelle:europol-style:1"
                    exclude-result-prefixes="pe">
                  <xsl:template match="/">
                    <Message><Header><MessageId><xsl:value-of select="//pe:freeText"/></MessageId></Header></Message>
                  </xsl:template>
                </xsl:stylesheet>
                """)));
        byte[] xml = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));

        assertThatThrownBy(() -> Formats.transform(broken, xml))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the europol-style rendering does not validate: cvc-")
                .hasMessageNotContaining("FICTIONAL");
    }

    /**
     * A stylesheet that reaches for a local file (document()) does not get it: external access is off in the
     * processor. The same stylesheet in a processor left as it comes does read the file, so the test can tell.
     */
    @Test
    void stylesheetCannotReadFiles(@TempDir Path directory) throws Exception {
        Path secret = directory.resolve("secret.xml");
        Files.writeString(secret, "<secret>LOCAL FILE CONTENT</secret>");
        String stylesheet = """
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                    xmlns="urn:passerelle:europol-style:1">
                  <xsl:template match="/">
                    <Message>
                      <Header>
                        <MessageId>00000000-0000-4000-8000-000000000000</MessageId>
                        <Created>2026-01-01T00:00:00Z</Created>
                        <Originator>ofast</Originator>
                        <Addressees><Addressee>spain</Addressee></Addressees>
                        <MessageKind>INFORMATION</MessageKind>
                        <Priority>ROUTINE</Priority>
                        <Classification>RESTRICTED</Classification>
                        <HandlingCodes/>
                        <Evaluation source="X" information="4"/>
                      </Header>
                      <Entities/>
                      <Narrative>read: <xsl:value-of select="document('%s')"/></Narrative>
                    </Message>
                  </xsl:template>
                </xsl:stylesheet>
                """.formatted(secret.toUri());
        byte[] xml = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));
        Templates unprotected = TransformerFactory.newDefaultInstance()
                .newTemplates(new StreamSource(new StringReader(stylesheet)));
        assertThat(new String(Formats.transform(unprotected, xml), StandardCharsets.UTF_8))
                .contains("LOCAL FILE CONTENT");

        Templates hardened = Formats.compile(new StreamSource(new StringReader(stylesheet)));

        assertThatThrownBy(() -> Formats.transform(hardened, xml))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the europol-style stylesheet failed")
                .hasMessageNotContaining("LOCAL FILE CONTENT");
    }

    @Test
    void jsonStringsAreEscaped() throws IOException {
        String sample = Files.readString(TestPki.sample("intel-report-to-spain.xml"));
        String tricky = "FICTIONAL \"quoted\" back\\slash tab\tcr\rlf\nend </script> \u2028\u2029 \uD83D\uDE00 é €";
        String xmlText = tricky.replace("\t", "&#9;").replace("\r", "&#13;").replace("<", "&lt;");
        String xml = sample.replaceFirst("<freeText>[^<]*</freeText>", Matcher.quoteReplacement("<freeText>" + xmlText + "</freeText>"));

        byte[] rendered = Formats.render(PartnerFormat.JSON, xml.getBytes(StandardCharsets.UTF_8));

        String json = new String(rendered, StandardCharsets.UTF_8);
        assertThat(JSON_SCHEMA.validate(json, InputFormat.JSON)).isEmpty();
        assertThat(JSON.readTree(rendered).at("/body/freeText").asText()).isEqualTo(tricky);
        assertThat(json).contains("\\\"quoted\\\"", "back\\\\slash", "tab\\tcr\\rlf\\nend", "\\u2028\\u2029",
                "\uD83D\uDE00 é €");
    }

    /** Every character that may not, or should not, appear raw in a JSON string comes out escaped and back. */
    @Test
    void controlCharactersAndLoneSurrogatesAreEscaped() throws IOException {
        StringBuilder text = new StringBuilder();
        for (char c = 0; c <= 0xa0; c++) {
            text.append(c);
        }
        StringBuilder out = new StringBuilder();

        EnvelopeJson.string(out, text.toString());

        assertThat(out.chars().filter(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f))).isEmpty();
        assertThat(JSON.readTree(out.toString()).asText()).isEqualTo(text.toString());

        StringBuilder lone = new StringBuilder();
        EnvelopeJson.string(lone, "a\uD800b\uDC00");
        assertThat(lone).hasToString("\"a\\ud800b\\udc00\"");
    }

    @Test
    void renderingIsTheSameFromManyThreads() throws Exception {
        byte[] xml = Files.readAllBytes(TestPki.sample("asset-tracing-request-to-amon.xml"));
        byte[] expectedXml = Formats.render(PartnerFormat.EUROPOL_STYLE, xml);
        byte[] expectedJson = Formats.render(PartnerFormat.JSON, xml);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[][]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> new byte[][] {
                        Formats.render(PartnerFormat.EUROPOL_STYLE, xml), Formats.render(PartnerFormat.JSON, xml)}));
            }
            for (Future<byte[][]> result : results) {
                assertThat(result.get()[0]).isEqualTo(expectedXml);
                assertThat(result.get()[1]).isEqualTo(expectedJson);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void formatsAreNamedAsInConfiguration() {
        assertThat(PartnerFormat.fromName("envelope")).isEqualTo(PartnerFormat.ENVELOPE);
        assertThat(PartnerFormat.fromName("europol-style")).isEqualTo(PartnerFormat.EUROPOL_STYLE);
        assertThat(PartnerFormat.fromName("json")).isEqualTo(PartnerFormat.JSON);
        assertThatThrownBy(() -> PartnerFormat.fromName("EUROPOL_STYLE"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EUROPOL_STYLE")
                .hasMessageContaining("envelope, europol-style, json");
        assertThatThrownBy(() -> PartnerFormat.fromName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mediaTypes() {
        assertThat(Formats.mediaType(PartnerFormat.ENVELOPE)).isEqualTo("application/xml");
        assertThat(Formats.mediaType(PartnerFormat.EUROPOL_STYLE)).isEqualTo("application/xml");
        assertThat(Formats.mediaType(PartnerFormat.JSON)).isEqualTo("application/json");
    }

    private static void regenerate(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (Path sample : samples()) {
            String base = sample.getFileName().toString().replaceFirst("\\.xml$", "");
            byte[] xml = Files.readAllBytes(sample);
            Files.write(directory.resolve(base + ".europol-style.xml"), Formats.render(PartnerFormat.EUROPOL_STYLE, xml));
            Files.write(directory.resolve(base + ".json"), Formats.render(PartnerFormat.JSON, xml));
        }
    }

    private static com.networknt.schema.Schema jsonSchema() {
        try (InputStream in = Formats.class.getResourceAsStream(Formats.ENVELOPE_JSON_SCHEMA)) {
            assertThat(in).as(Formats.ENVELOPE_JSON_SCHEMA).isNotNull();
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The id of each child of the europol-style element {@code localName} ("" for none), in order. */
    private static List<String> ids(Document document, String localName) {
        Node parent = document.getElementsByTagNameNS(EUROPOL_STYLE_NS, localName).item(0);
        return parent == null ? List.of() : childIds((Element) parent, null);
    }

    private static List<String> childIds(Element parent, String skippedLocalName) {
        List<String> ids = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && !element.getLocalName().equals(skippedLocalName)) {
                ids.add(element.getAttribute("id"));
            }
        }
        return ids;
    }

    private static List<String> texts(Document document, String localName) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < document.getElementsByTagNameNS(EUROPOL_STYLE_NS, localName).getLength(); i++) {
            texts.add(document.getElementsByTagNameNS(EUROPOL_STYLE_NS, localName).item(i).getTextContent());
        }
        return texts;
    }

    /**
     * Every value of the JSON by its path ({@code body.persons[0].familyName}): what a partner reads.
     */
    private static Map<String, String> leaves(JsonNode json) {
        Map<String, String> leaves = new TreeMap<>();
        collect(json, "", leaves);
        return leaves;
    }

    private static void collect(JsonNode node, String path, Map<String, String> leaves) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collect(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), leaves);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "[" + i + "]", leaves);
            }
        } else {
            leaves.put(path, node.isBigDecimal() ? node.decimalValue().toPlainString() : node.asText());
        }
    }

    /**
     * Every value of the envelope under the path the JSON rendering promises for it: wrappers of repeated
     * elements become lists, the body's repeated elements lists named in the plural, attributes fields.
     */
    private static Map<String, String> leaves(Document envelope) {
        Map<String, String> leaves = new TreeMap<>();
        collect(envelope.getDocumentElement(), "", false, leaves);
        return leaves;
    }

    private static void collect(Element element, String path, boolean inBody, Map<String, String> leaves) {
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            if (!"http://www.w3.org/2000/xmlns/".equals(attribute.getNamespaceURI())) {
                leaves.put(path + "." + attribute.getLocalName(), attribute.getValue());
            }
        }
        List<Element> children = new ArrayList<>();
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element childElement) {
                children.add(childElement);
            }
        }
        boolean wrapper = element.getLocalName().equals("recipients") || element.getLocalName().equals("handlingCodes");
        if (children.isEmpty()) {
            if (!wrapper && !element.getLocalName().equals("body")) {
                leaves.put(path, element.getTextContent());
            }
            return;
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (Element child : children) {
            String name = child.getLocalName();
            String childPath;
            if (wrapper) {
                childPath = path + "[" + (counts.merge("", 1, Integer::sum) - 1) + "]";
            } else if (inBody && !name.equals("freeText")) {
                childPath = path + "." + name + "s[" + (counts.merge(name, 1, Integer::sum) - 1) + "]";
            } else {
                childPath = path.isEmpty() ? name : path + "." + name;
            }
            collect(child, childPath, name.equals("body"), leaves);
        }
    }
}
