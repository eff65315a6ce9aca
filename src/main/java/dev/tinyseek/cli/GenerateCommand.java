package dev.tinyseek.cli;

import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.generate.SpeculativeDecoder;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tokenizer.Tokenizer;
import dev.tinyseek.tensor.Rng;

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

    /// The checkpoint's `tokenizer.json` when it has one, plain bytes (ids 0..255) otherwise;
    /// refused when its vocabulary does not fit the model's.
    static Tokenizer tokenizer(Path dir, Transformer model) {
        Path tokFile = dir.resolve(TrainCommand.TOKENIZER);
        Tokenizer tok = java.nio.file.Files.isRegularFile(tokFile) ? Tokenizer.load(tokFile) : Tokenizer.byteLevel();
        if (tok.vocabSize() > model.config.vocabSize()) {
            throw new IllegalArgumentException(tokFile + ": the tokenizer has " + tok.vocabSize() + " tokens but the model's "
                    + "vocab_size is " + model.config.vocabSize() + "; they do not belong together");
        }
        return tok;
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
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
        int promptTokens = tok.encode(prompt).length, ctx = model.config.maxPositionEmbeddings();
        String clipped = null;
        if (promptTokens < ctx && promptTokens + maxNew > ctx) {
            clipped = String.format("note: --max-new %d was cut to %d: the prompt has %d tokens and the model's context "
                    + "(max_position_embeddings) is %d", maxNew, ctx - promptTokens, promptTokens, ctx);
        }
        int[] newline = tok.encode("\n");
        int stop = a.isSet("no-stop") || newline.length != 1 || TextTrain.isText(dir) ? -1 : newline[0]; // text spans lines
        int[] tokens;
        SpeculativeDecoder.Result spec = null;
        if (a.isSet("speculative")) {
            int modules = model.mtp.size();
            if (modules == 0) {
                throw new Args.UsageException("--speculative needs MTP modules, but " + dir + " has num_nextn_predict_layers = 0; "
                        + "train with --mtp-depth 1 (or more), or drop --speculative");
            }
            int depth = a.string("draft-depth").equals("all") ? modules : a.integer("draft-depth", 1, modules);
            spec = SpeculativeDecoder.sample(model, tok.encode(prompt), maxNew, sampler, new Rng(seed), stop, depth);
            tokens = spec.tokens();
        } else {
            if (a.given().contains("draft-depth")) {
                throw new Args.UsageException("--draft-depth only applies with --speculative");
            }
            tokens = Generator.generate(model, tok.encode(prompt), maxNew, sampler, new Rng(seed), stop);
        }
        String text = tok.decode(tokens);
        out.println(prompt + (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text));
        if (clipped != null) {
            out.println(clipped);
        }
        if (spec != null) {
            StringBuilder per = new StringBuilder();
            for (int k = 1; k <= spec.checkedAt().length; k++) {
                per.append(String.format("%s depth %d: %d of %d", k == 1 ? "" : ",", k, spec.acceptedAt()[k - 1], spec.checkedAt()[k - 1]));
            }
            out.printf("speculative: %d tokens from %d main-model steps after the prompt; drafts accepted%s%n", tokens.length, spec.rounds(), per);
        }
        return 0;
    }
}
