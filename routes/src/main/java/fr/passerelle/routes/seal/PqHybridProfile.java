package fr.passerelle.routes.seal;

import static fr.passerelle.routes.ReasonCode.DECRYPTION_FAILED;
import static fr.passerelle.routes.ReasonCode.NOT_CMS;
import static fr.passerelle.routes.ReasonCode.NOT_FOR_US;
import static fr.passerelle.routes.ReasonCode.NOT_SIGNED;
import static fr.passerelle.routes.ReasonCode.SEAL_FAILED;
import static fr.passerelle.routes.ReasonCode.SIGNATURE_INVALID;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
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
import org.bouncycastle.cms.KEMRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKEMAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKEMRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.util.Selector;

import fr.passerelle.pki.BouncyCastle;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.GatewayException;

/**
 * EXPERIMENTAL: the {@code pq-hybrid} security profile, a classical and a post-quantum algorithm side by side, for
 * the day a quantum computer breaks ECDSA and RSA. Not interoperable with anything yet: no released OpenSSL reads
 * it (3.0 knows neither ML-DSA nor ML-KEM), and the formats come from young RFCs.
 *
 * <p>RFC 5652 SignedData (content attached) with two signers over the same content, ECDSA with SHA-256 (the party's
 * {@code sign} key) and ML-DSA-65 with SHA-512 (RFC 9882; the {@code mldsa} key); inside RFC 5083
 * AuthEnvelopedData (AES-256-GCM) with two recipient infos for the same content key: RSA-OAEP with SHA-256 for the
 * partner's {@code enc} certificate, and an RFC 9629 KEMRecipientInfo for its {@code mlkem} certificate
 * (ML-KEM-768, HKDF-SHA256, AES-256 key wrap; RFC 9936). All DER.
 *
 * <p>Opening requires both signatures, each from a signing certificate that passes the partner's trust: a forger
 * must break ECDSA <em>and</em> ML-DSA. We decrypt through the ML-KEM recipient when we hold an ML-KEM key, else
 * through the RSA one.
 *
 * <p>Limit: the two recipient infos are alternatives, so a recorded message is only as confidential as the weaker
 * of RSA and ML-KEM; an adversary who later breaks RSA reads it without touching ML-KEM. Only the signatures are
 * hybrid in the strong sense. Confidentiality against a quantum adversary needs the RSA recipient dropped, or a
 * combined KEM (both secrets feeding one key), once partners can open that.
 *
 * <p>The interface hands {@link #seal} only our classical signing credential and the partner's classical
 * encryption certificate; the profile holds the rest: our ML-DSA credential, our ML-KEM decryption credentials, and
 * for each partner encryption certificate the partner's ML-KEM certificate to add beside it.
 */
public final class PqHybridProfile implements SecurityProfile {

    private static final Set<ASN1ObjectIdentifier> CLASSICAL_DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    /** RFC 9882: the digest for ML-DSA-65 must give 192-bit collision resistance. */
    private static final Set<ASN1ObjectIdentifier> ML_DSA_DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    /** ECDSA as a signature algorithm; some tools write the bare key OID, the digest being checked on its own. */
    private static final Set<ASN1ObjectIdentifier> ECDSA = Set.of(X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
            X9ObjectIdentifiers.id_ecPublicKey);

    private static final Set<ASN1ObjectIdentifier> HKDF = Set.of(PKCSObjectIdentifiers.id_alg_hkdf_with_sha256,
            PKCSObjectIdentifiers.id_alg_hkdf_with_sha384, PKCSObjectIdentifiers.id_alg_hkdf_with_sha512);

    private final Credential ourMlDsa;
    private final List<Credential> ourMlKem;
    private final Map<X509Certificate, X509Certificate> partnerMlKem;

    /**
     * @param ourMlDsa our ML-DSA-65 signing key, signing beside the classical key the routes pass to {@link #seal}
     * @param ourMlKem our ML-KEM-768 decryption keys (current first); may be empty, then we decrypt through RSA
     * @param partnerMlKem for each partner encryption certificate, the partner's ML-KEM certificate to encrypt for
     */
    public PqHybridProfile(Credential ourMlDsa, List<Credential> ourMlKem,
            Map<X509Certificate, X509Certificate> partnerMlKem) {
        BouncyCastle.provider();
        this.ourMlDsa = ourMlDsa;
        this.ourMlKem = List.copyOf(ourMlKem);
        this.partnerMlKem = Map.copyOf(partnerMlKem);
    }

    /**
     * The profile from the folders the gateway is configured with: our {@code mldsa.pem/.key} and
     * {@code mlkem.pem/.key}, and in each partner folder that holds an {@code mlkem.pem}, its first certificate
     * paired with every certificate of the folder's {@code enc.pem}. A partner without {@code mlkem.pem} cannot be
     * sealed for with this profile.
     */
    public static PqHybridProfile load(Path ourDirectory, Collection<Path> partnerDirectories) {
        Map<X509Certificate, X509Certificate> pairs = new HashMap<>();
        for (Path partner : partnerDirectories) {
            if (Files.exists(partner.resolve("mlkem.pem"))) {
                X509Certificate mlKem = Pem.readCertificate(partner.resolve("mlkem.pem"));
                for (X509Certificate encryption : Pem.readCertificates(PartyDirectory.required(partner, "enc.pem"))) {
                    pairs.put(encryption, mlKem);
                }
            }
        }
        return new PqHybridProfile(PartyDirectory.credential(ourDirectory, "mldsa"),
                List.of(PartyDirectory.credential(ourDirectory, "mlkem")), pairs);
    }

    @Override
    public String name() {
        return "pq-hybrid";
    }

    @Override
    public byte[] seal(byte[] plaintext, Credential signer, X509Certificate recipient) {
        X509Certificate mlKem = partnerMlKem.get(recipient);
        if (mlKem == null) {
            throw new GatewayException(SEAL_FAILED, "no ML-KEM certificate is configured beside the encryption "
                    + "certificate of " + recipient.getSubjectX500Principal().getName() + "; add its mlkem.pem");
        }
        return encrypt(sign(plaintext, signer, ourMlDsa), recipient, mlKem);
    }

    /** Decrypts with our ML-KEM keys when the message allows, else with {@code decryption}; then both signatures. */
    @Override
    public Opened open(byte[] sealed, List<Credential> decryption, PartnerTrust senderTrust) {
        List<Credential> keys = new ArrayList<>(ourMlKem);
        keys.addAll(decryption);
        return verify(decrypt(sealed, keys), senderTrust);
    }

    /** A DER SignedData with {@code content} attached, signed by both keys, both certificates included. */
    public byte[] sign(byte[] content, Credential classical, Credential mlDsa) {
        if (!(classical.key() instanceof ECKey) || !isMlDsa65(mlDsa.certificate())) {
            throw new GatewayException(SEAL_FAILED, "pq-hybrid signs with an EC key and an ML-DSA-65 key, got "
                    + classical.key().getAlgorithm() + " and " + mlDsa.key().getAlgorithm());
        }
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder()
                    .setProvider(BouncyCastle.provider())
                    .build("SHA256withECDSA", classical.key(), classical.certificate()));
            // BC takes SHA-512 as the content digest for ML-DSA, the one RFC 9882 requires everyone to support.
            generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder()
                    .setProvider(BouncyCastle.provider())
                    .build("ML-DSA-65", mlDsa.key(), mlDsa.certificate()));
            generator.addCertificates(new JcaCertStore(List.of(classical.certificate(), mlDsa.certificate())));
            return generator.generate(new CMSProcessableByteArray(content), true).getEncoded("DER");
        } catch (OperatorCreationException | CertificateException | CMSException | IOException e) {
            throw new GatewayException(SEAL_FAILED, "cannot sign: " + e.getMessage(), e);
        }
    }

    /**
     * A DER AuthEnvelopedData (AES-256-GCM) of {@code content} whose content key is sent twice: by RSA-OAEP with
     * SHA-256 to {@code rsa}, and by ML-KEM-768 (HKDF-SHA256, AES-256 key wrap) to {@code mlKem}.
     */
    public byte[] encrypt(byte[] content, X509Certificate rsa, X509Certificate mlKem) {
        if (!(rsa.getPublicKey() instanceof RSAKey) || !isMlKem768(mlKem)) {
            throw new GatewayException(SEAL_FAILED, "pq-hybrid encrypts for an RSA certificate and an ML-KEM-768 "
                    + "certificate, got " + rsa.getPublicKey().getAlgorithm() + " and "
                    + mlKem.getPublicKey().getAlgorithm());
        }
        try {
            AlgorithmIdentifier oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
                    PKCSObjectIdentifiers.id_RSAES_OAEP, new OAEPParameterSpec("SHA-256", "MGF1",
                            MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(
                    new JceKeyTransRecipientInfoGenerator(rsa, oaep).setProvider(BouncyCastle.provider()));
            // HKDF-SHA256 is the KDF RFC 9936 makes mandatory; BC would otherwise write its default, KDF3.
            generator.addRecipientInfoGenerator(new JceKEMRecipientInfoGenerator(mlKem, CMSAlgorithm.AES256_WRAP)
                    .setKDF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_alg_hkdf_with_sha256))
                    .setProvider(BouncyCastle.provider()));
            return generator.generate(new CMSProcessableByteArray(content),
                    (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                            .setProvider(BouncyCastle.provider()).build())
                    .getEncoded();
        } catch (GeneralSecurityException | CMSException | IOException e) {
            throw new GatewayException(SEAL_FAILED, "cannot encrypt: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the AuthEnvelopedData with one of {@code decryption}, matched by recipient identifier: through an
     * ML-KEM recipient if one is ours, else through an RSA-OAEP one. Any failure of the decapsulation, key
     * transport, unwrap or GCM tag is reported the same way, so that a prober learns nothing about which one.
     */
    public byte[] decrypt(byte[] sealed, List<Credential> decryption) {
        CMSAuthEnvelopedData enveloped = parseAuthEnveloped(sealed);
        for (Class<? extends RecipientInformation> kind
                : List.of(KEMRecipientInformation.class, KeyTransRecipientInformation.class)) {
            for (Credential credential : decryption) {
                X509CertificateHolder ours = holder(credential.certificate());
                for (RecipientInformation recipient : enveloped.getRecipientInfos().getRecipients()) {
                    if (kind.isInstance(recipient) && recipient.getRID().match(ours)) {
                        Recipient unwrapper = unwrapper(recipient, credential);
                        try {
                            return recipient.getContent(unwrapper);
                        } catch (CMSException | RuntimeException e) {
                            throw new GatewayException(DECRYPTION_FAILED, "decryption or integrity check failed", e);
                        }
                    }
                }
            }
        }
        throw new GatewayException(NOT_FOR_US, "no recipient info matches our encryption certificates");
    }

    /**
     * What recovers the content key for {@code recipient}, once its algorithms are checked against the profile.
     * The check reads only public algorithm identifiers, before any use of our private key.
     */
    private static Recipient unwrapper(RecipientInformation recipient, Credential credential) {
        AlgorithmIdentifier algorithm = recipient.getKeyEncryptionAlgorithm();
        try {
            if (recipient instanceof KEMRecipientInformation kem
                    && NISTObjectIdentifiers.id_alg_ml_kem_768.equals(algorithm.getAlgorithm())
                    && HKDF.contains(kem.getKdfAlgorithm().getAlgorithm())) {
                return new JceKEMAuthEnvelopedRecipient(credential.key()).setProvider(BouncyCastle.provider());
            }
            if (recipient instanceof KeyTransRecipientInformation
                    && PKCSObjectIdentifiers.id_RSAES_OAEP.equals(algorithm.getAlgorithm())
                    && CLASSICAL_DIGESTS.contains(oaepDigest(algorithm))) {
                return new JceKeyTransAuthEnvelopedRecipient(credential.key()).setProvider(BouncyCastle.provider());
            }
        } catch (RuntimeException e) {
            // Malformed parameters: refused below like any other key management outside the profile.
        }
        throw new GatewayException(NOT_CMS, "key management " + algorithm.getAlgorithm() + " is not accepted; use"
                + " ML-KEM-768 with HKDF, or RSA-OAEP with SHA-256");
    }

    /** The OAEP hash; absent parameters mean SHA-1 (RFC 4055), which is refused. */
    private static ASN1ObjectIdentifier oaepDigest(AlgorithmIdentifier oaep) {
        RSAESOAEPparams parameters = oaep.getParameters() == null
                ? new RSAESOAEPparams() : RSAESOAEPparams.getInstance(oaep.getParameters());
        return parameters.getHashAlgorithm().getAlgorithm();
    }

    /**
     * Verifies a SignedData with the content attached and exactly two signers, one ECDSA and one ML-DSA-65; both
     * signer certificates must be in the structure and pass {@code trust} as signing certificates, and both
     * signatures must verify. The opened message names the ECDSA certificate as its signer, as the cms profile
     * does.
     */
    public Opened verify(byte[] signedData, PartnerTrust trust) {
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(signedData);
        } catch (CMSException | RuntimeException e) {
            throw new GatewayException(NOT_SIGNED, "the content is not a CMS SignedData");
        }
        if (signed.getSignedContent() == null) {
            throw new GatewayException(NOT_SIGNED, "the content is detached; attach it");
        }
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 2) {
            throw new GatewayException(NOT_SIGNED, "pq-hybrid expects two signers, ECDSA and ML-DSA-65, found "
                    + signers.size());
        }
        SignerInformation classical = null;
        SignerInformation mlDsa = null;
        for (SignerInformation signer : signers) {
            ASN1ObjectIdentifier algorithm = signer.toASN1Structure().getDigestEncryptionAlgorithm().getAlgorithm();
            if (ECDSA.contains(algorithm)) {
                classical = signer;
            } else if (NISTObjectIdentifiers.id_ml_dsa_65.equals(algorithm)) {
                mlDsa = signer;
            } else {
                throw new GatewayException(SIGNATURE_INVALID, "signature algorithm " + algorithm
                        + " is not accepted; pq-hybrid signs with ECDSA and ML-DSA-65");
            }
        }
        // Two signers of one kind leave the other kind missing: a classical forgery cannot stand in for the hybrid.
        if (classical == null || mlDsa == null) {
            throw new GatewayException(NOT_SIGNED, "pq-hybrid needs an ECDSA and an ML-DSA-65 signer; the "
                    + (classical == null ? "ECDSA" : "ML-DSA-65") + " one is missing");
        }
        List<X509Certificate> included = certificates(signed, null);
        X509Certificate classicalCertificate = check(signed, classical, CLASSICAL_DIGESTS, included, trust);
        check(signed, mlDsa, ML_DSA_DIGESTS, included, trust);
        return new Opened((byte[]) signed.getSignedContent().getContent(), classicalCertificate);
    }

    /** Checks one signer: digest, certificate present and trusted for signing, signature valid. */
    private static X509Certificate check(CMSSignedData signed, SignerInformation signer,
            Set<ASN1ObjectIdentifier> digests, List<X509Certificate> included, PartnerTrust trust) {
        if (!digests.contains(signer.getDigestAlgorithmID().getAlgorithm())) {
            throw new GatewayException(SIGNATURE_INVALID, "digest algorithm " + signer.getDigestAlgOID()
                    + " is not accepted with " + signer.getEncryptionAlgOID());
        }
        @SuppressWarnings("unchecked")
        List<X509Certificate> matching = certificates(signed, (Selector<X509CertificateHolder>) signer.getSID());
        if (matching.isEmpty()) {
            throw new GatewayException(NOT_SIGNED, "the certificate of the " + signer.getEncryptionAlgOID()
                    + " signer is not included");
        }
        X509Certificate certificate = matching.get(0);
        trust.validate(certificate, included, PartnerTrust.Usage.SIGNING);
        try {
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(BouncyCastle.provider()).build(certificate))) {
                throw new GatewayException(SIGNATURE_INVALID, "the " + signer.getEncryptionAlgOID()
                        + " signature does not verify");
            }
        } catch (CMSSignerDigestMismatchException e) {
            throw new GatewayException(SIGNATURE_INVALID, "the content digest does not match the signed digest");
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            if (e instanceof GatewayException gatewayException) {
                throw gatewayException;
            }
            throw new GatewayException(SIGNATURE_INVALID, "the signature cannot be verified: " + e.getMessage());
        }
        return certificate;
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
        CMSAuthEnvelopedData enveloped;
        try {
            enveloped = new CMSAuthEnvelopedData(info);
        } catch (CMSException | RuntimeException e) {
            throw new GatewayException(NOT_CMS, "malformed AuthEnvelopedData");
        }
        if (!CMSAlgorithm.AES256_GCM.getId().equals(enveloped.getEncryptionAlgOID())) {
            throw new GatewayException(NOT_CMS, "content encryption must be AES-256-GCM, got "
                    + enveloped.getEncryptionAlgOID());
        }
        return enveloped;
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

    private static boolean isMlDsa65(X509Certificate certificate) {
        return NISTObjectIdentifiers.id_ml_dsa_65.equals(keyAlgorithm(certificate));
    }

    private static boolean isMlKem768(X509Certificate certificate) {
        return NISTObjectIdentifiers.id_alg_ml_kem_768.equals(keyAlgorithm(certificate));
    }

    private static ASN1ObjectIdentifier keyAlgorithm(X509Certificate certificate) {
        return SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getAlgorithm().getAlgorithm();
    }
}
