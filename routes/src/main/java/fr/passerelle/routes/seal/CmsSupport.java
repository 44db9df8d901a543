package fr.passerelle.routes.seal;

import static fr.passerelle.routes.ReasonCode.DECRYPTION_FAILED;
import static fr.passerelle.routes.ReasonCode.NOT_CMS;
import static fr.passerelle.routes.ReasonCode.NOT_FOR_US;
import static fr.passerelle.routes.ReasonCode.NOT_SIGNED;
import static fr.passerelle.routes.ReasonCode.SEAL_FAILED;
import static fr.passerelle.routes.ReasonCode.SIGNATURE_INVALID;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
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
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.KeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.operator.AsymmetricKeyWrapper;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OperatorException;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.CollectionStore;
import org.bouncycastle.util.Selector;

import fr.passerelle.pki.BouncyCastle;
import fr.passerelle.routes.GatewayException;

/**
 * The CMS steps that the {@code cms} and {@code pq-hybrid} profiles take the same way: building SignedData and
 * AuthEnvelopedData, parsing what a partner sent with the same refusals, RSA-OAEP in both directions, and checking
 * one signer against the partner's trust. One implementation, so that a refusal tightened for one profile is
 * tightened for the other. Each profile keeps what differs: which signers and recipients it expects, which key
 * management it accepts, and the advice its refusals give.
 */
final class CmsSupport {

    /** SHA-2 of 256 bits or more: for classical signatures, RSA-PSS and RSA-OAEP. */
    static final Set<ASN1ObjectIdentifier> SHA256_OR_STRONGER = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    /** ECDSA as a signature algorithm; some tools write the bare key OID, the digest being checked on its own. */
    static final Set<ASN1ObjectIdentifier> ECDSA = Set.of(X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
            X9ObjectIdentifiers.id_ecPublicKey);

    private CmsSupport() {
    }

    /**
     * The JDK's provider of AES-GCM and RSA-OAEP, for sealing: it uses the processor's AES instructions and the JDK's
     * big-integer intrinsics, where Bouncy Castle computes in plain Java (the JDK's cipher takes about half the time
     * per message). Bouncy Castle keeps the ECDSA signatures, which it computes faster than the JDK here, the key
     * agreement with its KDF, and every opening.
     */
    static final String JDK_CIPHERS = "SunJCE";

    /**
     * The digests of the signed content: the JDK's first, which uses the processor's SHA instructions where Bouncy
     * Castle computes in plain Java (a 4 KiB message's SHA-256 took 3 us against 20 us on the build machine); Bouncy
     * Castle's for a digest the JDK lacks.
     */
    static final DigestCalculatorProvider DIGESTS = digests();

    private static DigestCalculatorProvider digests() {
        try {
            DigestCalculatorProvider jdk = new JcaDigestCalculatorProviderBuilder().build();
            DigestCalculatorProvider bouncyCastle = new JcaDigestCalculatorProviderBuilder()
                    .setProvider(BouncyCastle.provider()).build();
            return algorithm -> {
                try {
                    return jdk.get(algorithm);
                } catch (OperatorCreationException e) {
                    return bouncyCastle.get(algorithm);
                }
            };
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no digest provider", e);
        }
    }

    /** One signer of a SignedData: the JCA name of its signature algorithm and the credential that signs. */
    record Signer(String algorithm, Credential credential) {
    }

    /** A DER SignedData with {@code content} attached, one signer info per signer, their certificates included. */
    static byte[] sign(byte[] content, List<Signer> signers) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            List<X509CertificateHolder> certificates = new ArrayList<>();
            for (Signer signer : signers) {
                X509CertificateHolder certificate = holder(signer.credential().certificate());
                generator.addSignerInfoGenerator(new SignerInfoGeneratorBuilder(DIGESTS)
                        .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(signingTimeNow()))
                        .build(new JcaContentSignerBuilder(signer.algorithm()).setProvider(BouncyCastle.provider())
                                .build(signer.credential().key()), certificate));
                certificates.add(certificate);
            }
            generator.addCertificates(new CollectionStore<>(certificates));
            return generator.generate(new CMSProcessableByteArray(content), true).getEncoded("DER");
        } catch (OperatorCreationException | CMSException | IOException e) {
            throw new GatewayException(SEAL_FAILED, "cannot sign: " + e.getMessage(), e);
        }
    }

    /** The signing-time attribute of one second, as Bouncy Castle encodes it (UTCTime, whole seconds). */
    private record SigningTime(long second, AttributeTable attributes) {
    }

    private static volatile SigningTime signingTime = new SigningTime(Long.MIN_VALUE, null);

    /**
     * The signed attributes we give a signer: the signing time, now. Bouncy Castle would add the same one, but builds
     * a date formatter to encode it for every signature; the time has whole seconds, so the messages signed within
     * one second share it. Bouncy Castle adds the content type, the message digest and the algorithm protection.
     */
    static AttributeTable signingTimeNow() {
        long second = Math.floorDiv(System.currentTimeMillis(), 1000L);
        SigningTime current = signingTime;
        if (current.second() != second) {
            current = new SigningTime(second, new AttributeTable(new Attribute(CMSAttributes.signingTime,
                    new DERSet(new Time(new Date(second * 1000L))))));
            signingTime = current;
        }
        return current.attributes();
    }

    /** SHA-256 with ECDSA for an EC key, RSA-PSS with SHA-256 (MGF1-SHA256) for an RSA key. */
    static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof ECKey) {
            return "SHA256withECDSA";
        }
        if (key instanceof RSAKey) {
            return "SHA256withRSAandMGF1";
        }
        throw new GatewayException(SEAL_FAILED, "unsupported signing key type " + key.getAlgorithm());
    }

    /** The recipient infos of one message; building them may fail like the rest of the encryption. */
    @FunctionalInterface
    interface Recipients {
        List<RecipientInfoGenerator> build() throws GeneralSecurityException;
    }

    /** A DER AuthEnvelopedData (AES-256-GCM) of {@code content}, its content key sent to each of {@code recipients}. */
    static byte[] encrypt(byte[] content, Recipients recipients) {
        try {
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            for (RecipientInfoGenerator recipient : recipients.build()) {
                generator.addRecipientInfoGenerator(recipient);
            }
            return generator.generate(new CMSProcessableByteArray(content),
                    (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                            .setProvider(JDK_CIPHERS).build())
                    .getEncoded();
        } catch (GeneralSecurityException | CMSException | IOException e) {
            throw new GatewayException(SEAL_FAILED, "cannot encrypt: " + e.getMessage(), e);
        }
    }

    /** Key transport by RSA-OAEP with SHA-256 and MGF1-SHA256 to the holder of {@code recipient}. */
    static RecipientInfoGenerator rsaOaepRecipient(X509Certificate recipient) {
        // What JceKeyTransRecipientInfoGenerator builds from a certificate, from the certificate parsed once.
        IssuerAndSerialNumber recipientId = new IssuerAndSerialNumber(holder(recipient).toASN1Structure());
        return new KeyTransRecipientInfoGenerator(recipientId, new OaepKeyWrapper(recipient.getPublicKey())) {
        };
    }

    /** RSA-OAEP with SHA-256, MGF1-SHA256 and no label, the same for every message: built once. */
    private static final OAEPParameterSpec OAEP_SHA256 = new OAEPParameterSpec("SHA-256", "MGF1",
            MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    private static final AlgorithmIdentifier RSA_OAEP_SHA256 = rsaOaepSha256();

    private static AlgorithmIdentifier rsaOaepSha256() {
        try {
            return new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP,
                    OAEP_SHA256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP with SHA-256 is not available", e);
        }
    }

    /**
     * Wraps a content key by RSA-OAEP ({@link #OAEP_SHA256}) with the JDK's cipher. Bouncy Castle's
     * {@code JceAsymmetricKeyWrapper} does the same, but looks the cipher up and decodes the OAEP parameters from
     * their ASN.1 again for every message, which cost more than the RSA operation's own padding; here each thread
     * keeps its cipher, initialised for every key it wraps.
     */
    private static final class OaepKeyWrapper extends AsymmetricKeyWrapper {

        private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
            try {
                return Cipher.getInstance("RSA/ECB/OAEPPadding", JDK_CIPHERS);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("RSA-OAEP is not available from " + JDK_CIPHERS, e);
            }
        });

        private final PublicKey recipient;

        OaepKeyWrapper(PublicKey recipient) {
            super(RSA_OAEP_SHA256);
            this.recipient = recipient;
        }

        @Override
        public byte[] generateWrappedKey(GenericKey contentKey) throws OperatorException {
            Object key = contentKey.getRepresentation();
            try {
                Cipher cipher = CIPHERS.get();
                cipher.init(Cipher.WRAP_MODE, recipient, OAEP_SHA256);
                return cipher.wrap(key instanceof Key jceKey ? jceKey : new SecretKeySpec((byte[]) key, "AES"));
            } catch (GeneralSecurityException e) {
                throw new OperatorException("cannot wrap the content key: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Opens an AuthEnvelopedData with one of {@code decryption}, matched by the recipient identifier (issuer and
     * serial number, or subject key identifier) of a recipient info. The kinds of recipient info are tried in the
     * order of {@code preference}, and within a kind our keys in their order; the first match is the only one
     * tried. {@code unwrapper} checks that recipient's key management against the profile (refusing it with
     * {@code NOT_CMS}) and gives what recovers the content key. Any failure of the key transport, agreement or
     * encapsulation, of the unwrap or of the GCM tag is reported the same way, so that a prober learns nothing
     * about which one.
     */
    static byte[] decrypt(byte[] sealed, List<Credential> decryption,
            List<Class<? extends RecipientInformation>> preference,
            BiFunction<RecipientInformation, Credential, Recipient> unwrapper) {
        CMSAuthEnvelopedData enveloped = parseAuthEnveloped(sealed);
        for (Class<? extends RecipientInformation> kind : preference) {
            for (Credential credential : decryption) {
                X509CertificateHolder ours = holder(credential.certificate());
                for (RecipientInformation recipient : enveloped.getRecipientInfos().getRecipients()) {
                    if (kind.isInstance(recipient) && recipient.getRID().match(ours)) {
                        Recipient unwrapping = unwrapper.apply(recipient, credential);
                        try {
                            return recipient.getContent(unwrapping);
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
     * Whether {@code recipient} is RSA-OAEP key transport with SHA-256 or stronger. It reads only public algorithm
     * identifiers; malformed parameters throw a runtime exception, which the profiles refuse like any other key
     * management outside them.
     */
    static boolean isRsaOaepSha256OrStronger(RecipientInformation recipient) {
        AlgorithmIdentifier algorithm = recipient.getKeyEncryptionAlgorithm();
        return recipient instanceof KeyTransRecipientInformation
                && PKCSObjectIdentifiers.id_RSAES_OAEP.equals(algorithm.getAlgorithm())
                && SHA256_OR_STRONGER.contains(oaepDigest(algorithm));
    }

    /** What unwraps an RSA-OAEP transported content key with our RSA key. */
    static Recipient rsaOaepUnwrapper(Credential credential) {
        return new JceKeyTransAuthEnvelopedRecipient(credential.key()).setProvider(BouncyCastle.provider());
    }

    /** The OAEP hash; absent parameters mean SHA-1 (RFC 4055), which is refused. */
    private static ASN1ObjectIdentifier oaepDigest(AlgorithmIdentifier oaep) {
        RSAESOAEPparams parameters = oaep.getParameters() == null
                ? new RSAESOAEPparams() : RSAESOAEPparams.getInstance(oaep.getParameters());
        return parameters.getHashAlgorithm().getAlgorithm();
    }

    /**
     * The certificates we sign and encrypt with, ours and partners', parsed once: Bouncy Castle's form of a
     * certificate is immutable, and reading it again for every message took a tenth of the signing time. They are
     * few; should a long run of renewals fill the cache, it starts again empty.
     */
    private static final Map<X509Certificate, X509CertificateHolder> HOLDERS = new ConcurrentHashMap<>();
    private static final int MAX_HOLDERS = 64;

    private static X509CertificateHolder holder(X509Certificate certificate) {
        X509CertificateHolder cached = HOLDERS.get(certificate);
        if (cached != null) {
            return cached;
        }
        try {
            X509CertificateHolder holder = new JcaX509CertificateHolder(certificate);
            if (HOLDERS.size() >= MAX_HOLDERS) {
                HOLDERS.clear();
            }
            HOLDERS.put(certificate, holder);
            return holder;
        } catch (CertificateEncodingException e) {
            // Our own configuration, not the message: not a DECRYPTION_FAILED a sender could provoke.
            throw new IllegalStateException("cannot encode the certificate "
                    + certificate.getSubjectX500Principal().getName(), e);
        }
    }

    /** A DER ContentInfo holding an AuthEnvelopedData whose content is encrypted with AES-256-GCM, else NOT_CMS. */
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
        // The dotted form of the OID parsed from DER, never null: comparing the strings compares the OIDs.
        if (!CMSAlgorithm.AES256_GCM.getId().equals(enveloped.getEncryptionAlgOID())) {
            throw new GatewayException(NOT_CMS, "content encryption must be AES-256-GCM, got "
                    + enveloped.getEncryptionAlgOID());
        }
        return enveloped;
    }

    /** The SignedData a partner sent, else NOT_SIGNED. */
    static CMSSignedData parseSignedData(byte[] signedData) {
        try {
            return new CMSSignedData(signedData);
        } catch (CMSException | RuntimeException e) {
            throw new GatewayException(NOT_SIGNED, "the content is not a CMS SignedData");
        }
    }

    /** Refuses {@code signer} with SIGNATURE_INVALID unless its digest is one of {@code accepted}. */
    static void requireDigest(SignerInformation signer, Set<ASN1ObjectIdentifier> accepted, String advice) {
        if (!accepted.contains(signer.getDigestAlgorithmID().getAlgorithm())) {
            throw new GatewayException(SIGNATURE_INVALID, "digest algorithm " + signer.getDigestAlgOID()
                    + " is not accepted" + advice);
        }
    }

    /**
     * The certificate of {@code signer}, once it is found in {@code signed}, passes {@code trust} as a signing
     * certificate (with the {@code included} certificates as possible intermediates), and the signature verifies
     * with it. {@code notIncluded} and {@code doesNotVerify} are the refusals of the profile for its two cases.
     */
    static X509Certificate verifySigner(CMSSignedData signed, SignerInformation signer,
            List<X509Certificate> included, PartnerTrust trust, String notIncluded, String doesNotVerify) {
        @SuppressWarnings("unchecked")
        List<X509Certificate> matching = certificates(signed, (Selector<X509CertificateHolder>) signer.getSID());
        if (matching.isEmpty()) {
            throw new GatewayException(NOT_SIGNED, notIncluded);
        }
        X509Certificate certificate = matching.get(0);
        trust.validate(certificate, included, PartnerTrust.Usage.SIGNING);
        try {
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(BouncyCastle.provider()).build(certificate))) {
                throw new GatewayException(SIGNATURE_INVALID, doesNotVerify);
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

    /** The certificates of {@code signed} that {@code which} selects, all of them when it is null. */
    static List<X509Certificate> certificates(CMSSignedData signed, Selector<X509CertificateHolder> which) {
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
}
