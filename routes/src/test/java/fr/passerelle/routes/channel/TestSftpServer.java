package fr.passerelle.routes.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.CopyOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A partner's SFTP server, in process: the given host keys, one account that may log in with one public key only,
 * files under {@code root}. It records which files were written to and renamed, as the partner would see them.
 */
public final class TestSftpServer implements AutoCloseable {

    public static final String USER = "passerelle";

    private final SshServer server;
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private final List<String> moves = new CopyOnWriteArrayList<>();

    public TestSftpServer(Path root, PublicKey acceptedClientKey, KeyPair... hostKeys) {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
        server.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory()));
        server.setPublickeyAuthenticator(
                (user, key, session) -> USER.equals(user) && KeyUtils.compareKeys(acceptedClientKey, key));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(new Recorder());
        server.setSubsystemFactories(List.of(sftp));
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The files written to, as paths of the partner's file system (under /), one entry per write request. */
    public List<String> writes() {
        return writes;
    }

    /** The renames that succeeded, as {@code from -> to}. */
    public List<String> moves() {
        return moves;
    }

    public void stop() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private final class Recorder implements SftpEventListener {

        @Override
        public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                byte[] data, int dataOffset, int dataLen) {
            writes.add(localHandle.getFile().toString());
        }

        @Override
        public void moved(ServerSession session, Path source, Path destination, Collection<CopyOption> options,
                Throwable thrown) {
            if (thrown == null) {
                moves.add(source + " -> " + destination);
            }
        }
    }
}
