package dev.tinyseek.generate;

import dev.tinyseek.model.Transformer;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/// Continuing a text prompt with a saved model (`tinyseek generate`): the checkpoint's tokenizer,
/// the context limit, plain or speculative decoding, and the text back.
public final class PromptContinuation {

    public static final String TOKENIZER = "tokenizer.json";

    private PromptContinuation() {
    }

    /// How to continue: at most `maxNew` tokens drawn by `sampler` with `seed`; stop at a newline
    /// unless `stopAtNewline` is false; with `draftDepth` above 0, speculative decoding drafting
    /// that many tokens a round with the MTP modules (same output distribution).
    public record Settings(int maxNew, Sampler sampler, long seed, boolean stopAtNewline, int draftDepth) {

        /// 32 greedy tokens, seed 0, stop at a newline, no speculation.
        public static Settings greedy() {
            return new Settings(32, new Sampler(0, 0, 1), 0, true, 0);
        }
    }

    /// The prompt and its continuation, the note when the context cut `maxNew` (null if not), and
    /// what speculation did (null without it).
    public record Result(String prompt, String continuation, String clipped, SpeculativeDecoder.Result speculative,
                         int tokens) {

        /// The lines `tinyseek generate` prints: the text (without a last newline), the note, and
        /// the speculation's acceptance per depth.
        public String report() {
            StringBuilder sb = new StringBuilder(prompt).append(continuation.endsWith("\n")
                    ? continuation.substring(0, continuation.length() - 1) : continuation).append(String.format("%n"));
            if (clipped != null) {
                sb.append(clipped).append(String.format("%n"));
            }
            if (speculative != null) {
                StringBuilder per = new StringBuilder();
                for (int k = 1; k <= speculative.checkedAt().length; k++) {
                    per.append(String.format("%s depth %d: %d of %d", k == 1 ? "" : ",", k, speculative.acceptedAt()[k - 1],
                            speculative.checkedAt()[k - 1]));
                }
                sb.append(String.format("speculative: %d tokens from %d main-model steps after the prompt; drafts accepted%s%n",
                        tokens, speculative.rounds(), per));
            }
            return sb.toString();
        }
    }

    /// The checkpoint's `tokenizer.json` when it has one, plain bytes (ids 0..255) otherwise;
    /// refused when its vocabulary does not fit the model's.
    public static Tokenizer tokenizer(Path dir, Transformer model) {
        Path tokFile = dir.resolve(TOKENIZER);
        Tokenizer tok = Files.isRegularFile(tokFile) ? Tokenizer.load(tokFile) : Tokenizer.byteLevel();
        if (tok.vocabSize() > model.config.vocabSize()) {
            throw new IllegalArgumentException(tokFile + ": the tokenizer has " + tok.vocabSize() + " tokens but the model's "
                    + "vocab_size is " + model.config.vocabSize() + "; they do not belong together");
        }
        return tok;
    }

    /// Continues `prompt` with `model` and its tokenizer `tok`.
    public static Result run(Transformer model, Tokenizer tok, String prompt, Settings s) {
        int maxNew = s.maxNew();
        int promptTokens = tok.encode(prompt).length, ctx = model.config.maxPositionEmbeddings();
        String clipped = null;
        if (promptTokens < ctx && promptTokens + maxNew > ctx) {
            clipped = String.format("note: --max-new %d was cut to %d: the prompt has %d tokens and the model's context "
                    + "(max_position_embeddings) is %d", maxNew, ctx - promptTokens, promptTokens, ctx);
        }
        int[] newline = tok.encode("\n");
        int stop = !s.stopAtNewline() || newline.length != 1 ? -1 : newline[0];
        int[] tokens;
        SpeculativeDecoder.Result spec = null;
        if (s.draftDepth() > 0) {
            spec = SpeculativeDecoder.sample(model, tok.encode(prompt), maxNew, s.sampler(), new Rng(s.seed()), stop, s.draftDepth());
            tokens = spec.tokens();
        } else {
            tokens = Generator.generate(model, tok.encode(prompt), maxNew, s.sampler(), new Rng(s.seed()), stop);
        }
        return new Result(prompt, tok.decode(tokens), clipped, spec, tokens.length);
    }
}
