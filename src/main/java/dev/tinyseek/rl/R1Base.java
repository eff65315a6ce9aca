package dev.tinyseek.rl;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;

import java.io.PrintStream;

/// The base model of R1 in miniature: a model pretrained on a corpus like the web's, where most
/// problems are answered at once and a minority after a worked solution, all in the
/// [R1Template]. Nothing in it rewards thinking: it only makes thinking *possible* for RL to find.
///
/// Why a minority: if the corpus always showed the work, the base would always think and RL
/// would have nothing to discover; if it never did, no sample would ever think and GRPO's
/// group comparison would have nothing to reward. At a 15% share the base answers directly in
/// nearly all of its samples (its greedy answer never thinks), yet the worked form is learnt.
public final class R1Base {

    /// `config` of the model; `thinkShare` of the corpus is worked; `steps` of [Sft] at `lr`
    /// (DeepSeek-V3's β and decay, warmup then cosine to a tenth) on batches of `batch` documents.
    public record Settings(ModelConfig config, double thinkShare, int steps, int batch, double lr, long seed) {

        public Settings {
            if (!(thinkShare >= 0 && thinkShare <= 1)) {
                throw new IllegalArgumentException("R1 base: thinkShare = " + thinkShare + " must be in [0, 1]");
            }
            if (steps < 1 || batch < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("R1 base: steps = " + steps + ", batch = " + batch + ", lr = " + lr
                        + " must all be positive");
            }
        }

        /// The `tiny` preset (with the template's 262-token vocabulary), 15% worked, 2000 steps
        /// of 64 documents at lr 3e-3, seed 1.
        public static Settings defaults() {
            return new Settings(tinyConfig(), 0.15, 2000, 64, 3e-3, 1);
        }

        public Settings withConfig(ModelConfig c) {
            return new Settings(c, thinkShare, steps, batch, lr, seed);
        }

        public Settings withThinkShare(double share) {
            return new Settings(config, share, steps, batch, lr, seed);
        }

        public Settings withSteps(int n) {
            return new Settings(config, thinkShare, n, batch, lr, seed);
        }

        public Settings withSeed(long s) {
            return new Settings(config, thinkShare, steps, batch, lr, s);
        }
    }

    /// The trained model, its last training loss and the seconds it took.
    public record Result(Transformer model, double finalLoss, double seconds) {
    }

    /// Tokens per document: the prompt and the longest (worked) completion with its `<eos>`.
    public static final int SEQ_LEN = 64;

    private R1Base() {
    }

    /// The `tiny` preset with the [R1Template]'s vocabulary.
    public static ModelConfig tinyConfig() {
        return ModelConfig.tiny().withVocabSize(R1Template.TOKENIZER.vocabSize());
    }

    /// The corpus: training-split problems, each worked with probability `thinkShare`.
    public static SftData.Source corpus(double thinkShare) {
        return r -> {
            Problem p = R1Template.TASK.sample(r, Split.TRAIN);
            boolean worked = r.nextDouble() < thinkShare;
            return new SftData.Example(R1Template.prompt(p), R1Template.completion(p, worked));
        };
    }

    /// Pretrains a fresh model (progress to `progress`, or null).
    public static Result pretrain(Settings s, PrintStream progress) {
        Transformer model = new Transformer(s.config(), s.seed());
        SftData data = new SftData(corpus(s.thinkShare()), s.seed() + 1, s.batch(), SEQ_LEN);
        Sft.Result r = Sft.run(model, data, s.steps(), s.lr(), 0, progress);
        return new Result(model, r.finalLoss(), r.seconds());
    }
}
