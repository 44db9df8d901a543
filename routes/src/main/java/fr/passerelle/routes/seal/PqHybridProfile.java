package fr.passerelle.routes.seal;

import static fr.passerelle.routes.ReasonCode.NOT_CMS;
import static fr.passerelle.routes.ReasonCode.NOT_SIGNED;
import static fr.passerelle.routes.ReasonCode.SEAL_FAILED;
import static fr.passerelle.routes.ReasonCode.SIGNATURE_INVALID;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.KEMRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JceKEMAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKEMRecipientInfoGenerator;

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

    /** RFC 9882: the digest for ML-DSA-65 must give 192-bit collision resistance. */
    private static final Set<ASN1ObjectIdentifier> ML_DSA_DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    private static final Set<ASN1ObjectIdentifier> HKDF = Set.of(PKCSObjectIdentifiers.id_alg_hkdf_with_sha256,
            PKCSObjectIdentifiers.id_alg_hkdf_with_sha384, PKCSObjectIdentifiers.id_alg_hkdf_with_sha512);

    /** Decryption prefers the ML-KEM recipient to the RSA-OAEP one whenever one of our ML-KEM keys matches. */
    private static final List<Class<? extends RecipientInformation>> RECIPIENT_PREFERENCE =
            List.of(KEMRecipientInformation.class, KeyTransRecipientInformation.class);

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
        // The EC key signs as in the cms profile (ECDSA with SHA-256). BC takes SHA-512 as the content digest for
        // ML-DSA, the one RFC 9882 requires everyone to support.
        return CmsSupport.sign(content, List.of(
                new CmsSupport.Signer(CmsSupport.signatureAlgorithm(classical.key()), classical),
                new CmsSupport.Signer("ML-DSA-65", mlDsa)));
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
        return CmsSupport.encrypt(content, () -> List.of(
                CmsSupport.rsaOaepRecipient(rsa),
                // HKDF-SHA256 is the KDF RFC 9936 makes mandatory; BC would otherwise write its default, KDF3.
                new JceKEMRecipientInfoGenerator(mlKem, CMSAlgorithm.AES256_WRAP)
                        .setKDF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_alg_hkdf_with_sha256))
                        .setProvider(BouncyCastle.provider())));
    }

    /**
     * Opens the AuthEnvelopedData with one of {@code decryption}, matched by recipient identifier: through an
     * ML-KEM recipient if one is ours, else through an RSA-OAEP one. Any failure of the decapsulation, key
     * transport, unwrap or GCM tag is reported the same way, so that a prober learns nothing about which one.
     */
    public byte[] decrypt(byte[] sealed, List<Credential> decryption) {
        return CmsSupport.decrypt(sealed, decryption, RECIPIENT_PREFERENCE, PqHybridProfile::unwrapper);
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
            if (CmsSupport.isRsaOaepSha256OrStronger(recipient)) {
                return CmsSupport.rsaOaepUnwrapper(credential);
            }
        } catch (RuntimeException e) {
            // Malformed parameters: refused below like any other key management outside the profile.
        }
        throw new GatewayException(NOT_CMS, "key management " + algorithm.getAlgorithm() + " is not accepted; use"
                + " ML-KEM-768 with HKDF, or RSA-OAEP with SHA-256");
    }

    /**
     * Verifies a SignedData with the content attached and exactly two signers, one ECDSA and one ML-DSA-65; both
     * signer certificates must be in the structure and pass {@code trust} as signing certificates, and both
     * signatures must verify. The opened message names the ECDSA certificate as its signer, as the cms profile
     * does.
     */
    public Opened verify(byte[] signedData, PartnerTrust trust) {
        CMSSignedData signed = CmsSupport.parseSignedData(signedData);
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
            if (CmsSupport.ECDSA.contains(algorithm)) {
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
        List<X509Certificate> included = CmsSupport.certificates(signed, null);
        X509Certificate classicalCertificate =
                check(signed, classical, CmsSupport.SHA256_OR_STRONGER, included, trust);
        check(signed, mlDsa, ML_DSA_DIGESTS, included, trust);
        return new Opened((byte[]) signed.getSignedContent().getContent(), classicalCertificate);
    }

    /** Checks one signer: digest, certificate present and trusted for signing, signature valid. */
    private static X509Certificate check(CMSSignedData signed, SignerInformation signer,
            Set<ASN1ObjectIdentifier> digests, List<X509Certificate> included, PartnerTrust trust) {
        String algorithm = signer.getEncryptionAlgOID();
        CmsSupport.requireDigest(signer, digests, " with " + algorithm);
        return CmsSupport.verifySigner(signed, signer, included, trust,
                "the certificate of the " + algorithm + " signer is not included",
                "the " + algorithm + " signature does not verify");
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
