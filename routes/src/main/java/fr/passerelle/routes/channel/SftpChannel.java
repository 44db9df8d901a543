package fr.passerelle.routes.channel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.regex.Pattern;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.bouncycastle.jce.interfaces.ECPrivateKey;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

import fr.passerelle.pki.BouncyCastle;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;

/**
 * Puts each sealed message as a file in a directory of the partner's SFTP server, logging in with our SSH key and
 * talking only to the server whose host key is pinned in the settings.
 *
 * <p>A message is written to {@code .<messageId>.<ext>.part}, then renamed to {@code <messageId>.<ext>}, so the
 * partner never sees a partial file under its final name. The SFTP rename does not replace an existing file (SFTP
 * v3, as OpenSSH implements it, and v5+ without the overwrite flag): a redelivery after a crash finds the final
 * file already there, leaves it as it is and drops its temporary copy.
 */
public final class SftpChannel implements PartnerChannel {

    /**
     * How to reach one partner's SFTP server.
     *
     * @param host the server's host name or address
     * @param port its SSH port, usually 22
     * @param username the account we log in as
     * @param privateKey our SSH client key: PEM, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), EC (P-256) or RSA,
     *     like the keys of the sample PKI; the public key the partner authorises is derived from it
     * @param hostKey the partner server's public host key, pinned: a file holding one OpenSSH public key line
     *     ({@code ssh-ed25519 AAAA...}, {@code ecdsa-sha2-nistp256 AAAA...} or {@code ssh-rsa AAAA...}), as in
     *     {@code known_hosts} without the host name or in the server's {@code /etc/ssh/ssh_host_*_key.pub}
     * @param directory the directory the files go to, relative to the account's home unless it starts with /
     * @param timeout the limit for connecting, logging in and each SFTP operation
     */
    public record Settings(String host, int port, String username, Path privateKey, Path hostKey, String directory,
            Duration timeout) {

        public Settings {
            require(host != null && !host.isBlank(), "host must not be blank");
            require(port >= 1 && port <= 65535, "port must be between 1 and 65535, not " + port);
            require(username != null && !username.isBlank(), "username must not be blank");
            require(privateKey != null, "privateKey must be set");
            require(hostKey != null, "hostKey must be set");
            require(directory != null && !directory.isBlank(), "directory must not be blank");
            require(timeout != null && timeout.compareTo(Duration.ZERO) > 0, "timeout must be positive");
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** A UUID, as the envelope schema requires: nothing that could leave the directory or hide the file. */
    private static final Pattern SAFE_MESSAGE_ID = Pattern.compile("[0-9A-Za-z][0-9A-Za-z-]*");

    /**
     * The host key each session refused, read when its login fails. Kept here rather than as a session attribute:
     * a session that failed its key exchange may clear its attributes while closing, before we look.
     */
    private final Map<ClientSession, PublicKey> refusedHostKeys = Collections.synchronizedMap(new WeakHashMap<>());

    private final Settings settings;
    private final PublicKey pinnedHostKey;
    private final SshClient client;

    /**
     * Reads both key files and starts the SSH client the channel keeps until {@link #close()}; each delivery opens
     * its own session.
     *
     * @throws IllegalArgumentException when a key file is missing or unusable, naming the partner and the file
     */
    public SftpChannel(String partnerId, Settings settings) {
        if (partnerId == null || partnerId.isBlank()) {
            throw new IllegalArgumentException("partnerId must not be blank");
        }
        this.settings = Objects.requireNonNull(settings, "settings");
        KeyPair clientKey = readClientKey(partnerId, settings.privateKey());
        this.pinnedHostKey = readHostKey(partnerId, settings.hostKey());

        client = SshClient.setUpDefaultClient();
        // Our key may sign with any algorithm, but the server must be asked for the pinned key's type only: a
        // server with several host keys would otherwise present the one we prefer, not the one we pinned.
        List<NamedFactory<Signature>> all = client.getSignatureFactories();
        List<String> pinnedTypes = KeyUtils.getAllEquivalentKeyTypes(KeyUtils.getKeyType(pinnedHostKey));
        client.setSignatureFactories(all.stream().filter(f -> pinnedTypes.contains(f.getName())).toList());
        client.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory(all)));
        client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(clientKey));
        // No ~/.ssh/config of the machine the gateway happens to run on.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setServerKeyVerifier(this::verifyHostKey);
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, settings.timeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(client, settings.timeout());
        CoreModuleProperties.IDLE_TIMEOUT.set(client, settings.timeout());
        SftpModuleProperties.SFTP_CHANNEL_OPEN_TIMEOUT.set(client, settings.timeout());
        client.start();
    }

    @Override
    public Delivery deliver(Outgoing message) {
        if (!SAFE_MESSAGE_ID.matcher(message.messageId()).matches()) {
            throw new GatewayException(ReasonCode.INTERNAL_ERROR,
                    "messageId is not usable as a file name on " + address() + " (a UUID is expected)");
        }
        String name = message.messageId() + "." + message.extension();
        try (ClientSession session = connect(); SftpClient sftp = openSftp(session)) {
            return put(sftp, message.sealed(), name);
        } catch (IOException e) {
            throw new ChannelException("cannot close the sftp session with " + address() + ": " + e.getMessage(), e);
        }
    }

    /** Logs in as a delivery does, then checks that the directory the files go to is there and is a directory. */
    @Override
    public String probe() {
        String directory = settings.directory();
        try (ClientSession session = connect(); SftpClient sftp = openSftp(session)) {
            SftpClient.Attributes attributes;
            try {
                attributes = sftp.stat(directory);
            } catch (IOException e) {
                throw new ChannelException("cannot find the directory " + where(directory) + ": " + e.getMessage(),
                        e);
            }
            if (!attributes.isDirectory()) {
                throw new ChannelException(where(directory) + " is not a directory");
            }
            return describe() + " is a directory we can log in to";
        } catch (IOException e) {
            throw new ChannelException("cannot close the sftp session with " + address() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "sftp " + settings.username() + "@" + address() + "/" + settings.directory();
    }

    @Override
    public void close() {
        client.stop();
    }

    private ClientSession connect() {
        ClientSession session;
        try {
            session = client.connect(settings.username(), settings.host(), settings.port())
                    .verify(settings.timeout()).getSession();
        } catch (IOException e) {
            throw new ChannelException("cannot connect to " + address() + ": " + e.getMessage(), e);
        }
        try {
            session.auth().verify(settings.timeout());
            return session;
        } catch (IOException e) {
            PublicKey refused = refusedHostKeys.remove(session);
            session.close(true);
            if (refused != null) {
                throw new ChannelException("host key of " + address() + " does not match the pinned key: the server"
                        + " presented " + KeyUtils.getKeyType(refused) + " " + KeyUtils.getFingerPrint(refused), e);
            }
            throw new ChannelException("cannot log in to " + address() + " as " + settings.username()
                    + " with our key: " + e.getMessage(), e);
        }
    }

    private SftpClient openSftp(ClientSession session) {
        try {
            return SftpClientFactory.instance().createSftpClient(session);
        } catch (IOException e) {
            session.close(true);
            throw new ChannelException("cannot start sftp on " + address() + ": " + e.getMessage(), e);
        }
    }

    private Delivery put(SftpClient sftp, byte[] sealed, String name) {
        String target = inDirectory(name);
        String part = inDirectory("." + name + ".part");
        try (OutputStream out = sftp.write(part, OpenMode.Write, OpenMode.Create, OpenMode.Truncate)) {
            out.write(sealed);
        } catch (IOException e) {
            throw new ChannelException("cannot write " + where(part) + ": " + e.getMessage(), e);
        }
        try {
            sftp.rename(part, target);
        } catch (IOException e) {
            if (!exists(sftp, target)) {
                throw new ChannelException("cannot rename " + where(part) + " to " + name + ": " + e.getMessage(), e);
            }
            return Delivery.withoutReceipt(where(target) + " already present, not overwritten"
                    + (removed(sftp, part) ? "" : "; " + part + " left behind"));
        }
        return Delivery.withoutReceipt(where(target) + ", " + sealed.length + " bytes");
    }

    private boolean exists(SftpClient sftp, String path) {
        try {
            sftp.lstat(path);
            return true;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw new ChannelException("cannot check " + where(path) + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ChannelException("cannot check " + where(path) + ": " + e.getMessage(), e);
        }
    }

    /** The partner already has the message: a stray temporary file is untidy, not a reason to deliver again. */
    private static boolean removed(SftpClient sftp, String path) {
        try {
            sftp.remove(path);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean verifyHostKey(ClientSession session, SocketAddress remote, PublicKey presented) {
        if (KeyUtils.compareKeys(pinnedHostKey, presented)) {
            return true;
        }
        refusedHostKeys.put(session, presented);
        return false;
    }

    private String inDirectory(String name) {
        String directory = settings.directory();
        return directory.endsWith("/") ? directory + name : directory + "/" + name;
    }

    private String where(String path) {
        return "sftp " + address() + "/" + path;
    }

    private String address() {
        return settings.host() + ":" + settings.port();
    }

    private static KeyPair readClientKey(String partnerId, Path file) {
        requireFile(partnerId, "privateKey", file);
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(file);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("partner " + partnerId + ": privateKey " + file
                    + " cannot be read as an unencrypted PKCS#8 PEM private key", e);
        }
        try {
            return new KeyPair(publicKeyOf(key), key);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("partner " + partnerId + ": privateKey " + file
                    + " is a " + key.getAlgorithm() + " key; an EC or RSA key is expected", e);
        }
    }

    private static void requireFile(String partnerId, String field, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("partner " + partnerId + ": " + field + " " + file + " is not a file");
        }
    }

    /** PKCS#8 does not reliably carry the public key, so it is computed: Q = d·G for EC, (n, e) for RSA. */
    private static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
        if (key instanceof ECPrivateKey ec) {
            ECParameterSpec curve = ec.getParameters();
            ECPublicKeySpec spec = new ECPublicKeySpec(curve.getG().multiply(ec.getD()).normalize(), curve);
            return KeyFactory.getInstance("EC", BouncyCastle.provider()).generatePublic(spec);
        }
        if (key instanceof RSAPrivateCrtKey rsa) {
            return KeyUtils.recoverPublicKey(rsa);
        }
        throw new GeneralSecurityException("unsupported client key algorithm " + key.getAlgorithm());
    }

    private static PublicKey readHostKey(String partnerId, Path file) {
        requireFile(partnerId, "hostKey", file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("partner " + partnerId + ": hostKey " + file + " cannot be read", e);
        }
        if (lines.size() != 1) {
            throw new IllegalArgumentException("partner " + partnerId + ": hostKey " + file
                    + " must hold exactly one OpenSSH public key line, it holds " + lines.size());
        }
        try {
            return PublicKeyEntry.parsePublicKeyEntry(lines.get(0))
                    .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("partner " + partnerId + ": hostKey " + file
                    + " does not hold a supported OpenSSH public key (ssh-ed25519, ecdsa-sha2-nistp256/384/521,"
                    + " ssh-rsa)", e);
        }
    }
}
