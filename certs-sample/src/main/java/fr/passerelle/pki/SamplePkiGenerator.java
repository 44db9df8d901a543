package fr.passerelle.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jcajce.spec.MLDSAParameterSpec;
import org.bouncycastle.jcajce.spec.MLKEMParameterSpec;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates the sample PKI: for each party its own CA and three end-entity certificates with separate keys,
 * for signing ({@code sign}), encryption ({@code enc}) and TLS ({@code tls}). Every subject says SAMPLE: these
 * keys are public and only fit tests and demonstrations.
 *
 * <p>Signing and TLS keys are ECDSA P-256; encryption keys are RSA 3072 so that partners can use RSA-OAEP key
 * transport, which every CMS and XML Encryption tool supports.
 *
 * <p>Each party also gets the other key type for the same roles, {@code sign-rsa} (RSA 3072, for RSA-PSS) and
 * {@code enc-ec} (EC P-256, for ECDH key agreement), so that both kinds of partner can be tested.
 */
public final class SamplePkiGenerator {

    /** The parties of the sample PKI: {@code fr} (this gateway) and the partners. */
    public static final List<String> PARTIES =
            List.of("fr", "europol", "spain", "morocco", "caribbean", "benelux", "amon");

    private static final Duration CA_VALIDITY = Duration.ofDays(20 * 365);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(10 * 365);
    private static final Duration BACKDATE = Duration.ofDays(1);

    private final SecureRandom random = new SecureRandom();
    private final Consumer<String> progress;

    public SamplePkiGenerator(Consumer<String> progress) {
        this.progress = progress;
        BouncyCastle.provider();
    }

    /**
     * Writes {@code DIR/<party>/{ca,sign,enc,tls,sign-rsa,enc-ec,mldsa,mlkem}.{pem,key}} for every party. Refuses
     * to overwrite an existing party folder unless {@code overwrite}, so that a slip of the command line cannot
     * destroy real keys.
     */
    public void generate(Path outDir, List<String> parties, boolean overwrite) {
        for (String party : parties) {
            Path dir = outDir.resolve(party);
            if (Files.exists(dir.resolve("ca.key")) && !overwrite) {
                throw new PkiException(dir + " already holds keys; pass --force to replace them");
            }
        }
        for (String party : parties) {
            generateParty(outDir.resolve(party), party);
        }
    }

    private void generateParty(Path dir, String party) {
        try {
            Files.createDirectories(dir);
            Instant now = Instant.now();
            KeyPair caKeys = ecKeyPair();
            X500Name caName = name(party, "CA");
            X509Certificate ca = caCertificate(caName, caKeys, now);
            write(dir, "ca", ca, caKeys);
            PartyCa issuer = new PartyCa(dir, party, ca, caKeys, now);

            issueSigning(issuer, "sign", "signing", ecKeyPair());
            issueEncryption(issuer, "enc", "encryption", rsaKeyPair(), KeyUsage.keyEncipherment);

            KeyPair tlsKeys = ecKeyPair();
            GeneralNames loopback = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress,
                        new DEROctetString(InetAddress.getByName("127.0.0.1").getAddress()))
            });
            issue(issuer, "tls", "TLS", tlsKeys, new KeyUsage(KeyUsage.digitalSignature),
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
                        KeyPurposeId.id_kp_clientAuth}), loopback);
            alternativeKeys(issuer);
            postQuantumKeys(issuer);
            progress.accept("generated " + dir + " (ca, sign, enc, tls, sign-rsa, enc-ec, mldsa, mlkem)");
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new PkiException("cannot generate the sample PKI of " + party + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds {@code sign-rsa} and {@code enc-ec} to an existing party folder, issued by its {@code ca.pem} and
     * {@code ca.key}; nothing else in the folder changes. Refuses to replace either pair if it already exists.
     */
    public void addAlternativeKeys(Path dir, String party) {
        addKeys(dir, party, List.of("sign-rsa", "enc-ec"), "alternative", this::alternativeKeys);
    }

    private void alternativeKeys(PartyCa issuer)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        issueSigning(issuer, "sign-rsa", "signing RSA", rsaKeyPair());
        issueEncryption(issuer, "enc-ec", "encryption EC", ecKeyPair(), KeyUsage.keyAgreement);
    }

    /**
     * Adds {@code mldsa} (ML-DSA-65, for signing) and {@code mlkem} (ML-KEM-768, for key encapsulation) to an
     * existing party folder, issued by its {@code ca.pem} and {@code ca.key}; nothing else in the folder changes.
     * They serve the experimental {@code pq-hybrid} profile, beside the classical {@code sign} and {@code enc} keys.
     * Refuses to replace either pair if it already exists.
     */
    public void addPostQuantumKeys(Path dir, String party) {
        addKeys(dir, party, List.of("mldsa", "mlkem"), "post-quantum", this::postQuantumKeys);
    }

    private void postQuantumKeys(PartyCa issuer)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        // The CA stays ECDSA: partners already trust it, and the ML-DSA signature over the message is what must
        // resist a quantum forger; replacing the CAs is a later step.
        issueSigning(issuer, "mldsa", "signing ML-DSA", postQuantumKeyPair("ML-DSA", MLDSAParameterSpec.ml_dsa_65));
        // keyEncipherment is the only usage RFC 9935 allows for an ML-KEM certificate.
        issueEncryption(issuer, "mlkem", "encryption ML-KEM",
                postQuantumKeyPair("ML-KEM", MLKEMParameterSpec.ml_kem_768), KeyUsage.keyEncipherment);
    }

    /** Issues some of a party's key pairs into its folder, e.g. {@link #alternativeKeys}. */
    @FunctionalInterface
    private interface KeySet {
        void issue(PartyCa issuer) throws IOException, GeneralSecurityException, OperatorCreationException;
    }

    /**
     * Adds the pairs {@code names} to an existing party folder with {@code keys}, issued by the folder's
     * {@code ca.pem} and {@code ca.key}; refuses if any of them exists, so that no key is ever replaced.
     * {@code kind} names the pairs in the error message.
     */
    private void addKeys(Path dir, String party, List<String> names, String kind, KeySet keys) {
        for (String name : names) {
            if (Files.exists(dir.resolve(name + ".pem")) || Files.exists(dir.resolve(name + ".key"))) {
                throw new PkiException(dir.resolve(name) + ".pem or .key already exists; it is not replaced");
            }
        }
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        KeyPair caKeys = new KeyPair(ca.getPublicKey(), Pem.readPrivateKey(dir.resolve("ca.key")));
        try {
            keys.issue(new PartyCa(dir, party, ca, caKeys, Instant.now()));
            progress.accept("added " + dir + " (" + String.join(", ", names) + ")");
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new PkiException("cannot add the " + kind + " keys of " + party + ": " + e.getMessage(), e);
        }
    }

    /** A party's CA, the folder its end-entity certificates and keys go to, and the time they are issued at. */
    private record PartyCa(Path dir, String party, X509Certificate certificate, KeyPair keys, Instant now) {
    }

    /** A signing certificate: digitalSignature and nonRepudiation, for e-mail protection (CMS and XML). */
    private void issueSigning(PartyCa issuer, String file, String role, KeyPair keys)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        issue(issuer, file, role, keys, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation),
                new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection), null);
    }

    /** An encryption certificate for e-mail protection, {@code usage} saying how: key transport or agreement. */
    private void issueEncryption(PartyCa issuer, String file, String role, KeyPair keys, int usage)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        issue(issuer, file, role, keys, new KeyUsage(usage),
                new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection), null);
    }

    /** Writes {@code <file>.pem} and {@code <file>.key}: a certificate for {@code role} and its private key. */
    private void issue(PartyCa issuer, String file, String role, KeyPair keys, KeyUsage usage,
            ExtendedKeyUsage extendedUsage, GeneralNames altNames)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        write(issuer.dir(), file, leaf(issuer.certificate(), issuer.keys(), name(issuer.party(), role), keys,
                issuer.now(), usage, extendedUsage, altNames), keys);
    }

    private KeyPair postQuantumKeyPair(String algorithm, AlgorithmParameterSpec parameters)
            throws GeneralSecurityException {
        // Named explicitly: the JDK 17 providers know neither ML-DSA nor ML-KEM.
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, BouncyCastle.provider());
        generator.initialize(parameters, random);
        return generator.generateKeyPair();
    }

    private static X500Name name(String party, String role) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Passerelle SAMPLE PKI - test keys, do not trust")
                .addRDN(BCStyle.OU, party)
                .addRDN(BCStyle.CN, party + " SAMPLE " + role)
                .build();
    }

    private X509Certificate caCertificate(X500Name name, KeyPair keys, Instant now)
            throws GeneralSecurityException, CertIOException, OperatorCreationException {
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        utils.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(builder, keys);
    }

    private X509Certificate leaf(X509Certificate ca, KeyPair caKeys, X500Name subject, KeyPair keys, Instant now,
            KeyUsage usage, ExtendedKeyUsage extendedUsage, GeneralNames altNames)
            throws GeneralSecurityException, CertIOException, OperatorCreationException {
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        // Never outlive the CA: alternative keys may be added years after it was made.
        Date notAfter = Date.from(now.plus(LEAF_VALIDITY));
        if (notAfter.after(ca.getNotAfter())) {
            notAfter = ca.getNotAfter();
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minus(BACKDATE)), notAfter, subject, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, usage)
                .addExtension(Extension.extendedKeyUsage, false, extendedUsage)
                .addExtension(Extension.subjectKeyIdentifier, false,
                        utils.createSubjectKeyIdentifier(keys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca.getPublicKey()));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        return sign(builder, caKeys);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
            throws GeneralSecurityException, OperatorCreationException {
        var signer = new JcaContentSignerBuilder("SHA256withECDSA")
                .setProvider(BouncyCastle.provider()).build(issuerKeys.getPrivate());
        return new JcaX509CertificateConverter().setProvider(BouncyCastle.provider())
                .getCertificate(builder.build(signer));
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private KeyPair rsaKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(3072, random);
        return generator.generateKeyPair();
    }

    private static void write(Path dir, String name, X509Certificate certificate, KeyPair keys) throws IOException {
        Files.writeString(dir.resolve(name + ".pem"), Pem.toPem(certificate), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve(name + ".key"), Pem.toPem(keys.getPrivate()), StandardCharsets.US_ASCII);
    }
}
