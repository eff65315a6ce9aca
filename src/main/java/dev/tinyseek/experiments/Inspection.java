package dev.tinyseek.experiments;

import dev.tinyseek.io.Safetensors;
import dev.tinyseek.io.SafetensorsFile;
import dev.tinyseek.io.TensorInfo;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ConfigJson;
import dev.tinyseek.model.CostModel;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.train.TrainRun;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/// What a checkpoint directory holds (`tinyseek inspect DIR`): whether its files match their
/// hashes, its tokenizer, its config, a table of its tensors, its parameter counts and its
/// KV-cache size per token.
public final class Inspection {

    private Inspection() {
    }

    /// The report of `dir`, already loaded (and so checked) as `model` with the tokenizer `tok`
    /// and the `notes` that loading gave.
    public static String report(Path dir, Transformer model, dev.tinyseek.tokenizer.Tokenizer tok, List<String> notes)
            throws java.io.IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        java.io.PrintWriter out = new java.io.PrintWriter(text);
        var manifest = dev.tinyseek.io.CheckpointDirectory.readManifest(dir);
        out.println("checkpoint " + dir + ": loads cleanly");
        out.println("GEMM backend: " + dev.tinyseek.backend.Backends.describe(dev.tinyseek.backend.Backends.gemm()));
        out.println(manifest == null ? "no manifest.json: the files could not be checked against their hashes (saved by "
                + "another program or an older tinyseek)" : "manifest.json: " + manifest.files().size() + " files match their "
                + "SHA-256" + (manifest.step() >= 0 ? ", all of training step " + manifest.step() : ""));
        out.println(java.nio.file.Files.isRegularFile(dir.resolve(TrainRun.TOKENIZER))
                ? TrainRun.TOKENIZER + ": " + tok.vocabSize() + " tokens, fits vocab_size " + model.config.vocabSize()
                : "no " + TrainRun.TOKENIZER + ": text is plain bytes (ids 0..255)");
        for (String n : notes) {
            out.println("note: " + n);
        }
        out.println();
        out.println(ConfigJson.write(model.config));
        out.println();
        try (SafetensorsFile f = Safetensors.open(dir.resolve(Checkpoint.WEIGHTS))) {
            int width = 4;
            for (TensorInfo t : f.infos()) {
                width = Math.max(width, t.name().length());
            }
            out.printf("%-" + width + "s  %-8s  %s%n", "name", "dtype", "shape");
            for (TensorInfo t : f.infos()) {
                out.printf("%-" + width + "s  %-8s  %s%n", t.name(), t.dtype(), Arrays.toString(t.shape()));
            }
        }
        out.println();
        out.print(parameters(model));
        Transformer.DecodeState st = model.newDecodeState(1);
        long floats = st.floatsPerToken();
        out.printf("KV cache: %,d numbers per token over %d layers = %,d bytes per token in fp32, %,d in bf16%n",
                floats, model.config.numHiddenLayers(), floats * 4, floats * 2);
        var c = model.config;
        if (c.attentionType().equals("mla")) {
            long mha = (long) c.numAttentionHeads() * (c.qkHeadDim() + c.vHeadDim());
            long absorbed = c.kvLoraRank() + c.qkRopeHeadDim();
            out.printf("  per layer: absorbed MLA %d numbers (kv_lora_rank + qk_rope_head_dim), naive MLA %d, "
                    + "multi-head attention of the same heads %d: %.1f%% less with the absorbed form%n",
                    absorbed, mha, mha, 100.0 * (1 - (double) absorbed / mha));
        }
        out.flush();
        return text.toString();
    }

    /// The parameter counts of `tinyseek cost` ([CostModel]) for this model's config, checked against
    /// the weights it holds: total and activated per token, the main model and the MTP modules apart.
    public static String parameters(Transformer model) {
        CostModel m = new CostModel(model.config);
        long main = m.totalParameters(), mtp = m.mtpParameters(), held = model.parameterCount();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "parameters (counted as 'tinyseek cost' does): %,d total, %,d activated per token "
                        + "(one embedding row; %,d counting the whole table)%n",
                main, m.activatedParameters(), m.activatedParametersWholeEmbedding()));
        if (mtp > 0) {
            sb.append(String.format(Locale.ROOT, "  plus the MTP module%s: %,d total, %,d activated per token; %,d in all%n",
                    m.config().numNextnPredictLayers() == 1 ? "" : "s", mtp, m.mtpActivatedParameters(), main + mtp));
        }
        if (main + mtp != held) { // the formulas describe another model than the one loaded: say so, never hide it
            sb.append(String.format(Locale.ROOT, "note: the loaded model holds %,d parameters, not the %,d the cost formulas "
                    + "count for its config%n", held, main + mtp));
        }
        return sb.toString();
    }
}
