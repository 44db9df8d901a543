package fr.passerelle.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.PasserelleMain;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.OpenSsl;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.Tools;

/** The jar's commands, run in-process as a user would type them from the repository root. */
class CommandLineTest {

    @TempDir
    Path work;

    @RegisterExtension
    final CapturedStandardError err = new CapturedStandardError();

    private int run(String... args) {
        return PasserelleMain.commandLine().execute(args);
    }

    /** "serve --key=value": every property reaches Spring, the "--" ones included (picocli sees them as options). */
    @Test
    void serveKeepsEveryPropertyArgument() {
        var parsed = PasserelleMain.commandLine().parseArgs("serve", "--server.port=9443",
                "--passerelle.broker.port=61617");
        ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(serve.arguments()).containsExactly("--server.port=9443", "--passerelle.broker.port=61617");
    }

    /** seal for spain then open as spain (spain's keys as our identity, fr as the partner): the round trip holds. */
    @Test
    void sealThenOpenRoundTrip() throws Exception {
        Path plain = TestPki.sample("intel-report-to-spain.xml");
        Path sealed = work.resolve("sealed.der");
        Path opened = work.resolve("opened.xml");

        assertThat(run("seal", "--partner", "spain", "--in", plain.toString(), "--out", sealed.toString()))
                .isZero();
        assertThat(run("open", "--partner", "fr", "--partner-dir", TestPki.dir("fr").toString(),
                "--identity", TestPki.dir("spain").toString(), "--identity-id", "spain",
                "--in", sealed.toString(), "--out", opened.toString())).isZero();

        assertThat(Files.readAllBytes(opened)).isEqualTo(Files.readAllBytes(plain));
    }

    /** What seal writes is what openssl opens with Spain's key and verifies against fr's CA. */
    @Test
    void sealOutputOpensWithOpenssl() throws Exception {
        OpenSsl.assumePresent();
        Path plain = TestPki.sample("intel-report-to-spain.xml");
        assertThat(run("seal", "--partner", "spain", "--in", plain.toString(),
                "--out", work.resolve("sealed.der").toString())).isZero();

        OpenSsl.decryptAndVerify(work, "sealed.der", "spain", "fr", "plain.xml");
        assertThat(Files.readAllBytes(work.resolve("plain.xml"))).isEqualTo(Files.readAllBytes(plain));
    }

    /** seal --profile xml for Spain: xmlsec1 decrypts it with Spain's key and verifies it against fr's CA. */
    @Test
    void xmlSealOutputOpensWithXmlsec1() throws Exception {
        Tools.assumePresent("xmlsec1");
        Path plain = TestPki.sample("intel-report-to-spain.xml");
        assertThat(run("seal", "--partner", "spain", "--profile", "xml", "--in", plain.toString(),
                "--out", work.resolve("sealed.xml").toString())).isZero();

        Tools.run(work, "xmlsec1", "--decrypt", "--privkey-pem",
                TestPki.dir("spain").resolve("enc.key") + "," + TestPki.dir("spain").resolve("enc.pem"),
                "--trusted-pem", TestPki.dir("spain").resolve("ca.pem").toString(),
                "--output", "signed.xml", "sealed.xml");
        String verified = Tools.run(work, "xmlsec1", "--verify", "--enabled-reference-uris", "empty",
                "--trusted-pem", TestPki.dir("fr").resolve("ca.pem").toString(), "signed.xml");

        assertThat(verified).contains("OK");
        assertThat(Files.readString(work.resolve("signed.xml"))).contains("<messageId>")
                .contains("Signature");
    }

    /** xml round trip through the commands: seal for Spain, open as Spain. */
    @Test
    void xmlSealThenOpenRoundTrip() throws Exception {
        Path plain = TestPki.sample("intel-report-to-spain.xml");
        Path sealed = work.resolve("sealed.xml");
        assertThat(run("seal", "--partner", "spain", "--profile", "xml", "--in", plain.toString(),
                "--out", sealed.toString())).isZero();

        assertThat(run("open", "--partner", "fr", "--profile", "xml", "--partner-dir", TestPki.dir("fr").toString(),
                "--identity", TestPki.dir("spain").toString(), "--identity-id", "spain",
                "--in", sealed.toString(), "--out", work.resolve("opened.xml").toString())).isZero();
        assertThat(Files.readAllBytes(work.resolve("opened.xml"))).isEqualTo(Files.readAllBytes(plain));
    }

    /** EXPERIMENTAL pq-hybrid through the commands: seal for Spain, open as Spain; both signatures checked. */
    @Test
    void pqHybridSealThenOpenRoundTrip() throws Exception {
        Path plain = TestPki.sample("intel-report-to-spain.xml");
        Path sealed = work.resolve("sealed.der");
        assertThat(run("seal", "--partner", "spain", "--profile", "pq-hybrid", "--in", plain.toString(),
                "--out", sealed.toString())).isZero();

        assertThat(run("open", "--partner", "fr", "--profile", "pq-hybrid", "--partner-dir", TestPki.dir("fr").toString(),
                "--identity", TestPki.dir("spain").toString(), "--identity-id", "spain",
                "--in", sealed.toString(), "--out", work.resolve("opened.xml").toString())).isZero();
        assertThat(Files.readAllBytes(work.resolve("opened.xml"))).isEqualTo(Files.readAllBytes(plain));
    }

    /** open refuses a message whose signer is not the named partner: exit status 2 and the reason code. */
    @Test
    void openRefusesTheWrongPartner() throws Exception {
        Path sealed = work.resolve("sealed.der");
        assertThat(run("seal", "--partner", "spain", "--in", TestPki.sample("intel-report-to-spain.xml").toString(),
                "--out", sealed.toString())).isZero();

        int status = run("open", "--partner", "morocco", "--identity", TestPki.dir("spain").toString(),
                "--identity-id", "spain", "--in", sealed.toString(), "--out", work.resolve("x").toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.text()).contains("CERT_UNKNOWN_CA");
        assertThat(work.resolve("x")).doesNotExist();
    }

    /** open of a file that is not for us says NOT_FOR_US. */
    @Test
    void openRefusesAMessageForSomeoneElse() throws Exception {
        Path sealed = work.resolve("sealed.der");
        run("seal", "--partner", "spain", "--in", TestPki.sample("intel-report-to-spain.xml").toString(),
                "--out", sealed.toString());

        assertThat(run("open", "--partner", "fr", "--partner-dir", TestPki.dir("fr").toString(),
                "--in", sealed.toString(), "--out", work.resolve("x").toString())).isEqualTo(2);
        assertThat(err.text()).contains("NOT_FOR_US");
    }

    /** A partner that is not configured is an error naming the configuration key, exit status 1. */
    @Test
    void sealForAnUnknownPartnerNamesTheKey() {
        assertThat(run("seal", "--partner", "atlantis", "--in", "README.md", "--out", work.resolve("x").toString()))
                .isEqualTo(1);
        assertThat(err.text()).contains("passerelle.partners.atlantis");
    }

    /** A partner folder without its CA is an error naming the missing file, exit status 1. */
    @Test
    void sealWithAnIncompletePartnerFolderNamesTheFile() {
        assertThat(run("seal", "--partner", "spain", "--partner-dir", work.toString(), "--in", "README.md",
                "--out", work.resolve("x").toString())).isEqualTo(1);
        assertThat(err.text()).contains("ca.pem");
    }

    /** An unknown profile is refused with the list of known ones. */
    @Test
    void sealWithAnUnknownProfileIsRefused() {
        assertThat(run("seal", "--partner", "spain", "--profile", "rot13", "--in", "README.md",
                "--out", work.resolve("x").toString())).isEqualTo(1);
        assertThat(err.text()).contains("rot13").contains("cms");
    }

    /** certs generate writes the layout of the contract, chains that verify, and refuses to overwrite keys. */
    @Test
    void certsGenerateWritesTheLayout() throws Exception {
        assertThat(run("certs", "generate", "--out", work.toString(), "--parties", "spain")).isZero();

        for (String file : new String[] {"ca.pem", "ca.key", "sign.pem", "sign.key", "enc.pem", "enc.key",
            "tls.pem", "tls.key"}) {
            assertThat(work.resolve("spain").resolve(file)).isNotEmptyFile();
        }
        var ca = Pem.readCertificate(work.resolve("spain/ca.pem"));
        var sign = Pem.readCertificate(work.resolve("spain/sign.pem"));
        sign.verify(ca.getPublicKey());
        assertThat(sign.getSubjectX500Principal().getName()).contains("SAMPLE");
        assertThat(Files.readString(work.resolve("spain/sign.key"))).startsWith("-----BEGIN PRIVATE KEY-----");

        assertThat(run("certs", "generate", "--out", work.toString(), "--parties", "spain")).isEqualTo(1);
        assertThat(err.text()).contains("--force");
    }

    /** Every command explains itself, and its help text is printed as written, without a formatting warning. */
    @Test
    void helpIsAvailableForEveryCommand() {
        for (String command : PasserelleMain.commandLine().getSubcommands().keySet()) {
            assertThat(run(command, "--help")).as(command).isZero();
        }
        assertThat(err.text()).doesNotContain("picocli WARN");
    }
}
