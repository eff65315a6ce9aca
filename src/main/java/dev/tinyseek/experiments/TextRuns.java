package dev.tinyseek.experiments;

import dev.tinyseek.io.CheckpointDirectory;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.nn.Fp8Recipe;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.train.TextRun;
import dev.tinyseek.train.TrainRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/// A text model's run directory: the checkpoint with its BPE tokenizer and held-out curve, and
/// how to tell a text model from a task model.
public final class TextRuns {

    private TextRuns() {
    }

    public static final String CURVE = "heldout_curve.csv";

    /// Whether the checkpoint in `dir` is a text model (its weights' metadata says `task: text`).
    public static boolean isText(Path dir) {
        Path weights = dir.resolve(Checkpoint.WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            return false;
        }
        try (dev.tinyseek.io.SafetensorsFile f = dev.tinyseek.io.SafetensorsFile.open(weights)) {
            return "text".equals(f.metadata().get("task"));
        }
    }

    /// Saves weights, config, the tokenizer and the held-out curve (`step,train_loss,heldout_loss,heldout_accuracy`),
    /// with the final held-out figures in the weights' metadata.
    public static void save(TextRun.Result r, Path dir, Map<String, String> meta) throws IOException {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put("heldout_loss", String.valueOf(r.heldOut().loss()));
        m.put("heldout_bits_per_byte", String.valueOf(r.heldOut().bitsPerByte()));
        m.put("heldout_accuracy", String.valueOf(r.heldOut().accuracy()));
        m.put("train_seconds", String.valueOf(r.history().seconds()));
        StringBuilder csv = new StringBuilder("step,train_loss,heldout_loss,heldout_accuracy\n");
        for (TextRun.Point p : r.curve()) {
            csv.append(p.step()).append(',').append(p.trainLoss()).append(',').append(p.heldOutLoss()).append(',')
                    .append(p.accuracy()).append('\n');
        }
        try (CheckpointDirectory.Save save = CheckpointDirectory.begin(dir)) {
            Checkpoint.write(r.model(), save.staging(), Dtype.F32, m);
            r.tokenizer().save(save.staging().resolve(TrainRun.TOKENIZER));
            Files.writeString(save.staging().resolve(CURVE), csv);
            save.commit(r.history().steps().size());
        }
    }

    /// Text shown in quotes with its newlines visible.
    public static String visible(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    /// The three variants' settings: the `tiny` shape with vocabulary 512, batch 16 × 64.
    public static TextRun.Settings variant(String variant, int steps, long seed) {
        ModelConfig cfg = ModelConfig.tiny().withVocabSize(512).withMtpDepth(variant.equals("mtp") ? 1 : 0);
        TextRun.Settings s = TextRun.Settings.of(cfg, steps, seed);
        return variant.equals("fp8") ? s.withPrecision(Precision.FP8, Fp8Recipe.deepseek(32)) : s;
    }
}
