package fr.passerelle.routes.seal;

import static fr.passerelle.routes.ReasonCode.DECRYPTION_FAILED;
import static fr.passerelle.routes.ReasonCode.MALFORMED_XML;
import static fr.passerelle.routes.ReasonCode.NOT_FOR_US;
import static fr.passerelle.routes.ReasonCode.NOT_SIGNED;
import static fr.passerelle.routes.ReasonCode.SEAL_FAILED;
import static fr.passerelle.routes.ReasonCode.SIGNATURE_INVALID;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.security.auth.x500.X500Principal;

import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.keys.KeyInfo;
import org.apache.xml.security.keys.content.X509Data;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.utils.Constants;
import org.apache.xml.security.utils.EncryptionConstants;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import fr.passerelle.routes.GatewayException;

/**
 * The {@code xml} security profile: an enveloped XML Signature (reference to the whole document, SHA-256,
 * ECDSA or RSA with SHA-256, the signer certificate in KeyInfo), then XML Encryption of the signed document
 * element (AES-256-GCM, key transport RSA-OAEP, the recipient certificate in the EncryptedKey's KeyInfo).
 * {@code xmlsec1} 1.2 reads and writes it.
 *
 * <p>Sign then encrypt, as in the {@code cms} profile. Opening refuses anything a signature wrapping attack needs:
 * the one Signature must be a child of the root and its one Reference must cover the root itself, so the
 * document returned is the document that was signed.
 */
public final class XmlProfile implements SecurityProfile {

    /**
     * The key transport we write. xmlsec1 1.2 knows neither xmlenc11#rsa-oaep nor an OAEP digest other than
     * SHA-1, so this is RSA-OAEP with SHA-1 and MGF1-SHA-1: still sound for OAEP, which needs no collision
     * resistance. We read xmlenc11#rsa-oaep with SHA-2 as well.
     */
    private static final String KEY_TRANSPORT = XMLCipher.RSA_OAEP;

    private static final String DSIG = Constants.SignatureSpecNS;
    private static final String XENC = EncryptionConstants.EncryptionSpecNS;

    private static final Set<String> ACCEPTED_KEY_TRANSPORTS = Set.of(XMLCipher.RSA_OAEP, XMLCipher.RSA_OAEP_11);
    private static final Set<String> ACCEPTED_DIGESTS = Set.of(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256,
            MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA384, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA512);
    private static final Set<String> ACCEPTED_SIGNATURES = Set.of(
            XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA384,
            XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA512, XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256_MGF1,
            XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA384_MGF1, XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA512_MGF1,
            XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256, XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA384,
            XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA512);
    /** Without comments: a signature must not leave text out of what it covers. */
    private static final Set<String> ACCEPTED_SIGNED_INFO_C14N = Set.of(Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS,
            Canonicalizer.ALGO_ID_C14N_OMIT_COMMENTS, Canonicalizer.ALGO_ID_C14N11_OMIT_COMMENTS);
    private static final Set<String> ACCEPTED_TRANSFORMS = Set.of(Transforms.TRANSFORM_ENVELOPED_SIGNATURE,
            Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
    /** A bare-name reference; anything else (XPointer, another document) could point elsewhere than the root. */
    private static final Pattern ID_REFERENCE = Pattern.compile("#[A-Za-z_][A-Za-z0-9_.-]*");

    static {
        Init.init();
    }

    @Override
    public String name() {
        return "xml";
    }

    @Override
    public byte[] seal(byte[] plaintext, Credential signer, X509Certificate recipient) {
        return encrypt(sign(plaintext, signer), recipient);
    }

    @Override
    public Opened open(byte[] sealed, List<Credential> decryption, PartnerTrust senderTrust) {
        return verify(decrypt(sealed, decryption), senderTrust);
    }

    /**
     * The document with an enveloped Signature appended to its root: Reference URI "" with the enveloped-signature
     * and exclusive c14n transforms, SHA-256, and the signer certificate in KeyInfo.
     */
    public byte[] sign(byte[] document, Credential signer) {
        Document dom = XmlDocuments.parse(document);
        try {
            XMLSignature signature = new XMLSignature(dom, "", signatureAlgorithm(signer.key()),
                    Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
            dom.getDocumentElement().appendChild(signature.getElement());
            Transforms transforms = new Transforms(dom);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            signature.addDocument("", transforms, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
            signature.addKeyInfo(signer.certificate());
            signature.sign(signer.key());
        } catch (XMLSecurityException e) {
            throw new GatewayException(SEAL_FAILED, "cannot sign: " + e.getMessage(), e);
        }
        return XmlDocuments.serialize(dom);
    }

    /**
     * An EncryptedData (Type Element, AES-256-GCM) replacing the document element, with one EncryptedKey for
     * {@code recipient} naming its certificate by issuer and serial and by the certificate itself.
     */
    public byte[] encrypt(byte[] document, X509Certificate recipient) {
        if (!(recipient.getPublicKey() instanceof RSAKey)) {
            throw new GatewayException(SEAL_FAILED, "the encryption certificate of "
                    + recipient.getSubjectX500Principal().getName() + " does not hold an RSA key");
        }
        Document dom = XmlDocuments.parse(document);
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            SecretKey contentKey = generator.generateKey();

            XMLCipher keyCipher = XMLCipher.getInstance(KEY_TRANSPORT);
            keyCipher.init(XMLCipher.WRAP_MODE, recipient.getPublicKey());
            EncryptedKey encryptedKey = keyCipher.encryptKey(dom, contentKey);
            X509Data recipientData = new X509Data(dom);
            recipientData.addIssuerSerial(recipient.getIssuerX500Principal().getName(), recipient.getSerialNumber());
            recipientData.addCertificate(recipient);
            KeyInfo recipientInfo = new KeyInfo(dom);
            recipientInfo.add(recipientData);
            encryptedKey.setKeyInfo(recipientInfo);

            XMLCipher dataCipher = XMLCipher.getInstance(XMLCipher.AES_256_GCM);
            dataCipher.init(XMLCipher.ENCRYPT_MODE, contentKey);
            KeyInfo keyInfo = new KeyInfo(dom);
            keyInfo.add(encryptedKey);
            dataCipher.getEncryptedData().setKeyInfo(keyInfo);
            dataCipher.doFinal(dom, dom.getDocumentElement(), false);
        } catch (Exception e) {
            throw new GatewayException(SEAL_FAILED, "cannot encrypt: " + e.getMessage(), e);
        }
        return XmlDocuments.serialize(dom);
    }

    /**
     * The plaintext of an EncryptedData, with whichever of our keys one of its EncryptedKeys names. Any failure
     * of the key transport or of the GCM tag is reported the same way, so that a prober learns nothing from it.
     */
    public byte[] decrypt(byte[] sealed, List<Credential> decryption) {
        Document dom = XmlDocuments.parse(sealed);
        Element encryptedData = dom.getDocumentElement();
        if (!is(encryptedData, XENC, "EncryptedData")) {
            throw new GatewayException(MALFORMED_XML, "not an XML Encryption document");
        }
        String contentAlgorithm = algorithm(encryptedData);
        if (!XMLCipher.AES_256_GCM.equals(contentAlgorithm)) {
            throw new GatewayException(DECRYPTION_FAILED, "content encryption must be " + XMLCipher.AES_256_GCM
                    + ", got " + contentAlgorithm);
        }
        List<Element> encryptedKeys = children(child(encryptedData, DSIG, "KeyInfo"), XENC, "EncryptedKey");
        for (Credential credential : decryption) {
            for (Element encryptedKey : encryptedKeys) {
                if (names(child(encryptedKey, DSIG, "KeyInfo"), credential.certificate())) {
                    return decrypt(dom, encryptedData, encryptedKey, credential.key());
                }
            }
        }
        throw new GatewayException(NOT_FOR_US, "no EncryptedKey names one of our encryption certificates");
    }

    private static byte[] decrypt(Document dom, Element encryptedData, Element encryptedKey, PrivateKey key) {
        String keyTransport = algorithm(encryptedKey);
        if (!ACCEPTED_KEY_TRANSPORTS.contains(keyTransport)) {
            // Checked before our key is used: RSA PKCS#1 v1.5 would make us a padding oracle.
            throw new GatewayException(DECRYPTION_FAILED, "key transport must be RSA-OAEP, got " + keyTransport);
        }
        try {
            XMLCipher keyCipher = XMLCipher.getInstance();
            keyCipher.setSecureValidation(true);
            keyCipher.init(XMLCipher.UNWRAP_MODE, key);
            Key contentKey = keyCipher.decryptKey(keyCipher.loadEncryptedKey(dom, encryptedKey),
                    XMLCipher.AES_256_GCM);
            XMLCipher dataCipher = XMLCipher.getInstance();
            dataCipher.setSecureValidation(true);
            dataCipher.init(XMLCipher.DECRYPT_MODE, contentKey);
            return dataCipher.decryptToByteArray(encryptedData);
        } catch (XMLSecurityException | RuntimeException e) {
            throw new GatewayException(DECRYPTION_FAILED, "decryption or integrity check failed", e);
        }
    }

    /**
     * Verifies the one enveloped Signature of the document against {@code trust}, and returns the document without
     * it (the envelope schema has no place for a Signature), signed by the certificate in its KeyInfo.
     */
    public Opened verify(byte[] signedDocument, PartnerTrust trust) {
        Document dom = XmlDocuments.parse(signedDocument);
        Element root = dom.getDocumentElement();
        NodeList signatures = dom.getElementsByTagNameNS(DSIG, "Signature");
        if (signatures.getLength() == 0) {
            throw new GatewayException(NOT_SIGNED, "the document has no XML Signature; sign before encrypting");
        }
        if (signatures.getLength() > 1) {
            throw new GatewayException(SIGNATURE_INVALID, "signature wrapping: the document holds "
                    + signatures.getLength() + " Signature elements, exactly one is accepted");
        }
        Element signatureElement = (Element) signatures.item(0);
        if (signatureElement.getParentNode() != root) {
            throw new GatewayException(SIGNATURE_INVALID,
                    "signature wrapping: the Signature is not a child of the document element");
        }
        XMLSignature signature;
        try {
            // Secure validation: Santuario refuses weak algorithms, external references and oversized structures.
            signature = new XMLSignature(signatureElement, "", true);
            checkSignedInfo(signature.getSignedInfo(), root);
        } catch (XMLSecurityException | RuntimeException e) {
            throw refusal(e, "the Signature cannot be read: ");
        }
        List<X509Certificate> included = certificates(signatureElement);
        X509Certificate signer = included.stream().filter(certificate -> certificate.getBasicConstraints() < 0)
                .findFirst()
                .orElseThrow(() -> new GatewayException(NOT_SIGNED, "the signer certificate is not in KeyInfo"));
        trust.validate(signer, included, PartnerTrust.Usage.SIGNING);
        boolean valid;
        try {
            valid = signature.checkSignatureValue(signer.getPublicKey());
        } catch (XMLSecurityException | RuntimeException e) {
            throw refusal(e, "the signature cannot be verified: ");
        }
        if (!valid) {
            throw new GatewayException(SIGNATURE_INVALID, "the signature does not verify");
        }
        root.removeChild(signatureElement);
        return new Opened(XmlDocuments.serialize(dom), signer);
    }

    /** Algorithms we accept, and one Reference that covers the whole root element and nothing else. */
    private static void checkSignedInfo(SignedInfo signedInfo, Element root) throws XMLSecurityException {
        require(ACCEPTED_SIGNED_INFO_C14N.contains(signedInfo.getCanonicalizationMethodURI()),
                "SignedInfo canonicalization " + signedInfo.getCanonicalizationMethodURI() + " is not accepted");
        require(ACCEPTED_SIGNATURES.contains(signedInfo.getSignatureMethodURI()), "signature algorithm "
                + signedInfo.getSignatureMethodURI() + " is not accepted; use RSA or ECDSA with SHA-256 or stronger");
        require(signedInfo.getLength() == 1, "expected exactly one Reference, found " + signedInfo.getLength());
        Reference reference = signedInfo.item(0);
        checkCoversRoot(reference.getURI(), root);
        Transforms transforms = reference.getTransforms();
        boolean enveloped = false;
        for (int i = 0; transforms != null && i < transforms.getLength(); i++) {
            String transform = transforms.item(i).getURI();
            require(ACCEPTED_TRANSFORMS.contains(transform), "transform " + transform + " is not accepted");
            enveloped |= Transforms.TRANSFORM_ENVELOPED_SIGNATURE.equals(transform);
        }
        require(enveloped, "the Reference lacks the enveloped-signature transform");
        String digest = reference.getMessageDigestAlgorithm().getAlgorithmURI();
        require(ACCEPTED_DIGESTS.contains(digest), "digest " + digest + " is not accepted; use SHA-256 or stronger");
    }

    /**
     * The Reference must be "" (the whole document) or "#id" of the root element, that id appearing nowhere else:
     * otherwise a valid signature over one element could vouch for a document built around it.
     */
    private static void checkCoversRoot(String uri, Element root) {
        if ("".equals(uri)) {
            return;
        }
        if (uri == null || !ID_REFERENCE.matcher(uri).matches()) {
            throw new GatewayException(SIGNATURE_INVALID, "signature wrapping: the Reference URI must be \"\" or "
                    + "#id of the document element, not " + uri);
        }
        String id = uri.substring(1);
        Attr rootId = null;
        NamedNodeMap attributes = root.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            if (isIdName(attribute) && id.equals(attribute.getValue())) {
                rootId = attribute;
            }
        }
        if (rootId == null) {
            throw new GatewayException(SIGNATURE_INVALID,
                    "signature wrapping: the Reference " + uri + " does not point to the document element");
        }
        if (countIds(root, id) != 1) {
            throw new GatewayException(SIGNATURE_INVALID, "signature wrapping: the id " + id + " appears more than once");
        }
        // Only the root's id becomes a DOM ID, so the Reference cannot resolve to anything else.
        root.setIdAttributeNode(rootId, true);
    }

    private static int countIds(Element element, String id) {
        int count = 0;
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            if (isIdName(attribute) && id.equals(attribute.getValue())) {
                count++;
            }
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element childElement) {
                count += countIds(childElement, id);
            }
        }
        return count;
    }

    /** Id, ID, id, xml:id, wsu:Id: every spelling some signer treats as an identifier. */
    private static boolean isIdName(Attr attribute) {
        String name = attribute.getLocalName() == null ? attribute.getName() : attribute.getLocalName();
        return "id".equalsIgnoreCase(name);
    }

    /** The X509Certificate elements of the Signature's KeyInfo. */
    private static List<X509Certificate> certificates(Element signature) {
        List<X509Certificate> result = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Element data : children(child(signature, DSIG, "KeyInfo"), DSIG, "X509Data")) {
                for (Element certificate : children(data, DSIG, "X509Certificate")) {
                    result.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(base64(certificate))));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new GatewayException(NOT_SIGNED, "a certificate in the Signature's KeyInfo cannot be read");
        }
        return result;
    }

    /** True when the KeyInfo names {@code ours}: by the certificate itself, by issuer and serial, or by SKI. */
    private static boolean names(Element keyInfo, X509Certificate ours) {
        for (Element data : children(keyInfo, DSIG, "X509Data")) {
            for (Element item : children(data, DSIG, null)) {
                try {
                    if (matches(item, ours)) {
                        return true;
                    }
                } catch (IllegalArgumentException | GeneralSecurityException | IOException e) {
                    // Unreadable: it does not name us; another item or another EncryptedKey may.
                }
            }
        }
        return false;
    }

    private static boolean matches(Element item, X509Certificate ours) throws GeneralSecurityException, IOException {
        switch (item.getLocalName()) {
            case "X509Certificate":
                return Arrays.equals(base64(item), ours.getEncoded());
            case "X509IssuerSerial":
                Element issuer = child(item, DSIG, "X509IssuerName");
                Element serial = child(item, DSIG, "X509SerialNumber");
                return issuer != null && serial != null
                        && new X500Principal(issuer.getTextContent().trim()).equals(ours.getIssuerX500Principal())
                        && new BigInteger(serial.getTextContent().trim()).equals(ours.getSerialNumber());
            case "X509SKI":
                byte[] extension = ours.getExtensionValue(Extension.subjectKeyIdentifier.getId());
                return extension != null && Arrays.equals(base64(item), SubjectKeyIdentifier.getInstance(
                        ASN1OctetString.getInstance(extension).getOctets()).getKeyIdentifier());
            default:
                return false;
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof ECKey) {
            return XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256;
        }
        if (key instanceof RSAKey) {
            return XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256;
        }
        throw new GatewayException(SEAL_FAILED, "unsupported signing key type " + key.getAlgorithm());
    }

    /** Our own refusal as it is; anything Santuario throws on hostile input is an invalid signature. */
    private static GatewayException refusal(Exception e, String prefix) {
        return e instanceof GatewayException gatewayException ? gatewayException
                : new GatewayException(SIGNATURE_INVALID, prefix + e.getMessage());
    }

    private static void require(boolean condition, String detail) {
        if (!condition) {
            throw new GatewayException(SIGNATURE_INVALID, detail);
        }
    }

    /** The Algorithm of the element's EncryptionMethod child, or null. */
    private static String algorithm(Element encrypted) {
        Element method = child(encrypted, XENC, "EncryptionMethod");
        return method == null ? null : method.getAttributeNS(null, "Algorithm");
    }

    private static byte[] base64(Element element) {
        return Base64.getMimeDecoder().decode(element.getTextContent().trim());
    }

    private static boolean is(Node node, String namespace, String localName) {
        return node instanceof Element && namespace.equals(node.getNamespaceURI())
                && (localName == null || localName.equals(node.getLocalName()));
    }

    private static Element child(Element parent, String namespace, String localName) {
        List<Element> found = children(parent, namespace, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The element children of {@code parent} in the namespace, with that local name unless it is null. */
    private static List<Element> children(Element parent, String namespace, String localName) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (is(child, namespace, localName)) {
                found.add((Element) child);
            }
        }
        return found;
    }
}
