package fr.passerelle.gateway.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * How long the disk under the bench folder takes to sync a small write, as the broker's journal does at every
 * commit: the context of the day's figures, since a commit waits for it, and a slow sync holds up every consumer.
 */
final class DiskSync {

    /** Writes in one probe. */
    static final int WRITES = 500;
    private static final int BLOCK = 4096;

    /** The sync times of one probe, in milliseconds. */
    record Result(double p50, double p99, double max) {

        String text() {
            return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.1f ms", p50, p99, max);
        }
    }

    private DiskSync() {
    }

    /** Writes and syncs {@link #WRITES} blocks of 4 KiB to a file in {@code folder}, then deletes it. */
    static Result probe(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path file = Files.createTempFile(folder, "disk-sync", ".probe");
        long[] nanos = new long[WRITES];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(BLOCK);
            for (int i = 0; i < WRITES; i++) {
                block.clear();
                long started = System.nanoTime();
                channel.write(block, (long) (i % 64) * BLOCK);
                channel.force(false);
                nanos[i] = System.nanoTime() - started;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Arrays.sort(nanos);
        return new Result(nanos[WRITES / 2] / 1e6, nanos[(int) Math.ceil(WRITES * 0.99) - 1] / 1e6,
                nanos[WRITES - 1] / 1e6);
    }
}
