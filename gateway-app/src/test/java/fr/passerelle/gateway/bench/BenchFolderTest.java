package fr.passerelle.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's throw-away folders: a folder whose run is gone is deleted by the next run's sweep; a folder in use,
 * one without its lock file, and anything else in the temporary directory are left alone. (Across processes, with
 * a bench killed by {@code kill -9}: {@code BenchInterruptedIT}.)
 */
class BenchFolderTest {

    @TempDir
    Path temporary;

    @Test
    void theFolderOfARunThatIsGoneIsSwept() throws Exception {
        Path left = Files.createDirectories(temporary.resolve(BenchFolder.PREFIX + "123"));
        Files.createFile(left.resolve(BenchFolder.LOCK));
        Files.createDirectories(left.resolve("gateway/broker"));
        Files.writeString(left.resolve("gateway/broker/journal"), "left by a killed run");

        assertThat(BenchFolder.sweep(temporary)).containsExactly(left);
        assertThat(left).doesNotExist();
    }

    @Test
    void aFolderInUseIsLeftAloneAndDeletedByItsRun() throws Exception {
        BenchFolder folder = BenchFolder.create(temporary);
        Files.writeString(folder.path().resolve("store.key"), "in use");
        assertThat(folder.path().getFileName().toString()).startsWith(BenchFolder.PREFIX);
        assertThat(folder.path().resolve(BenchFolder.LOCK)).isRegularFile();

        assertThat(BenchFolder.sweep(temporary)).isEmpty();
        assertThat(folder.path().resolve("store.key")).exists();

        folder.delete();
        assertThat(folder.path()).doesNotExist();
    }

    @Test
    void aFolderWithoutItsLockFileAndOtherFilesAreLeftAlone() throws Exception {
        Path beingCreated = Files.createDirectories(temporary.resolve(BenchFolder.PREFIX + "456"));
        Path other = Files.createDirectories(temporary.resolve("another-tool-1"));
        Files.createFile(other.resolve(BenchFolder.LOCK));
        Path file = Files.createFile(temporary.resolve(BenchFolder.PREFIX + "file"));

        assertThat(BenchFolder.sweep(temporary)).isEmpty();
        assertThat(beingCreated).isDirectory();
        assertThat(other).isDirectory();
        assertThat(file).isRegularFile();
    }
}
