package dev.tinyseek.rl;

import dev.tinyseek.tasks.Addition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/// The GRPO recipe called from the library, as from jshell: settings with withers, a record back.
class GrpoRecipeTest {

    @Test
    void aShortRunFromTheLibraryReturnsItsStepsAndSavesTheModel(@TempDir Path dir) throws Exception {
        GrpoRecipe.Settings d = GrpoRecipe.Settings.defaults();
        int maxNew = GrpoRecipe.autoMaxNew(new Addition(1, true, true), "addition");
        GrpoRecipe.Settings s = new GrpoRecipe.Settings(new Addition(1, true, true), "addition", "tiny", "dense", null,
                new GrpoRecipe.ColdStartSettings(0.2, 20, 10, 3e-3, 64), 2, d.grpo().withPrompts(4).withGroup(4).withMaxNew(maxNew)
                .withLoss(d.grpo().loss().withBeta(0)), true, 0.1, false, 1, 8, 1, null, null, dir.resolve("model"), true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GrpoRecipe.Result r = GrpoRecipe.run(s, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(r.steps()).hasSize(2);
        assertThat(r.evals()).hasSize(3); // the start, then steps 1 and 2
        assertThat(r.finalAccuracy()).isBetween(0.0, 1.0);
        assertThat(r.toString()).startsWith("GrpoRecipe.Result[2 GRPO steps");
        assertThat(Files.isRegularFile(dir.resolve("model").resolve("model.safetensors"))).isTrue();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("cold start:").contains("saved " + dir.resolve("model"));
    }

    @Test
    void theNoteAtMuOneSaysWhenTheLossIsZero() {
        var grpo = new GrpoLoss.Options(0.2, 0.2, 0, GrpoLoss.Normalization.GRPO, 0);
        assertThat(GrpoRecipe.lossAtMuOne(grpo, false)).contains("= 0 at every step");
        assertThat(GrpoRecipe.lossAtMuOne(grpo, true)).contains("token-weighted").doesNotContain("= 0");
        var dapo = new GrpoLoss.Options(0.2, 0.28, 0, GrpoLoss.Normalization.DAPO, 0);
        assertThat(GrpoRecipe.lossAtMuOne(dapo, false)).contains("token-weighted").doesNotContain("= 0");
        var kl = new GrpoLoss.Options(0.2, 0.2, 0.04, GrpoLoss.Normalization.GRPO, 0);
        assertThat(GrpoRecipe.lossAtMuOne(kl, false)).contains("= beta x kl at every step");
    }

}
