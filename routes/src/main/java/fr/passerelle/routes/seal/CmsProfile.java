package fr.passerelle.routes.seal;

import static fr.passerelle.routes.ReasonCode.DECRYPTION_FAILED;
import static fr.passerelle.routes.ReasonCode.NOT_CMS;
import static fr.passerelle.routes.ReasonCode.NOT_FOR_US;
import static fr.passerelle.routes.ReasonCode.NOT_SIGNED;
import static fr.passerelle.routes.ReasonCode.SEAL_FAILED;
import static fr.passerelle.routes.ReasonCode.SIGNATURE_INVALID;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
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
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.util.Selector;

import fr.passerelle.pki.BouncyCastle;
import fr.passerelle.routes.GatewayException;

/**
 * The {@code cms} security profile: RFC 5652 SignedData (content attached, SHA-256) inside AuthEnvelopedData
 * (AES-256-GCM, RFC 5083), key transport RSA-OAEP with SHA-256, all DER. {@code openssl cms} reads and writes it.
 *
 * <p>Sign then encrypt, so that the signature covers the plaintext and only the recipient learns who signed.
 */
public final class CmsProfile implements SecurityProfile {

    private static final Set<ASN1ObjectIdentifier> ACCEPTED_DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

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

    /** A DER AuthEnvelopedData (AES-256-GCM) of {@code content} for the holder of {@code recipient}. */
    public byte[] encrypt(byte[] content, X509Certificate recipient) {
        if (!(recipient.getPublicKey() instanceof RSAKey)) {
            throw new GatewayException(SEAL_FAILED, "the encryption certificate of "
                    + recipient.getSubjectX500Principal().getName() + " does not hold an RSA key");
        }
        try {
            AlgorithmIdentifier oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
                    PKCSObjectIdentifiers.id_RSAES_OAEP, new OAEPParameterSpec("SHA-256", "MGF1",
                            MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(
                    new JceKeyTransRecipientInfoGenerator(recipient, oaep).setProvider(BouncyCastle.provider()));
            return generator.generate(new CMSProcessableByteArray(content),
                    (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                            .setProvider(BouncyCastle.provider()).build())
                    .getEncoded();
        } catch (GeneralSecurityException | CMSException | IOException e) {
            throw new GatewayException(SEAL_FAILED, "cannot encrypt: " + e.getMessage(), e);
        }
    }

    /**
     * Opens an AuthEnvelopedData with whichever of our keys it was encrypted for. Any failure of the key
     * transport or of the GCM tag is reported the same way, so that a prober learns nothing about which one.
     */
    public byte[] decrypt(byte[] sealed, List<Credential> decryption) {
        CMSAuthEnvelopedData enveloped = parseAuthEnveloped(sealed);
        for (Credential credential : decryption) {
            RecipientInformation recipient =
                    enveloped.getRecipientInfos().get(new JceKeyTransRecipientId(credential.certificate()));
            if (recipient != null) {
                try {
                    return recipient.getContent(new JceKeyTransEnvelopedRecipient(credential.key())
                            .setProvider(BouncyCastle.provider()));
                } catch (CMSException | RuntimeException e) {
                    throw new GatewayException(DECRYPTION_FAILED, "decryption or integrity check failed", e);
                }
            }
        }
        throw new GatewayException(NOT_FOR_US, "no recipient info matches our encryption certificates");
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
