package dev.tinyseek.cli;

import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.tinyseek.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/// Broken checkpoints that could otherwise load, or fail late and unclearly: each is refused by
/// loading, reported by `inspect` and refused by `generate`, in one line naming the file (and the
/// tensor), with exit code 1.
class HostileInputsTest {

    static Path saved(Path dir) throws Exception {
        Transformer m = new Transformer(ModelConfig.tiny(), 1);
        Checkpoint.save(m, dir, Dtype.F32, Map.of());
        dev.tinyseek.tokenizer.Tokenizer.byteLevel().save(dir.resolve(dev.tinyseek.train.TrainRun.TOKENIZER)); // added by hand: not in the manifest
        return dir;
    }

    static void refusedEverywhere(Path dir, String... expected) {
        MainTest.Result inspect = run("inspect", dir.toString());
        MainTest.Result generate = run("generate", dir.toString(), "--prompt", "1+1=");
        for (MainTest.Result r : new MainTest.Result[] {inspect, generate}) {
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out()).doesNotContain("loads cleanly");
            assertThat(r.err().strip()).contains(expected).doesNotContain("\n").doesNotContain("at dev.");
        }
    }

    @Test
    void aCleanCheckpointInspectsWithItsManifestAndTokenizer(@TempDir Path dir) throws Exception {
        saved(dir);
        // the tokenizer was added after the save: not in the manifest, so saving it again through a whole save
        Transformer m = Checkpoint.load(dir);
        try (var save = dev.tinyseek.io.CheckpointDirectory.begin(dir)) {
            Checkpoint.write(m, save.staging(), Dtype.F32, Map.of());
            dev.tinyseek.tokenizer.Tokenizer.byteLevel().save(save.staging().resolve(dev.tinyseek.train.TrainRun.TOKENIZER));
            save.commit(-1);
        }
        MainTest.Result r = run("inspect", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("loads cleanly").contains("manifest.json: 3 files match their SHA-256")
                .contains("tokenizer.json: 256 tokens, fits vocab_size 256");
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor(@TempDir Path dir) throws Exception {
        Transformer m = new Transformer(ModelConfig.tiny(), 1);
        m.paramsByName().get("model.layers.1.self_attn.o_proj.weight").data[17] = Float.NaN;
        Checkpoint.save(m, dir.resolve("nan"), Dtype.F32, Map.of());
        refusedEverywhere(dir.resolve("nan"), "model.safetensors", "\"model.layers.1.self_attn.o_proj.weight\"",
                "1 of 4096 values are not finite", "index 17, is NaN");
        Transformer b = new Transformer(ModelConfig.tiny(), 1);
        b.paramsByName().get("model.layers.1.mlp.gate.e_score_correction_bias").data[0] = Float.NEGATIVE_INFINITY;
        Checkpoint.save(b, dir.resolve("inf"), Dtype.BF16, Map.of());
        refusedEverywhere(dir.resolve("inf"), "\"model.layers.1.mlp.gate.e_score_correction_bias\"", "-Infinity");
    }

    @Test
    void aBrokenTokenizerIsReportedByInspect(@TempDir Path dir) throws Exception {
        String[][] cases = {
                {"{", "tokenizer.json"},
                {"{}", "tinyseek"},
                {"[1, 2, 3]", "tokenizer.json"},
        };
        for (String[] c : cases) {
            Path d = saved(dir.resolve("t" + c[0].hashCode()));
            Files.writeString(d.resolve(dev.tinyseek.train.TrainRun.TOKENIZER), c[0]);
            refusedEverywhere(d, "tokenizer.json", c[1]);
        }
        Path d = saved(dir.resolve("bytes"));
        Files.write(d.resolve(dev.tinyseek.train.TrainRun.TOKENIZER), new byte[] {'{', (byte) 0xff, '}'});
        refusedEverywhere(d, "tokenizer.json", "not valid UTF-8");
    }

    /// A hand-written config (no manifest) that asks for far more memory than the heap: refused
    /// at once, with the figure, before anything is allocated.
    @Test
    void aConfigTooLargeForTheHeapIsRefusedBeforeAllocating(@TempDir Path dir) throws Exception {
        for (String[] c : new String[][] {{"\"n_routed_experts\": 8", "\"n_routed_experts\": 1000000"},
                {"\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1000000000"}}) {
            Path d = saved(dir.resolve("big" + c[1].length()));
            Files.delete(d.resolve("manifest.json"));
            String cfg = Files.readString(d.resolve("config.json"));
            assertThat(cfg).contains(c[0]);
            Files.writeString(d.resolve("config.json"), cfg.replace(c[0], c[1]));
            refusedEverywhere(d, "config.json: this model needs about", "GB", "more than the", "free in the Java heap", "-Xmx");
        }
    }

    @Test
    void aConfigThatIsNotUtf8NamesTheFile(@TempDir Path dir) throws Exception {
        Path d = saved(dir);
        Files.delete(d.resolve("manifest.json"));
        byte[] cfg = Files.readAllBytes(d.resolve("config.json"));
        cfg[5] = (byte) 0xc3; // a lead byte followed by ASCII: malformed
        Files.write(d.resolve("config.json"), cfg);
        refusedEverywhere(d, "config.json: is not valid UTF-8 text: byte 0xc3 at offset 5");
    }

    @Test
    void aClippedMaxNewIsSaid(@TempDir Path dir) throws Exception {
        Path d = saved(dir);
        int ctx = ModelConfig.tiny().maxPositionEmbeddings();
        MainTest.Result r = run("generate", d.toString(), "--prompt", "1+1=", "--max-new", String.valueOf(ctx * 10), "--no-stop");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("note: --max-new " + ctx * 10 + " was cut to " + (ctx - 4) + ": the prompt has 4 tokens "
                + "and the model's context (max_position_embeddings) is " + ctx);
        MainTest.Result fits = run("generate", d.toString(), "--prompt", "1+1=", "--max-new", "3");
        assertThat(fits.out()).doesNotContain("note:");
    }
}
