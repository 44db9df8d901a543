package fr.passerelle.routes;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import fr.passerelle.pki.BouncyCastle;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.seal.Credential;

/**
 * Certificates the sample PKI does not hold, made on the fly for refusal tests: expired or not-yet-valid
 * signing certificates issued by a party's real sample CA, certificates from a CA nobody configured, and CRLs.
 */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /** A signing credential issued by {@code party}'s sample CA, valid from {@code notBefore} to {@code notAfter}. */
    public static Credential signing(String party, Instant notBefore, Instant notAfter) throws Exception {
        X509Certificate ca = Pem.readCertificate(TestPki.dir(party).resolve("ca.pem"));
        PrivateKey caKey = Pem.readPrivateKey(TestPki.dir(party).resolve("ca.key"));
        return issue(ca, caKey, "CN=" + party + " SAMPLE test signer", notBefore, notAfter);
    }

    /** A TLS client credential issued by {@code party}'s sample CA, valid for a day around now. */
    public static Credential tlsClient(String party) throws Exception {
        X509Certificate ca = Pem.readCertificate(TestPki.dir(party).resolve("ca.pem"));
        PrivateKey caKey = Pem.readPrivateKey(TestPki.dir(party).resolve("ca.key"));
        KeyPair keys = ecKeys();
        Instant now = Instant.now();
        X509Certificate certificate = certificate(new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86_400)),
                new X500Name("CN=" + party + " SAMPLE test TLS client"), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)), caKey);
        return new Credential(keys.getPrivate(), certificate);
    }

    /** A signing credential under a CA of its own, which no partner configuration knows. */
    public static Credential fromUnknownCa() throws Exception {
        KeyPair caKeys = ecKeys();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=Unknown SAMPLE CA");
        X509Certificate ca = certificate(new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(3600)),
                Date.from(now.plusSeconds(86_400)), name, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)), caKeys.getPrivate());
        return issue(ca, caKeys.getPrivate(), "CN=Unknown SAMPLE signer", now.minusSeconds(3600), now.plusSeconds(86_400));
    }

    /** Writes a CRL signed by {@code party}'s sample CA that revokes the given certificates, as PEM. */
    public static Path writeCrl(String party, Path file, X509Certificate... revoked) throws Exception {
        X509Certificate ca = Pem.readCertificate(TestPki.dir(party).resolve("ca.pem"));
        PrivateKey caKey = Pem.readPrivateKey(TestPki.dir(party).resolve("ca.key"));
        Date now = new Date();
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca, now);
        builder.setNextUpdate(new Date(now.getTime() + 86_400_000L));
        for (X509Certificate certificate : revoked) {
            builder.addCRLEntry(certificate.getSerialNumber(), now, CRLReason.keyCompromise);
        }
        X509CRL crl = new JcaX509CRLConverter().setProvider(BouncyCastle.provider()).getCRL(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider()).build(caKey)));
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII))) {
            writer.writeObject(crl);
        }
        return file;
    }

    private static Credential issue(X509Certificate ca, PrivateKey caKey, String subject, Instant notBefore,
            Instant notAfter) throws Exception {
        KeyPair keys = ecKeys();
        X509Certificate certificate = certificate(new JcaX509v3CertificateBuilder(ca, serial(), Date.from(notBefore),
                Date.from(notAfter), new X500Name(subject), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection)), caKey);
        return new Credential(keys.getPrivate(), certificate);
    }

    private static X509Certificate certificate(X509v3CertificateBuilder builder, PrivateKey signer) throws Exception {
        return new JcaX509CertificateConverter().setProvider(BouncyCastle.provider()).getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider()).build(signer)));
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }
}
