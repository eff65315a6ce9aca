package dev.tinyseek.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// A checkpoint directory is written whole or not at all, and one whose files do not match its
/// manifest is refused naming the file.
class CheckpointDirectoryTest {

    static void save(Path dir, long step, String... nameThenText) throws Exception {
        try (CheckpointDirectory.Save s = CheckpointDirectory.begin(dir)) {
            for (int i = 0; i < nameThenText.length; i += 2) {
                Files.writeString(s.staging().resolve(nameThenText[i]), nameThenText[i + 1]);
            }
            s.commit(step);
        }
    }

    static String[] names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void aSaveWritesTheFilesAndAManifestThatVerifies(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        save(dir, 7, "config.json", "{}", "weights.bin", "abc");
        assertThat(names(dir)).containsExactly("config.json", "manifest.json", "weights.bin");
        CheckpointDirectory.Manifest m = CheckpointDirectory.verify(dir, "config.json", "weights.bin");
        assertThat(m.step()).isEqualTo(7);
        assertThat(m.files().get("weights.bin").sha256())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // SHA-256("abc")
        assertThat(m.files().get("weights.bin").step()).isEqualTo(7);
        assertThat(names(tmp)).containsExactly("run"); // no staging or set-aside directory left
    }

    @Test
    void aFileChangedOrCopiedInIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        save(dir, 1, "config.json", "{}", "weights.bin", "step one");
        Files.writeString(dir.resolve("weights.bin"), "step two"); // same size, other bytes
        assertThatThrownBy(() -> CheckpointDirectory.verify(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("weights.bin: does not match manifest.json (SHA-256").hasMessageContaining("torn or mixed");
        Files.writeString(dir.resolve("weights.bin"), "step 2"); // another size
        assertThatThrownBy(() -> CheckpointDirectory.verify(dir)).hasMessageContaining("6 bytes, the manifest says 8");
        Files.writeString(dir.resolve("weights.bin"), "step one");
        Files.writeString(dir.resolve("optimizer.bin"), "from elsewhere");
        assertThat(CheckpointDirectory.verify(dir)).isNotNull(); // a file nobody asked about is let be
        assertThatThrownBy(() -> CheckpointDirectory.verify(dir, "optimizer.bin"))
                .hasMessageContaining("optimizer.bin: is not listed in manifest.json (the checkpoint of step 1)");
    }

    @Test
    void aSaveThatIsNotCommittedLeavesTheOldCheckpoint(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        save(dir, 1, "config.json", "{\"a\": 1}");
        try (CheckpointDirectory.Save s = CheckpointDirectory.begin(dir)) {
            Files.writeString(s.staging().resolve("config.json"), "{\"a\": 2}");
            // no commit: an exception while writing ends here
        }
        assertThat(Files.readString(dir.resolve("config.json"))).isEqualTo("{\"a\": 1}");
        assertThat(names(tmp)).containsExactly("run");
    }

    @Test
    void aNewSaveReplacesTheOldCheckpointAndKeepsOtherFiles(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        save(dir, 1, "config.json", "{}", "optimizer.bin", "moments");
        Files.writeString(dir.resolve("README.md"), "a model card");
        Files.createDirectories(dir.resolve("plots"));
        Files.writeString(dir.resolve("plots/loss.png"), "png");
        save(dir, 2, "config.json", "{\"b\": 1}");
        // the old checkpoint's optimizer was part of it and goes; the card and the plots stay
        assertThat(names(dir)).containsExactly("README.md", "config.json", "manifest.json", "plots");
        assertThat(Files.readString(dir.resolve("plots/loss.png"))).isEqualTo("png");
        assertThat(CheckpointDirectory.verify(dir).files()).containsOnlyKeys("config.json");
    }

    @Test
    void aSaveInterruptedBetweenItsRenamesIsRecovered(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        save(dir, 1, "config.json", "{\"step\": 1}");
        Path staging = tmp.resolve(".run.saving-1-1");
        save(staging, 2, "config.json", "{\"step\": 2}"); // a whole new checkpoint, with its manifest
        // 1. killed after the old directory went aside: the whole new one comes into place
        Files.move(dir, tmp.resolve(".run.old-1-0"));
        assertThat(CheckpointDirectory.recover(dir)).isTrue();
        assertThat(Files.readString(dir.resolve("config.json"))).isEqualTo("{\"step\": 2}");
        // 2. a staging directory without its manifest is not whole: the set-aside one comes back
        Files.move(dir, tmp.resolve(".run.old-1-2"));
        Path torn = Files.createDirectory(tmp.resolve(".run.saving-1-3"));
        Files.writeString(torn.resolve("config.json"), "{\"step\": 3}");
        assertThat(CheckpointDirectory.recover(dir)).isTrue();
        assertThat(Files.readString(dir.resolve("config.json"))).isEqualTo("{\"step\": 2}");
        // 3. the next save cleans what is left of interrupted saves, and old temporary files
        Files.writeString(dir.resolve(".model.safetensors.123.abc.tmp"), "half");
        save(dir, 4, "config.json", "{\"step\": 4}");
        assertThat(names(tmp)).containsExactly("run");
        assertThat(names(dir)).containsExactly("config.json", "manifest.json");
    }

    @Test
    void chartsWrittenBeforeTheFirstSaveAreKeptButATreeIsNotTaken(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.writeString(dir.resolve("loss.png"), "png");
        save(dir, 3, "config.json", "{}");
        assertThat(names(dir)).containsExactly("config.json", "loss.png", "manifest.json");
        Path home = Files.createDirectory(tmp.resolve("home"));
        Files.createDirectory(home.resolve("projects"));
        assertThatThrownBy(() -> save(home, 1, "config.json", "{}")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("is a directory with other files in it");
        assertThat(names(home)).containsExactly("projects");
    }

    @Test
    void theTargetIsCheckedBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> CheckpointDirectory.checkWritable(file)).hasMessageContaining("is not a directory");
        assertThatThrownBy(() -> CheckpointDirectory.checkWritable(file.resolve("run")))
                .hasMessageContaining("cannot create this directory");
        Path home = Files.createDirectory(tmp.resolve("home"));
        Files.writeString(home.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> CheckpointDirectory.checkWritable(home))
                .hasMessageContaining("is a directory with other files in it").hasMessageContaining("choose a new or empty one");
        CheckpointDirectory.checkWritable(tmp.resolve("a/b/run")); // creatable: fine
        CheckpointDirectory.checkWritable(Files.createDirectory(tmp.resolve("empty")));
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!Files.isWritable(ro), "running as a user who can write anywhere (root)");
            assertThatThrownBy(() -> CheckpointDirectory.checkWritable(ro.resolve("run"))).hasMessageContaining("is not writable");
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
