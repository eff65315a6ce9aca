package dev.tinyseek.train;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Fp8Recipe;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.tokenizer.Tokenizer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/// Trains a language model on a [TextCorpus]: batches of token windows from the training split,
/// held-out loss (and bits per byte, next-token accuracy) on the first windows of the held-out
/// split every `evalEvery` steps, and on the whole held-out split at the end. One call from
/// jshell:
///
///     var r = TextRun.train(TextRun.Settings.of(ModelConfig.tiny().withVocabSize(512), 300, 1), null);
///     r.heldOut().bitsPerByte()
public final class TextRun {

    private TextRun() {
    }

    /// What to train: the model shape (its `vocab_size` must hold the tokenizer's), the
    /// precision of the linear layers, the MTP loss weight λ (used when the shape has MTP
    /// modules), the optimizer schedule (peak `lr`, warmup a tenth of the steps, at most 100,
    /// cosine to a tenth), the batch of `batch` windows of `seqLen` tokens, and the evaluation
    /// (every `evalEvery` steps on the first `evalWindows` held-out windows, 0 = only at the end;
    /// at the end on the first `finalWindows`, `Integer.MAX_VALUE` = the whole held-out split).
    public record Settings(ModelConfig config, Precision precision, Fp8Recipe recipe, double mtpLambda, int steps,
                           int batch, int seqLen, double lr, long seed, int evalEvery, int evalWindows,
                           int finalWindows) {
        public Settings {
            if (precision == Precision.FP8 && recipe == null) {
                throw new IllegalArgumentException("precision FP8 needs an Fp8Recipe, e.g. Fp8Recipe.deepseek(32)");
            }
            if (seqLen < 1 || seqLen > config.maxPositionEmbeddings()) {
                throw new IllegalArgumentException("seqLen " + seqLen + " must be in 1.." + config.maxPositionEmbeddings()
                        + " (the model's max_position_embeddings)");
            }
            if (evalWindows < 1 || finalWindows < 1) {
                throw new IllegalArgumentException("evalWindows " + evalWindows + " and finalWindows " + finalWindows
                        + " must be at least 1");
            }
        }

        /// fp32, MTP weight λ = 0.3 (used when the shape has MTP modules), batch 16 × 64, peak learning rate 3e-3, an
        /// evaluation every tenth of the run on 64 windows.
        public static Settings of(ModelConfig config, int steps, long seed) {
            return new Settings(config, Precision.FP32, null, 0.3, steps, 16, 64, 3e-3, seed, Math.max(1, steps / 10), 64,
                    Integer.MAX_VALUE);
        }

        public Settings withPrecision(Precision p, Fp8Recipe r) {
            return new Settings(config, p, r, mtpLambda, steps, batch, seqLen, lr, seed, evalEvery, evalWindows, finalWindows);
        }

        public Settings withEval(int every, int windows) {
            return new Settings(config, precision, recipe, mtpLambda, steps, batch, seqLen, lr, seed, every, windows, finalWindows);
        }
    }

    /// One point of the held-out curve: after `step` steps, the loss on the evaluation windows.
    public record Point(int step, double trainLoss, double heldOutLoss, double accuracy) {
    }

    /// The trained model, its training history, the held-out curve, and the final evaluation
    /// (on the whole held-out split unless `finalWindows` says fewer).
    public record Result(Transformer model, Tokenizer tokenizer, Trainer.History history, List<Point> curve,
                         TextEvaluation.Result heldOut) {
    }

    /// Trains on the shipped Tiny Shakespeare corpus with its shipped tokenizer.
    public static Result train(Settings s, PrintStream progress) {
        return train(TextCorpus.shakespeare(), TextCorpus.shakespeareTokenizer(), s, progress);
    }

    /// The token stream training batches are cut from: the training split only.
    public static int[] trainingTokens(TextCorpus corpus, Tokenizer tok) {
        return tok.encode(corpus.train());
    }

    /// Trains on `corpus`'s training split, tokenized by `tok`, and evaluates on its held-out split.
    ///
    /// @throws IllegalArgumentException if the tokenizer's vocabulary does not fit the model's
    public static Result train(TextCorpus corpus, Tokenizer tok, Settings s, PrintStream progress) {
        if (tok.vocabSize() > s.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tok.vocabSize() + " tokens but the model's vocab_size is "
                    + s.config().vocabSize() + "; use config.withVocabSize(" + tok.vocabSize() + ")");
        }
        int[] train = trainingTokens(corpus, tok);
        int[] heldOut = tok.encode(corpus.heldOut());
        Transformer model = new Transformer(s.config(), s.seed());
        model.setPrecision(s.precision(), s.recipe());
        AdamW opt = new AdamW(model.params(), 0.9, 0.95, 1e-8, 0.1);
        TextData data = new TextData(train, s.seed(), s.batch(), s.seqLen());
        int warmup = Math.min(100, s.steps() / 10);
        Trainer.Options o = new Trainer.Options(s.steps(), s.lr(), s.lr() / 10, warmup, 0.1, 1.0, s.evalEvery());
        Trainer trainer = new Trainer(progress).mtpWeight(s.mtpLambda());
        Trainer.History h = trainer.train(model, opt, data, o, m -> {
            TextEvaluation.Result r = TextEvaluation.evaluate(m, tok, heldOut, s.seqLen(), s.evalWindows());
            return Map.of("heldout_loss", r.loss(), "heldout_accuracy", r.accuracy());
        });
        List<Point> curve = new ArrayList<>();
        for (Map<String, Double> e : h.evals()) {
            int step = e.get("step").intValue();
            curve.add(new Point(step, h.steps().get(step - 1).loss(), e.get("heldout_loss"), e.get("heldout_accuracy")));
        }
        TextEvaluation.Result all = TextEvaluation.evaluate(model, tok, heldOut, s.seqLen(), s.finalWindows());
        return new Result(model, tok, h, curve, all);
    }
}
