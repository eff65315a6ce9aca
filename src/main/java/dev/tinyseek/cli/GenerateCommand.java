package dev.tinyseek.cli;

import dev.tinyseek.experiments.TextRuns;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.generate.PromptContinuation;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tokenizer.Tokenizer;

import java.io.PrintStream;
import java.nio.file.Path;

/// `tinyseek generate`: continues a prompt with a saved model.
final class GenerateCommand implements Main.Command {

    @Override
    public String summary() {
        return "continue a prompt with a saved model";
    }

    static Args spec() {
        return new Args("generate", "Loads a checkpoint directory and continues the prompt, with a KV cache (tokens from the\ncheckpoint's tokenizer.json, or plain bytes when it has none).")
                .positional("MODEL_DIR", "a checkpoint directory written by 'tinyseek train'")
                .option("prompt", "TEXT", null, "the text to continue (required)")
                .option("max-new", "N", "32", "most tokens to generate")
                .option("temperature", "X", "0", "0 = greedy; higher = more random")
                .option("top-k", "N", "0", "sample only from the N most likely tokens (0 = all)")
                .option("top-p", "X", "1", "sample only from the smallest set with this much probability")
                .option("seed", "N", "0", "seed of the sampler")
                .flag("speculative", "draft with the model's MTP modules and verify in one step (same output distribution)")
                .option("draft-depth", "N", "all", "with --speculative: tokens drafted a round, 1 .. the MTP modules (all = every module)")
                .flag("no-stop", "do not stop at a newline (a text model never stops there)");
    }

    /// The checkpoint's tokenizer ([PromptContinuation#tokenizer]).
    static Tokenizer tokenizer(Path dir, Transformer model) {
        return PromptContinuation.tokenizer(dir, model);
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        Path dir = Path.of(a.positional(0, "MODEL_DIR"));
        if (!a.has("prompt")) {
            throw new Args.UsageException("--prompt is required, e.g. --prompt '012+345='");
        }
        String prompt = a.string("prompt");
        if (prompt.isEmpty()) {
            throw new Args.UsageException("--prompt is empty; give at least one character");
        }
        int maxNew = a.integer("max-new", 0, 1_000_000);
        Sampler sampler = new Sampler(a.number("temperature", 0, 100), a.integer("top-k", 0, Integer.MAX_VALUE),
                a.number("top-p", Double.MIN_VALUE, 1));
        long seed = a.longValue("seed");
        Transformer model = Checkpoint.load(dir);
        Tokenizer tok = tokenizer(dir, model);
        int depth = 0;
        if (a.isSet("speculative")) {
            int modules = model.mtp.size();
            if (modules == 0) {
                throw new Args.UsageException("--speculative needs MTP modules, but " + dir + " has num_nextn_predict_layers = 0; "
                        + "train with --mtp-depth 1 (or more), or drop --speculative");
            }
            depth = a.string("draft-depth").equals("all") ? modules : a.integer("draft-depth", 1, modules);
        } else if (a.given().contains("draft-depth")) {
            throw new Args.UsageException("--draft-depth only applies with --speculative");
        }
        boolean stopAtNewline = !a.isSet("no-stop") && !TextRuns.isText(dir); // text spans lines
        out.print(PromptContinuation.run(model, tok, prompt, new PromptContinuation.Settings(maxNew, sampler, seed, stopAtNewline,
                depth)).report());
        return 0;
    }
}
