package fr.passerelle.routes.seal;

import static fr.passerelle.routes.ReasonCode.DECRYPTION_FAILED;
import static fr.passerelle.routes.ReasonCode.NOT_CMS;
import static fr.passerelle.routes.ReasonCode.NOT_FOR_US;
import static fr.passerelle.routes.ReasonCode.NOT_SIGNED;
import static fr.passerelle.routes.ReasonCode.SEAL_FAILED;
import static fr.passerelle.routes.ReasonCode.SIGNATURE_INVALID;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.util.Selector;

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

    private static final Set<ASN1ObjectIdentifier> ACCEPTED_DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    /** ECDSA as a signature algorithm; some tools write the bare key OID, the digest being checked on its own. */
    private static final Set<ASN1ObjectIdentifier> ECDSA = Set.of(X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
            X9ObjectIdentifiers.id_ecPublicKey);

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
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder()
                    .setProvider(BouncyCastle.provider())
                    .build(signatureAlgorithm(signer.key()), signer.key(), signer.certificate()));
            generator.addCertificates(new JcaCertStore(List.of(signer.certificate())));
            return generator.generate(new CMSProcessableByteArray(content), true).getEncoded("DER");
        } catch (OperatorCreationException | CertificateException | CMSException | IOException e) {
            throw new GatewayException(SEAL_FAILED, "cannot sign: " + e.getMessage(), e);
        }
    }

    /**
     * A DER AuthEnvelopedData (AES-256-GCM) of {@code content} for the holder of {@code recipient}: RSA-OAEP-SHA256
     * key transport for an RSA key, ephemeral-static ECDH (X9.63 KDF with SHA-256, AES-256 key wrap) for an EC key.
     */
    public byte[] encrypt(byte[] content, X509Certificate recipient) {
        try {
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(recipientInfo(recipient));
            return generator.generate(new CMSProcessableByteArray(content),
                    (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                            .setProvider(BouncyCastle.provider()).build())
                    .getEncoded();
        } catch (GeneralSecurityException | CMSException | IOException e) {
            throw new GatewayException(SEAL_FAILED, "cannot encrypt: " + e.getMessage(), e);
        }
    }

    private static RecipientInfoGenerator recipientInfo(X509Certificate recipient) throws GeneralSecurityException {
        PublicKey key = recipient.getPublicKey();
        if (key instanceof RSAKey) {
            AlgorithmIdentifier oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
                    PKCSObjectIdentifiers.id_RSAES_OAEP, new OAEPParameterSpec("SHA-256", "MGF1",
                            MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            return new JceKeyTransRecipientInfoGenerator(recipient, oaep).setProvider(BouncyCastle.provider());
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
        CMSAuthEnvelopedData enveloped = parseAuthEnveloped(sealed);
        for (Credential credential : decryption) {
            X509CertificateHolder ours = holder(credential.certificate());
            for (RecipientInformation recipient : enveloped.getRecipientInfos().getRecipients()) {
                if (recipient.getRID().match(ours)) {
                    Recipient unwrapper = unwrapper(recipient, credential);
                    try {
                        return recipient.getContent(unwrapper);
                    } catch (CMSException | RuntimeException e) {
                        throw new GatewayException(DECRYPTION_FAILED, "decryption or integrity check failed", e);
                    }
                }
            }
        }
        throw new GatewayException(NOT_FOR_US, "no recipient info matches our encryption certificates");
    }

    /**
     * What unwraps the content key for {@code recipient}, once its key management is checked against the profile.
     * The check only reads public algorithm identifiers, before any use of our private key, so its distinct
     * refusal tells a prober nothing it did not write itself.
     */
    private static Recipient unwrapper(RecipientInformation recipient, Credential credential) {
        AlgorithmIdentifier algorithm = recipient.getKeyEncryptionAlgorithm();
        try {
            if (recipient instanceof KeyTransRecipientInformation
                    && PKCSObjectIdentifiers.id_RSAES_OAEP.equals(algorithm.getAlgorithm())
                    && ACCEPTED_DIGESTS.contains(oaepDigest(algorithm))) {
                return new JceKeyTransAuthEnvelopedRecipient(credential.key()).setProvider(BouncyCastle.provider());
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

    /** The OAEP hash; absent parameters mean SHA-1 (RFC 4055), which is refused. */
    private static ASN1ObjectIdentifier oaepDigest(AlgorithmIdentifier oaep) {
        RSAESOAEPparams parameters = oaep.getParameters() == null
                ? new RSAESOAEPparams() : RSAESOAEPparams.getInstance(oaep.getParameters());
        return parameters.getHashAlgorithm().getAlgorithm();
    }

    private static X509CertificateHolder holder(X509Certificate certificate) {
        try {
            return new JcaX509CertificateHolder(certificate);
        } catch (CertificateEncodingException e) {
            // Our own configuration, not the message: not a DECRYPTION_FAILED a sender could provoke.
            throw new IllegalStateException("cannot encode our certificate "
                    + certificate.getSubjectX500Principal().getName(), e);
        }
    }

    private static CMSAuthEnvelopedData parseAuthEnveloped(byte[] sealed) {
        ContentInfo info;
        try {
            info = ContentInfo.getInstance(sealed);
        } catch (RuntimeException e) {
            throw new GatewayException(NOT_CMS, "not a DER CMS ContentInfo");
        }
        if (info == null || !CMSObjectIdentifiers.authEnvelopedData.equals(info.getContentType())) {
            throw new GatewayException(NOT_CMS, "expected AuthEnvelopedData, got "
                    + (info == null ? "nothing" : info.getContentType()));
        }
        try {
            CMSAuthEnvelopedData enveloped = new CMSAuthEnvelopedData(info);
            if (!CMSAlgorithm.AES256_GCM.equals(enveloped.getEncryptionAlgOID() == null ? null
                    : new ASN1ObjectIdentifier(enveloped.getEncryptionAlgOID()))) {
                throw new GatewayException(NOT_CMS, "content encryption must be AES-256-GCM, got "
                        + enveloped.getEncryptionAlgOID());
            }
            return enveloped;
        } catch (CMSException | RuntimeException e) {
            if (e instanceof GatewayException gatewayException) {
                throw gatewayException;
            }
            throw new GatewayException(NOT_CMS, "malformed AuthEnvelopedData");
        }
    }

    /**
     * Verifies a SignedData with exactly one signer and the content attached; the signer certificate must be in
     * the structure and pass {@code trust} as a signing certificate.
     */
    public Opened verify(byte[] signedData, PartnerTrust trust) {
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(signedData);
        } catch (CMSException | RuntimeException e) {
            throw new GatewayException(NOT_SIGNED, "the content is not a CMS SignedData");
        }
        if (signed.getSignedContent() == null || signed.getSignerInfos().size() != 1) {
            throw new GatewayException(NOT_SIGNED, "expected one signer and attached content, found "
                    + signed.getSignerInfos().size() + " signer(s)"
                    + (signed.getSignedContent() == null ? " and detached content" : ""));
        }
        SignerInformation signer = signed.getSignerInfos().getSigners().iterator().next();
        if (!ACCEPTED_DIGESTS.contains(signer.getDigestAlgorithmID().getAlgorithm())) {
            throw new GatewayException(SIGNATURE_INVALID, "digest algorithm "
                    + signer.getDigestAlgOID() + " is not accepted; use SHA-256 or stronger");
        }
        checkSignatureAlgorithm(signer.toASN1Structure().getDigestEncryptionAlgorithm());
        List<X509Certificate> included = certificates(signed, null);
        @SuppressWarnings("unchecked")
        List<X509Certificate> matching = certificates(signed, (Selector<X509CertificateHolder>) signer.getSID());
        if (matching.isEmpty()) {
            throw new GatewayException(NOT_SIGNED, "the signer certificate is not included");
        }
        X509Certificate signerCertificate = matching.get(0);
        trust.validate(signerCertificate, included, PartnerTrust.Usage.SIGNING);
        try {
            boolean valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(BouncyCastle.provider()).build(signerCertificate));
            if (!valid) {
                throw new GatewayException(SIGNATURE_INVALID, "the signature does not verify");
            }
        } catch (CMSSignerDigestMismatchException e) {
            throw new GatewayException(SIGNATURE_INVALID, "the content digest does not match the signed digest");
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            if (e instanceof GatewayException gatewayException) {
                throw gatewayException;
            }
            throw new GatewayException(SIGNATURE_INVALID, "the signature cannot be verified: " + e.getMessage());
        }
        return new Opened((byte[]) signed.getSignedContent().getContent(), signerCertificate);
    }

    /**
     * ECDSA, or RSA-PSS with SHA-256 or stronger. RSA PKCS#1 v1.5 is refused: the profile names RSA-PSS for RSA
     * keys, PSS is the scheme with a security proof, and one scheme per key type keeps the contract testable.
     */
    private static void checkSignatureAlgorithm(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (ECDSA.contains(oid)) {
            return;
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            try {
                if (ACCEPTED_DIGESTS.contains(
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

    private static List<X509Certificate> certificates(CMSSignedData signed, Selector<X509CertificateHolder> which) {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter().setProvider(BouncyCastle.provider());
        List<X509Certificate> result = new ArrayList<>();
        try {
            for (X509CertificateHolder holder : signed.getCertificates().getMatches(which)) {
                result.add(converter.getCertificate(holder));
            }
        } catch (CertificateException e) {
            throw new GatewayException(NOT_SIGNED, "an included certificate cannot be read");
        }
        return result;
    }

    private static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof ECKey) {
            return "SHA256withECDSA";
        }
        if (key instanceof RSAKey) {
            return "SHA256withRSAandMGF1";
        }
        throw new GatewayException(SEAL_FAILED, "unsupported signing key type " + key.getAlgorithm());
    }
}
