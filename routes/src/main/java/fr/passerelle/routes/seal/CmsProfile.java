package fr.passerelle.routes.seal;

import static fr.passerelle.routes.ReasonCode.NOT_CMS;
import static fr.passerelle.routes.ReasonCode.NOT_SIGNED;
import static fr.passerelle.routes.ReasonCode.SEAL_FAILED;
import static fr.passerelle.routes.ReasonCode.SIGNATURE_INVALID;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;

import fr.passerelle.pki.BouncyCastle;
import fr.passerelle.routes.GatewayException;

/**
 * The {@code cms} security profile: RFC 5652 SignedData (content attached, SHA-256; ECDSA for an EC signing key,
 * RSA-PSS for an RSA one) inside AuthEnvelopedData (AES-256-GCM, RFC 5083), the content key sent by RSA-OAEP with
 * SHA-256 to an RSA encryption certificate or by ephemeral-static ECDH (RFC 5753, SHA-256 KDF, AES-256 key wrap)
 * to an EC one; all DER. {@code openssl cms} reads and writes it.
 *
 * <p>Sign then encrypt, so that the signature covers the plaintext and only the recipient learns who signed.
 */
public final class CmsProfile implements SecurityProfile {

    /** Ephemeral-static ECDH with the X9.63 KDF on SHA-256 or stronger (RFC 5753); not the SHA-1 KDF. */
    private static final Set<ASN1ObjectIdentifier> ACCEPTED_KEY_AGREEMENTS = Set.of(
            CMSAlgorithm.ECDH_SHA256KDF, CMSAlgorithm.ECDH_SHA384KDF, CMSAlgorithm.ECDH_SHA512KDF);

    public CmsProfile() {
        BouncyCastle.provider();
    }

    @Override
    public String name() {
        return "cms";
    }

    @Override
    public byte[] seal(byte[] content, Credential signer, X509Certificate recipient) {
        return encrypt(sign(content, signer), recipient);
    }

    @Override
    public Opened open(byte[] sealed, List<Credential> decryption, PartnerTrust senderTrust) {
        return verify(decrypt(sealed, decryption), senderTrust);
    }

    /** A DER SignedData with {@code content} attached and the signer certificate included. */
    public byte[] sign(byte[] content, Credential signer) {
        return CmsSupport.sign(content,
                List.of(new CmsSupport.Signer(CmsSupport.signatureAlgorithm(signer.key()), signer)));
    }

    /**
     * A DER AuthEnvelopedData (AES-256-GCM) of {@code content} for the holder of {@code recipient}: RSA-OAEP-SHA256
     * key transport for an RSA key, ephemeral-static ECDH (X9.63 KDF with SHA-256, AES-256 key wrap) for an EC key.
     */
    public byte[] encrypt(byte[] content, X509Certificate recipient) {
        return CmsSupport.encrypt(content, () -> List.of(recipientInfo(recipient)));
    }

    private static RecipientInfoGenerator recipientInfo(X509Certificate recipient) throws GeneralSecurityException {
        PublicKey key = recipient.getPublicKey();
        if (key instanceof RSAKey) {
            return CmsSupport.rsaOaepRecipient(recipient);
        }
        if (key instanceof ECPublicKey ec) {
            // A fresh key pair per message on the recipient's curve: we have no static key-agreement key, and an
            // ephemeral one means a leak of one message's key says nothing about the others.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.provider());
            generator.initialize(ec.getParams());
            KeyPair ephemeral = generator.generateKeyPair();
            return new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, ephemeral.getPrivate(),
                    ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP)
                    .addRecipient(recipient).setProvider(BouncyCastle.provider());
        }
        throw new GatewayException(SEAL_FAILED, "the encryption certificate of "
                + recipient.getSubjectX500Principal().getName() + " holds neither an RSA nor an EC key");
    }

    /**
     * Opens an AuthEnvelopedData with whichever of our keys it was encrypted for, found by the recipient
     * identifier (issuer and serial number, or subject key identifier) of a key transport or key agreement
     * recipient. Any failure of the key transport, key agreement, unwrap or GCM tag is reported the same way, so
     * that a prober learns nothing about which one.
     */
    public byte[] decrypt(byte[] sealed, List<Credential> decryption) {
        // Every kind of recipient info at once: the first one that names one of our keys is the one used.
        return CmsSupport.decrypt(sealed, decryption, List.of(RecipientInformation.class), CmsProfile::unwrapper);
    }

    /**
     * What unwraps the content key for {@code recipient}, once its key management is checked against the profile.
     * The check only reads public algorithm identifiers, before any use of our private key, so its distinct
     * refusal tells a prober nothing it did not write itself.
     */
    private static Recipient unwrapper(RecipientInformation recipient, Credential credential) {
        AlgorithmIdentifier algorithm = recipient.getKeyEncryptionAlgorithm();
        try {
            if (CmsSupport.isRsaOaepSha256OrStronger(recipient)) {
                return CmsSupport.rsaOaepUnwrapper(credential);
            }
            if (recipient instanceof KeyAgreeRecipientInformation
                    && ACCEPTED_KEY_AGREEMENTS.contains(algorithm.getAlgorithm())
                    && CMSAlgorithm.AES256_WRAP.equals(
                            AlgorithmIdentifier.getInstance(algorithm.getParameters()).getAlgorithm())) {
                return new JceKeyAgreeAuthEnvelopedRecipient(credential.key()).setProvider(BouncyCastle.provider());
            }
        } catch (RuntimeException e) {
            // Malformed parameters: refused below like any other key management outside the profile.
        }
        throw new GatewayException(NOT_CMS, "key management " + algorithm.getAlgorithm() + " is not accepted; use"
                + " RSA-OAEP with SHA-256 (openssl: -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256) or ECDH"
                + " dhSinglePass-stdDH-sha256kdf-scheme with AES-256 key wrap (openssl: -keyopt ecdh_kdf_md:sha256)");
    }

    /**
     * Verifies a SignedData with exactly one signer and the content attached; the signer certificate must be in
     * the structure and pass {@code trust} as a signing certificate.
     */
    public Opened verify(byte[] signedData, PartnerTrust trust) {
        CMSSignedData signed = CmsSupport.parseSignedData(signedData);
        if (signed.getSignedContent() == null || signed.getSignerInfos().size() != 1) {
            throw new GatewayException(NOT_SIGNED, "expected one signer and attached content, found "
                    + signed.getSignerInfos().size() + " signer(s)"
                    + (signed.getSignedContent() == null ? " and detached content" : ""));
        }
        SignerInformation signer = signed.getSignerInfos().getSigners().iterator().next();
        CmsSupport.requireDigest(signer, CmsSupport.SHA256_OR_STRONGER, "; use SHA-256 or stronger");
        checkSignatureAlgorithm(signer.toASN1Structure().getDigestEncryptionAlgorithm());
        List<X509Certificate> included = CmsSupport.certificates(signed, null);
        X509Certificate signerCertificate = CmsSupport.verifySigner(signed, signer, included, trust,
                "the signer certificate is not included", "the signature does not verify");
        return new Opened((byte[]) signed.getSignedContent().getContent(), signerCertificate);
    }

    /**
     * ECDSA, or RSA-PSS with SHA-256 or stronger. RSA PKCS#1 v1.5 is refused: the profile names RSA-PSS for RSA
     * keys, PSS is the scheme with a security proof, and one scheme per key type keeps the contract testable.
     */
    private static void checkSignatureAlgorithm(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (CmsSupport.ECDSA.contains(oid)) {
            return;
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            try {
                if (CmsSupport.SHA256_OR_STRONGER.contains(
                        RSASSAPSSparams.getInstance(algorithm.getParameters()).getHashAlgorithm().getAlgorithm())) {
                    return;
                }
            } catch (RuntimeException e) {
                // Absent or malformed parameters: refused below.
            }
            throw new GatewayException(SIGNATURE_INVALID, "RSA-PSS must use SHA-256 or stronger");
        }
        throw new GatewayException(SIGNATURE_INVALID, "signature algorithm " + oid + " is not accepted; sign with"
                + " ECDSA, or RSA-PSS (openssl: -keyopt rsa_padding_mode:pss)");
    }
}
