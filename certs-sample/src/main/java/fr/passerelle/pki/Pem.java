package fr.passerelle.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Reads and writes the PEM files of the PKI layout: X.509 certificates and unencrypted PKCS#8 keys. */
public final class Pem {

    private static final JcaX509CertificateConverter CERTS =
            new JcaX509CertificateConverter().setProvider(BouncyCastle.provider());

    private Pem() {
    }

    /** Every certificate in the file, in file order; a file without any is an error. */
    public static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(CERTS.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new PkiException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new PkiException("no certificate in " + file);
        }
        return certificates;
    }

    /** The first certificate of the file. */
    public static X509Certificate readCertificate(Path file) {
        return readCertificates(file).get(0);
    }

    /** An unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}). Encrypted or legacy forms are refused. */
    public static PrivateKey readPrivateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object item = parser.readObject();
            if (item instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().setProvider(BouncyCastle.provider()).getPrivateKey(info);
            }
            throw new PkiException(file + " does not hold an unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)");
        } catch (IOException e) {
            throw new PkiException("cannot read private key from " + file + ": " + e.getMessage(), e);
        }
    }

    /** PEM text of one or more certificates. */
    public static String toPem(X509Certificate... certificates) {
        return write(writer -> {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        });
    }

    /** PEM text of a private key as unencrypted PKCS#8. */
    public static String toPem(PrivateKey key) {
        return write(writer -> writer.writeObject(new JcaPKCS8Generator(key, null)));
    }

    private interface PemWriting {
        void accept(JcaPEMWriter writer) throws IOException;
    }

    private static String write(PemWriting writing) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writing.accept(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
