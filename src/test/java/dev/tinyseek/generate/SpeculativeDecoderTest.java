package dev.tinyseek.generate;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Speculative decoding changes the speed, never the output: greedy equals plain greedy token
/// for token at every draft depth, and sampling has the main model's distribution exactly.
class SpeculativeDecoderTest {

    record Case(boolean deepseek, int modules, int depth, long seed, int[] prompt, int maxNew, int stop,
                double weightScale, int context) {
    }

    /// A random model; larger weights make sharper, more varied predictions (and drafts that are
    /// sometimes right).
    static Transformer randomModel(ModelConfig cfg, long seed, double scale) {
        Transformer m = new Transformer(cfg, seed);
        Rng r = new Rng(seed + 1);
        for (Param q : m.params()) {
            if (q.decay) {
                r.fillNormal(q.data, scale);
            }
        }
        return m;
    }

    @Test
    void equalsPlainGreedyTokenForTokenAtEveryDepth() {
        Property.forAll("speculative greedy = greedy, depth 1..3", g -> {
            int p = g.dim(1, 12), modules = g.intIn(1, 3);
            return new Case(g.bool(), modules, g.intIn(1, modules), g.intIn(0, 1_000_000), g.ints(p, 0, 255), g.dim(0, 24),
                    g.chance(0.3) ? g.intIn(0, 255) : -1, g.oneOf(0.02, 0.3, 1.0), g.intIn(12, 40));
        }, k -> {
            // a short context sometimes: the output stops there, and the last drafts must fit in it
            ModelConfig cfg = (k.deepseek() ? ModelConfig.tiny() : ModelConfig.tiny().dense()).withMtpDepth(k.modules())
                    .withMaxPositionEmbeddings(k.context());
            Transformer m = randomModel(cfg, k.seed(), k.weightScale());
            int[] plain = Generator.greedy(m, k.prompt(), k.maxNew(), k.stop());
            SpeculativeDecoder.Result spec = SpeculativeDecoder.greedy(m, k.prompt(), k.maxNew(), k.stop(), k.depth());
            assertThat(spec.tokens()).containsExactly(plain);
            for (int d = 1; d <= k.depth(); d++) {
                assertThat(spec.acceptedAt()[d - 1]).isBetween(0, spec.checkedAt()[d - 1]);
            }
            // a depth-d draft is checked only after every shallower draft of its round was accepted
            for (int d = 2; d <= k.depth(); d++) {
                assertThat(spec.checkedAt()[d - 1]).isLessThanOrEqualTo(spec.acceptedAt()[d - 2]);
            }
        });
    }

    /// Prompts shorter than the draft depth: the deeper modules have no position made from known
    /// tokens alone at first (a wrong rollback here would cut a cache to -1 tokens).
    @Test
    void promptsShorterThanTheDraftDepth() {
        Transformer m = randomModel(ModelConfig.tiny().dense().withMtpDepth(3), 17, 0.02);
        for (int p = 1; p <= 4; p++) {
            int[] prompt = java.util.Arrays.copyOf(new int[] {208, 3, 77, 5}, p);
            for (int depth = 1; depth <= 3; depth++) {
                assertThat(SpeculativeDecoder.greedy(m, prompt, 9, -1, depth).tokens()).as("prompt %d, depth %d", p, depth)
                        .containsExactly(Generator.greedy(m, prompt, 9, -1));
            }
        }
    }

    // ---- sampling: the output distribution is the main model's ----

    static final int RUNS = 3000;
    static final int NEW = 3;

    /// The exact probability of every 3-token continuation under plain sampling, from the main
    /// model's own distributions (top-k keeps the outcomes few).
    static Map<String, Double> exact(Transformer m, int[] prompt, Sampler s) {
        Map<String, Double> out = new HashMap<>();
        expand(m, prompt, s, "", 1.0, NEW, out);
        return out;
    }

    private static void expand(Transformer m, int[] seq, Sampler s, String key, double prob, int left, Map<String, Double> out) {
        if (left == 0) {
            out.put(key, prob);
            return;
        }
        int v = m.config.vocabSize();
        float[] logits = m.forward(seq, 1, seq.length).logits();
        double[] p = s.probabilities(logits, (seq.length - 1) * v, v);
        for (int j = 0; j < v; j++) {
            if (p[j] > 0) {
                int[] longer = java.util.Arrays.copyOf(seq, seq.length + 1);
                longer[seq.length] = j;
                expand(m, longer, s, key + j + ",", prob * p[j], left - 1, out);
            }
        }
    }

    /// Pearson's chi-square of observed counts against the exact probabilities (cells expected
    /// below 5 pooled into one), and its degrees of freedom.
    static double[] chiSquare(Map<String, Integer> counts, Map<String, Double> probs, int n) {
        double chi = 0, pooledE = 0, pooledO = 0;
        int cells = 0;
        for (var e : probs.entrySet()) {
            double expected = e.getValue() * n;
            int observed = counts.getOrDefault(e.getKey(), 0);
            if (expected < 5) {
                pooledE += expected;
                pooledO += observed;
            } else {
                chi += (observed - expected) * (observed - expected) / expected;
                cells++;
            }
        }
        for (var e : counts.entrySet()) {
            if (!probs.containsKey(e.getKey())) { // an impossible outcome: fails at once
                return new double[] {Double.POSITIVE_INFINITY, cells};
            }
        }
        if (pooledE > 0) {
            chi += (pooledO - pooledE) * (pooledO - pooledE) / pooledE;
            cells++;
        }
        return new double[] {chi, cells - 1};
    }

    static Map<String, Integer> histogram(java.util.function.Supplier<int[]> run) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < RUNS; i++) {
            StringBuilder sb = new StringBuilder();
            for (int t : run.get()) {
                sb.append(t).append(',');
            }
            counts.merge(sb.toString(), 1, Integer::sum);
        }
        return counts;
    }

    /// The 0.1% critical value of chi-square with `df` degrees of freedom (Wilson–Hilferty).
    static double critical(double df) {
        double z = 3.09;
        double a = 2 / (9 * df);
        return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
    }

    /// 3000 speculative runs (two drafts a round) against the exact distribution of plain
    /// sampling: the chi-square statistic stays under its 0.1% critical value. The same test on
    /// two wrong rules (keep every draft; draw from p instead of the residual after a rejection), and on plain sampling (the oracle's own check).
    @Test
    void samplingHasExactlyTheMainModelsDistribution() {
        Transformer m = randomModel(ModelConfig.tiny().dense().withMtpDepth(2), 11, 0.3);
        int[] prompt = {3, 1, 4, 1, 5};
        Sampler s = new Sampler(1.0, 4, 1.0);
        Map<String, Double> probs = exact(m, prompt, s);
        Rng rng = new Rng(2024);
        double[] plain = chiSquare(histogram(() -> Generator.generate(m, prompt, NEW, s, rng, -1)), probs, RUNS);
        SpeculativeDecoder.Result[] last = new SpeculativeDecoder.Result[1];
        double[] spec = chiSquare(histogram(() -> {
            last[0] = SpeculativeDecoder.sample(m, prompt, NEW, s, rng, -1, 2);
            return last[0].tokens();
        }), probs, RUNS);
        SpeculativeDecoder.Rule keepAll = new SpeculativeDecoder.Rule() {
            public double[] dist(float[] logits, int off, int v) {
                return s.probabilities(logits, off, v);
            }

            public boolean accept(double[] p, double[] q, int d, Rng r) {
                return true;
            }

            public int replace(double[] p, double[] q, Rng r) {
                throw new AssertionError("never rejects");
            }
        };
        double[] wrong = chiSquare(histogram(() -> SpeculativeDecoder.run(m, prompt, NEW, -1, 2, keepAll, rng).tokens()), probs, RUNS);
        SpeculativeDecoder.Rule resampleFromP = new SpeculativeDecoder.Rule() { // the exact rule, but p on rejection
            final SpeculativeDecoder.Rule right = SpeculativeDecoder.exact(s);

            public double[] dist(float[] logits, int off, int v) {
                return right.dist(logits, off, v);
            }

            public boolean accept(double[] p, double[] q, int d, Rng r) {
                return right.accept(p, q, d, r);
            }

            public int replace(double[] p, double[] q, Rng r) {
                return Sampler.draw(p, r);
            }
        };
        double[] wrong2 = chiSquare(histogram(() -> SpeculativeDecoder.run(m, prompt, NEW, -1, 2, resampleFromP, rng).tokens()), probs, RUNS);
        String report = String.format("chi-square (df): plain %.1f (%.0f), speculative %.1f (%.0f), keep-every-draft %.1f (%.0f),"
                        + " resample-from-p %.1f (%.0f)", plain[0], plain[1], spec[0], spec[1], wrong[0], wrong[1], wrong2[0], wrong2[1]);
        assertThat(plain[0]).as(report).isLessThan(critical(plain[1]));
        assertThat(spec[0]).as(report).isLessThan(critical(spec[1]));
        assertThat(wrong[0]).as(report).isGreaterThan(critical(wrong[1]));
        assertThat(wrong2[0]).as(report).isGreaterThan(critical(wrong2[1]));
        assertThat(last[0].checkedAt()[0]).isPositive(); // every run checked drafts
        System.out.println(report);
    }

    /// Temperature 0 through the sampling path is greedy decoding.
    @Test
    void samplingAtTemperatureZeroIsGreedy() {
        Transformer m = randomModel(ModelConfig.tiny().dense().withMtpDepth(2), 5, 0.3);
        int[] prompt = {7, 7, 1};
        assertThat(SpeculativeDecoder.sample(m, prompt, 12, Sampler.greedy(), new Rng(1), -1, 2).tokens())
                .containsExactly(Generator.greedy(m, prompt, 12, -1));
    }

    @Test
    void badArgumentsAreRefusedWithTheFix() {
        Transformer none = new Transformer(ModelConfig.tiny(), 1);
        assertThatThrownBy(() -> SpeculativeDecoder.greedy(none, new int[] {1}, 3, -1)).hasMessageContaining("--mtp-depth");
        Transformer one = new Transformer(ModelConfig.tiny().dense().withMtpDepth(1), 1);
        assertThatThrownBy(() -> SpeculativeDecoder.greedy(one, new int[] {1}, 3, -1, 2)).hasMessageContaining("[1, 1]");
        assertThatThrownBy(() -> SpeculativeDecoder.greedy(one, new int[0], 3, -1)).hasMessageContaining("prompt");
    }

    /// The statistics a run reports are the ratios of its counts, per depth and overall (0 where
    /// nothing was checked).
    @Test
    void acceptanceIsAcceptedOverCheckedPerDepthAndOverall() {
        var r = new SpeculativeDecoder.Result(new int[] {1, 2}, new int[] {8, 5, 0}, new int[] {6, 2, 0}, 9);
        assertThat(r.drafted()).isEqualTo(13);
        assertThat(r.accepted()).isEqualTo(8);
        assertThat(r.acceptance()).isEqualTo(8.0 / 13);
        assertThat(r.acceptance(1)).isEqualTo(6.0 / 8);
        assertThat(r.acceptance(2)).isEqualTo(2.0 / 5);
        assertThat(r.acceptance(3)).isZero();
        var none = new SpeculativeDecoder.Result(new int[0], new int[2], new int[2], 0);
        assertThat(none.acceptance()).isZero();
    }

    /// A prompt that fills the context exactly is accepted (and yields nothing new); one token
    /// more is refused, by plain and speculative decoding alike. Without a depth, speculative
    /// decoding drafts with every module the model has.
    @Test
    void aPromptAsLongAsTheContextIsTheLimitAndTheDefaultDepthIsEveryModule() {
        Transformer m = randomModel(ModelConfig.tiny().dense().withMtpDepth(2).withMaxPositionEmbeddings(10), 5, 0.3);
        int[] full = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Generator.greedy(m, full, 4, -1)).isEmpty();
        assertThat(SpeculativeDecoder.greedy(m, full, 4, -1, 1).tokens()).isEmpty();
        int[] over = java.util.Arrays.copyOf(full, 11);
        assertThatThrownBy(() -> Generator.greedy(m, over, 4, -1)).hasMessageContaining("more than the context of 10");
        assertThatThrownBy(() -> SpeculativeDecoder.greedy(m, over, 4, -1, 1)).hasMessageContaining("need a prompt of 1 to 10 tokens");
        int[] prompt = {4, 9, 2};
        SpeculativeDecoder.Result all = SpeculativeDecoder.greedy(m, prompt, 6, -1);
        SpeculativeDecoder.Result two = SpeculativeDecoder.greedy(m, prompt, 6, -1, 2);
        assertThat(all.tokens()).containsExactly(two.tokens()).containsExactly(Generator.greedy(m, prompt, 6, -1));
        assertThat(all.checkedAt()).containsExactly(two.checkedAt());
        assertThat(all.acceptedAt()).containsExactly(two.acceptedAt());
        assertThat(all.rounds()).isEqualTo(two.rounds()).isPositive();
    }
}
