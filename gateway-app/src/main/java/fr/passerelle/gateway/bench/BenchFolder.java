package fr.passerelle.gateway.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The throw-away folder of one {@code bench} run, in the temporary directory, locked by its run for as long as it
 * lasts. A run stopped normally, by Ctrl-C or SIGTERM deletes its folder; one killed with {@code kill -9} cannot,
 * but its lock goes with its process, so the next run finds the folder unlocked and deletes it ({@link #sweep}).
 */
public final class BenchFolder {

    static final String PREFIX = "passerelle-bench-";
    static final String LOCK = "bench.lock";

    private final Path path;
    private final FileChannel channel;

    private BenchFolder(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** A new folder in {@code parent}, locked by this process. */
    public static BenchFolder create(Path parent) throws IOException {
        Path path = Files.createTempDirectory(parent, PREFIX);
        // Locked under another name, then renamed: a sweep never sees the lock file before it is held.
        Path locking = path.resolve(LOCK + ".new");
        FileChannel channel = FileChannel.open(locking, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            channel.close();
            throw new IOException("cannot lock " + locking);
        }
        Files.move(locking, path.resolve(LOCK));
        return new BenchFolder(path, channel);
    }

    public Path path() {
        return path;
    }

    /** Deletes the folder and everything in it, then gives up its lock. */
    public void delete() throws IOException {
        try {
            deleteTree(path);
        } finally {
            channel.close();
        }
    }

    /**
     * Deletes the folders of runs that ended without deleting theirs: a folder of this kind in {@code parent} whose
     * lock file no process holds. A folder without its lock file is left alone: a run may be creating it.
     *
     * @return the folders deleted
     */
    public static List<Path> sweep(Path parent) throws IOException {
        List<Path> deleted = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path folder : folders) {
                Path lock = folder.resolve(LOCK);
                if (Files.isDirectory(folder) && Files.isRegularFile(lock) && deleteIfUnlocked(folder, lock)) {
                    deleted.add(folder);
                }
            }
        }
        return deleted;
    }

    private static boolean deleteIfUnlocked(Path folder, Path lock) throws IOException {
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                return false; // another process runs a bench in it
            }
            deleteTree(folder);
            return true;
        } catch (OverlappingFileLockException runningHere) {
            return false; // this process runs a bench in it
        } catch (NoSuchFileException gone) {
            return false; // another run's sweep deleted it first
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
