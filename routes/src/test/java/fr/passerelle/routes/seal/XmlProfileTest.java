package fr.passerelle.routes.seal;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.encryption.EncryptedData;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.keys.KeyInfo;
import org.apache.xml.security.keys.content.X509Data;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.utils.EncryptionConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.XmlSec1;
import fr.passerelle.routes.validate.EnvelopeReader;

/** The xml profile: round trips, interoperability with xmlsec1 in both directions, and every refusal. */
class XmlProfileTest {

    private static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";
    private static final Pattern CIPHER_VALUE =
            Pattern.compile("<xenc:CipherValue>([^<]*)</xenc:CipherValue>");

    private final XmlProfile xml = new XmlProfile();
    private final LocalIdentity fr = TestPki.identity("fr");
    private final LocalIdentity spain = TestPki.identity("spain");
    private final Partner spainAsPartner = TestPki.partner("spain");
    private final Partner frAsPartner = TestPki.partner("fr");
    private final Credential spainSigning = TestPki.credential("spain", "sign");

    @TempDir
    Path work;

    @Test
    void sealedForSpainOpensForSpainWithFrAsSigner() throws Exception {
        byte[] sample = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));

        byte[] sealed = xml.seal(sample, fr.signing(), spainAsPartner.currentEncryption());
        Opened opened = xml.open(sealed, spain.decryption(), frAsPartner.trust());

        assertThat(new String(sealed, StandardCharsets.UTF_8)).doesNotContain("Algeciras");
        assertThat(opened.content()).isEqualTo(sample);
        assertThat(opened.signer()).isEqualTo(fr.signing().certificate());
    }

    @Test
    void returnsTheEnvelopeWithoutItsSignatureBecauseTheSchemaHasNoPlaceForIt() {
        EnvelopeReader reader = new EnvelopeReader(1 << 20);
        byte[] signed = xml.sign(sample(), spainSigning);

        Opened opened = xml.open(xml.encrypt(signed, frAsPartner.currentEncryption()), fr.decryption(),
                spainAsPartner.trust());

        assertRefused(() -> reader.read(signed), ReasonCode.SCHEMA_INVALID);
        assertThat(reader.read(opened.content()).getMessageId()).isEqualTo("992ff21b-371f-4039-94db-124e3e6f7d03");
    }

    @Test
    void findsOurKeyNamedBySubjectKeyIdentifier() throws Exception {
        X509Certificate ours = frAsPartner.currentEncryption();
        String signed = new String(xml.sign(sample(), spainSigning), StandardCharsets.UTF_8);
        byte[] sealed = encryptOctets(signed.substring(signed.indexOf("<Envelope")).getBytes(StandardCharsets.UTF_8),
                XMLCipher.AES_256_GCM, ours, data -> data.addSKI(ours));

        assertThat(xml.open(sealed, fr.decryption(), spainAsPartner.trust()).content()).isEqualTo(sample());
    }

    @Test
    void opensADocumentSignedByReferenceToTheRootId() throws Exception {
        byte[] signed = signReferencing(withRootId(sample(), "env"), "#env", spainSigning);

        Opened opened = xml.open(xml.encrypt(signed, frAsPartner.currentEncryption()), fr.decryption(),
                spainAsPartner.trust());

        assertThat(opened.content()).isEqualTo(canonical(withRootId(sample(), "env")));
    }

    @Test
    void sealsAndOpensConcurrently() throws Exception {
        byte[] sample = sample();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Opened>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> xml.open(xml.seal(sample, spainSigning, frAsPartner.currentEncryption()),
                        fr.decryption(), spainAsPartner.trust())));
            }
            for (Future<Opened> result : results) {
                assertThat(result.get().content()).isEqualTo(sample);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void xmlsec1DecryptsAndVerifiesWhatWeSeal() throws Exception {
        XmlSec1.assumePresent();
        byte[] signed = xml.sign(Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml")), fr.signing());
        Files.write(work.resolve("sealed.xml"), xml.encrypt(signed, spainAsPartner.currentEncryption()));

        XmlSec1.decryptAndVerify(work, "sealed.xml", "spain", "fr", "signed.xml");

        assertThat(canonical(Files.readAllBytes(work.resolve("signed.xml")))).isEqualTo(canonical(signed));
    }

    @Test
    void weOpenWhatXmlsec1Seals() throws Exception {
        XmlSec1.assumePresent();
        Files.copy(TestPki.sample("intel-report-from-spain.xml"), work.resolve("envelope.xml"));
        XmlSec1.signAndEncrypt(work, "envelope.xml", "spain", "fr", "sealed.xml");

        Opened opened = xml.open(Files.readAllBytes(work.resolve("sealed.xml")), fr.decryption(),
                spainAsPartner.trust());

        assertThat(opened.content()).isEqualTo(sample());
        assertThat(opened.signer()).isEqualTo(spainSigning.certificate());
    }

    /** Tampering in transit: one flipped byte of the ciphertext breaks the GCM tag. */
    @Test
    void refusesAlteredCiphertext() {
        String sealed = new String(xml.seal(sample(), spainSigning, frAsPartner.currentEncryption()),
                StandardCharsets.UTF_8);
        Matcher content = CIPHER_VALUE.matcher(sealed);
        int start = -1;
        int end = -1;
        while (content.find()) {
            start = content.start(1);
            end = content.end(1);
        }
        byte[] ciphertext = Base64.getMimeDecoder().decode(sealed.substring(start, end));
        ciphertext[ciphertext.length / 2] ^= 0x01;
        byte[] altered = (sealed.substring(0, start) + Base64.getEncoder().encodeToString(ciphertext)
                + sealed.substring(end)).getBytes(StandardCharsets.UTF_8);

        assertRefused(() -> xml.open(altered, fr.decryption(), spainAsPartner.trust()), ReasonCode.DECRYPTION_FAILED);
    }

    /** A message meant for someone else never reaches the signature step. */
    @Test
    void refusesAMessageNotEncryptedForUs() {
        byte[] sealed = xml.seal(sample(), fr.signing(), spainAsPartner.currentEncryption());

        assertRefused(() -> xml.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.NOT_FOR_US);
    }

    /** Impersonation: Morocco signs, but the message claims to come from Spain's channel. */
    @Test
    void refusesASignerFromAnotherPartner() {
        byte[] sealed = xml.seal(sample(), TestPki.credential("morocco", "sign"), frAsPartner.currentEncryption());

        assertRefused(() -> xml.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.CERT_UNKNOWN_CA);
    }

    /** Content changed after signing, then encrypted again: the digest no longer matches. */
    @Test
    void refusesContentChangedAfterSigning() {
        String signed = new String(xml.sign(sample(), spainSigning), StandardCharsets.UTF_8);
        assertThat(signed).contains("<priority>URGENT</priority>");
        byte[] tampered = signed.replace("<priority>URGENT</priority>", "<priority>ROUTINE</priority>")
                .getBytes(StandardCharsets.UTF_8);
        byte[] sealed = xml.encrypt(tampered, frAsPartner.currentEncryption());

        assertRefused(() -> xml.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.SIGNATURE_INVALID);
    }

    /** Signature wrapping: the signed envelope moved under an attacker's Envelope that becomes the root. */
    @Test
    void refusesASignedEnvelopeMovedUnderANewRoot() {
        Document signed = XmlDocuments.parse(xml.sign(sample(), spainSigning));
        Document attacker = XmlDocuments.parse(attackerSample());
        attacker.getDocumentElement().appendChild(attacker.importNode(signed.getDocumentElement(), true));
        byte[] sealed = xml.encrypt(XmlDocuments.serialize(attacker), frAsPartner.currentEncryption());

        assertWrappingRefused(sealed);
    }

    /**
     * Signature wrapping: an attacker Envelope carrying the signed root's id becomes the root, the signed
     * Envelope beside the Signature, so that "#id" could resolve to either.
     */
    @Test
    void refusesADuplicatedEnvelopeBesideTheSignedOne() throws Exception {
        Document signed = XmlDocuments.parse(signReferencing(withRootId(sample(), "env"), "#env", spainSigning));
        Element signature = (Element) signed.getElementsByTagNameNS(DSIG, "Signature").item(0);
        signed.getDocumentElement().removeChild(signature);
        Document attacker = XmlDocuments.parse(withRootId(attackerSample(), "env"));
        Element root = attacker.getDocumentElement();
        root.appendChild(attacker.importNode(signed.getDocumentElement(), true));
        root.appendChild(attacker.importNode(signature, true));
        byte[] sealed = xml.encrypt(XmlDocuments.serialize(attacker), frAsPartner.currentEncryption());

        assertWrappingRefused(sealed);
    }

    /** Signature wrapping: a valid signature over one inner element (#C1) vouching for the whole document. */
    @Test
    void refusesAReferenceToANonRootElement() throws Exception {
        byte[] signed = signReferencing(sample(), "#C1", spainSigning);
        byte[] sealed = xml.encrypt(signed, frAsPartner.currentEncryption());

        assertWrappingRefused(sealed);
    }

    /** Signature wrapping: a second Signature, here a copy inside the body, beside the one that verifies. */
    @Test
    void refusesASecondSignature() {
        Document signed = XmlDocuments.parse(xml.sign(sample(), spainSigning));
        Element signature = (Element) signed.getElementsByTagNameNS(DSIG, "Signature").item(0);
        Element body = (Element) signed.getElementsByTagNameNS("urn:passerelle:envelope:1", "body").item(0);
        body.appendChild(signature.cloneNode(true));
        byte[] sealed = xml.encrypt(XmlDocuments.serialize(signed), frAsPartner.currentEncryption());

        assertWrappingRefused(sealed);
    }

    /** XXE: a DOCTYPE with an external entity around the EncryptedData. */
    @Test
    void refusesADoctypeInTheSealedDocument() {
        String sealed = new String(xml.seal(sample(), spainSigning, frAsPartner.currentEncryption()),
                StandardCharsets.UTF_8);
        int rootStart = sealed.indexOf("<xenc:EncryptedData");
        byte[] hostile = (sealed.substring(0, rootStart)
                + "<!DOCTYPE xenc:EncryptedData [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                + sealed.substring(rootStart)).getBytes(StandardCharsets.UTF_8);

        assertRefused(() -> xml.open(hostile, fr.decryption(), spainAsPartner.trust()), ReasonCode.MALFORMED_XML);
    }

    /** XXE inside the encryption: the decrypted content carries a DOCTYPE with an external entity. */
    @Test
    void refusesADoctypeInTheDecryptedContent() throws Exception {
        String signed = new String(xml.sign(sample(), spainSigning), StandardCharsets.UTF_8);
        byte[] hostile = ("<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                + signed.substring(signed.indexOf("<Envelope"))).getBytes(StandardCharsets.UTF_8);
        byte[] sealed = encryptOctets(hostile, XMLCipher.AES_256_GCM, frAsPartner.currentEncryption(),
                data -> data.addCertificate(frAsPartner.currentEncryption()));

        assertRefused(() -> xml.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.MALFORMED_XML);
    }

    /** Encryption without a signature proves nothing about the sender. */
    @Test
    void refusesEncryptedButUnsignedContent() {
        byte[] sealed = xml.encrypt(sample(), frAsPartner.currentEncryption());

        assertRefused(() -> xml.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.NOT_SIGNED);
    }

    /** Downgrade: unauthenticated AES-CBC, open to padding oracles, instead of AES-256-GCM. */
    @Test
    void refusesUnauthenticatedCbcEncryption() throws Exception {
        byte[] signed = xml.sign(sample(), spainSigning);
        String element = new String(signed, StandardCharsets.UTF_8);
        byte[] sealed = encryptOctets(element.substring(element.indexOf("<Envelope")).getBytes(StandardCharsets.UTF_8),
                XMLCipher.AES_256, frAsPartner.currentEncryption(),
                data -> data.addCertificate(frAsPartner.currentEncryption()));

        assertRefused(() -> xml.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.DECRYPTION_FAILED);
    }

    /** Plaintext posted as if sealed. */
    @Test
    void refusesADocumentThatIsNotEncrypted() {
        assertRefused(() -> xml.open(sample(), fr.decryption(), spainAsPartner.trust()), ReasonCode.MALFORMED_XML)
                .hasMessage("not an XML Encryption document");
    }

    /** A recipient certificate without an RSA key cannot receive an RSA-OAEP EncryptedKey. */
    @Test
    void refusesToSealForANonRsaCertificate() {
        assertRefused(() -> xml.seal(sample(), fr.signing(), spainSigning.certificate()), ReasonCode.SEAL_FAILED);
    }

    private void assertWrappingRefused(byte[] sealed) {
        assertRefused(() -> xml.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.SIGNATURE_INVALID)
                .hasMessageContaining("signature wrapping");
    }

    private static byte[] sample() {
        try {
            return Files.readAllBytes(TestPki.sample("intel-report-from-spain.xml"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] attackerSample() {
        return new String(sample(), StandardCharsets.UTF_8).replace("<freeText>", "<freeText>ATTACKER ")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withRootId(byte[] document, String id) {
        return new String(document, StandardCharsets.UTF_8)
                .replace("<Envelope ", "<Envelope Id=\"" + id + "\" ").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] canonical(byte[] document) {
        return XmlDocuments.serialize(XmlDocuments.parse(document));
    }

    /**
     * An enveloped signature by {@code signer} whose one Reference is {@code uri}, every id attribute being made a
     * DOM ID as a signer with a schema would: what an attacker holding a valid signature can produce.
     */
    private static byte[] signReferencing(byte[] document, String uri, Credential signer) throws Exception {
        Document dom = XmlDocuments.parse(document);
        markIds(dom.getDocumentElement());
        XMLSignature signature = new XMLSignature(dom, "", XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
                Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
        dom.getDocumentElement().appendChild(signature.getElement());
        Transforms transforms = new Transforms(dom);
        transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
        transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
        signature.addDocument(uri, transforms, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
        signature.addKeyInfo(signer.certificate());
        signature.sign(signer.key());
        return XmlDocuments.serialize(dom);
    }

    private static void markIds(Element element) {
        for (String name : List.of("id", "Id")) {
            if (element.hasAttributeNS(null, name)) {
                element.setIdAttributeNS(null, name, true);
            }
        }
        for (org.w3c.dom.Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element childElement) {
                markIds(childElement);
            }
        }
    }

    /** How an EncryptedKey names the recipient's certificate. */
    private interface Naming {
        void name(X509Data data) throws Exception;
    }

    /**
     * An EncryptedData of arbitrary octets, so that the plaintext can be something our encrypt would refuse, with
     * the content algorithm and the naming of the recipient chosen by the test.
     */
    private static byte[] encryptOctets(byte[] octets, String contentAlgorithm, X509Certificate recipient,
            Naming naming) throws Exception {
        Document dom = XmlDocuments.newDocument();
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        SecretKey contentKey = generator.generateKey();
        XMLCipher keyCipher = XMLCipher.getInstance(XMLCipher.RSA_OAEP);
        keyCipher.init(XMLCipher.WRAP_MODE, recipient.getPublicKey());
        EncryptedKey encryptedKey = keyCipher.encryptKey(dom, contentKey);
        X509Data recipientData = new X509Data(dom);
        naming.name(recipientData);
        KeyInfo recipientInfo = new KeyInfo(dom);
        recipientInfo.add(recipientData);
        encryptedKey.setKeyInfo(recipientInfo);
        XMLCipher dataCipher = XMLCipher.getInstance(contentAlgorithm);
        dataCipher.init(XMLCipher.ENCRYPT_MODE, contentKey);
        EncryptedData encryptedData = dataCipher.encryptData(dom, EncryptionConstants.TYPE_ELEMENT,
                new ByteArrayInputStream(octets));
        KeyInfo keyInfo = new KeyInfo(dom);
        keyInfo.add(encryptedKey);
        encryptedData.setKeyInfo(keyInfo);
        dom.appendChild(dataCipher.martial(dom, encryptedData));
        return XmlDocuments.serialize(dom);
    }
}
