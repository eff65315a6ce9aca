package dev.tinyseek.cli;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.tinyseek.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek train`'s checkpoint: `--out` is checked before any training, and a run resumed on
/// another backend is refused unless `--allow-backend-change` asks for it.
class TrainCheckpointTest {

    static final String[] TINY = {"--digits", "1", "--batch", "2", "--eval-problems", "2", "--eval-every", "0", "--quiet",
            "--arch", "dense", "--steps", "4"};

    @Test
    void aBadOutIsRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        MainTest.Result r = run(MainTest.concat(TINY, "--out", file.toString()));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains("--out: ").contains("is not a directory").doesNotContain("\n");
        assertThat(r.out()).doesNotContain("trained in"); // nothing trained
        MainTest.Result under = run(MainTest.concat(TINY, "--out", file.resolve("run").toString()));
        assertThat(under.err()).contains("cannot create this directory");
        Path mine = Files.createDirectory(dir.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "years of work");
        MainTest.Result other = run(MainTest.concat(TINY, "--out", mine.toString()));
        assertThat(other.err()).contains("is a directory with other files in it");
        assertThat(Files.readString(mine.resolve("thesis.tex"))).isEqualTo("years of work");
    }

    @Test
    void resumingOnAnotherBackendIsRefusedUnlessAllowed(@TempDir Path dir) throws Exception {
        String out = dir.resolve("run").toString();
        MainTest.Result first = run(MainTest.concat(TINY, "--stop-at", "2", "--out", out));
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(Files.readString(dir.resolve("run/trainer_state.json")))
                .contains("\"backend\": \"" + Backends.gemm().name() + "\"").contains("\"precision\": \"fp32\"");
        assertThat(Files.readString(dir.resolve("run/manifest.json"))).contains("\"step\": 2").contains("model.safetensors");
        Gemm before = Backends.gemm();
        try {
            MainTest.Result refused = run("--backend", "naive", "train", "--resume", out, "--quiet");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err().strip()).contains("trained on the '" + before.name() + "' backend")
                    .contains("--allow-backend-change").doesNotContain("\n");
            MainTest.Result allowed = run("--backend", "naive", "train", "--resume", out, "--quiet", "--allow-backend-change");
            assertThat(allowed.code()).as(allowed.err()).isZero();
            assertThat(allowed.out()).contains("continues on 'naive'").contains("not be bit-identical");
        } finally {
            Backends.use(before);
        }
        assertThat(Files.readString(dir.resolve("run/trainer_state.json"))).contains("\"backend\": \"naive\"")
                .doesNotContain("allow-backend-change");
    }
}
