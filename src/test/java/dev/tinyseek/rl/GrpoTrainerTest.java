package dev.tinyseek.rl;

import dev.tinyseek.train.TaskData;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The GRPO loop on the tiny model: determinism, the control, zero signal, the sign of the
/// update through the model, and the metrics' ranges.
class GrpoTrainerTest {

    static final Addition TASK = new Addition(2, true, true);

    static GrpoTrainer.Options options(double beta, int mu, int minibatches, boolean dynamic, boolean shuffle) {
        return new GrpoTrainer.Options(4, 4, 1.0, 5, 1e-3, 0, 0, 0, 1.0, mu, minibatches, Advantages.Scale.GROUP,
                GrpoLoss.Options.defaults().withBeta(beta).withEps(0.2, 0.28), dynamic, 3, shuffle, 11);
    }

    static Transformer model() {
        return new Transformer(ModelConfig.tiny().dense(), 3);
    }

    /// A reward that is informative even for an untrained model: the number of characters with
    /// an even code (about half of them).
    static final Reward ONES = (p, c, e) -> c.chars().filter(ch -> ch % 2 == 0).count();

    static float[] flatParams(Transformer m) {
        int n = m.params().stream().mapToInt(Param::size).sum(), k = 0;
        float[] out = new float[n];
        for (Param p : m.params()) {
            System.arraycopy(p.data, 0, out, k, p.size());
            k += p.size();
        }
        return out;
    }

    @Test
    void sameSeedGivesABitIdenticalRun() {
        for (GrpoTrainer.Options o : List.of(options(0, 1, 1, false, false), options(0.04, 2, 2, true, false))) {
            Transformer a = model(), b = model();
            GrpoTrainer ta = new GrpoTrainer(a, GrpoTrainer.copy(a), TASK, AnswerFormat.PLAIN, ONES, TaskData.END, o);
            GrpoTrainer tb = new GrpoTrainer(b, GrpoTrainer.copy(b), TASK, AnswerFormat.PLAIN, ONES, TaskData.END, o);
            for (int s = 0; s < 3; s++) {
                GrpoTrainer.StepMetrics ma = ta.step(), mb = tb.step();
                assertThat(ma.rewardMean()).isEqualTo(mb.rewardMean());
                assertThat(ma.loss()).isEqualTo(mb.loss());
                assertThat(ma.kl()).isEqualTo(mb.kl());
            }
            assertThat(Arrays.equals(flatParams(a), flatParams(b))).as("same parameters").isTrue();
            assertThat(Arrays.equals(flatParams(a), flatParams(model()))).as("it learned something").isFalse();
        }
    }

    @Test
    void skippingZeroAdvantageCompletionsChangesNothing() {
        Transformer a = model(), b = model();
        Reward coarse = (p, c, e) -> !c.isEmpty() && c.charAt(0) % 4 == 0 ? 1 : 0; // a quarter: many groups all-equal
        GrpoTrainer fast = new GrpoTrainer(a, null, TASK, AnswerFormat.PLAIN, coarse, TaskData.END, options(0, 1, 1, false, false));
        GrpoTrainer naive = new GrpoTrainer(b, null, TASK, AnswerFormat.PLAIN, coarse, TaskData.END, options(0, 1, 1, false, false))
                .skipZeroAdvantage(false);
        GrpoTrainer.StepMetrics x = fast.step(), y = naive.step();
        assertThat(x.rewardMean()).isEqualTo(y.rewardMean());
        assertThat(x.fracZeroStd()).isBetween(0.01, 0.99);
        assertThat(x.loss()).isCloseTo(y.loss(), org.assertj.core.api.Assertions.within(1e-9));
        // the gradients of the one update (still in the parameters) agree up to float rounding
        // (the batches differ in shape); parameters are not compared: Adam's first step moves
        // every weight by about lr · sign(gradient), so rounding noise on a zero gradient shows
        double maxDiff = 0, maxGrad = 0;
        for (int i = 0; i < a.params().size(); i++) {
            float[] ga = a.params().get(i).grad, gb = b.params().get(i).grad;
            for (int j = 0; j < ga.length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(ga[j] - gb[j]));
                maxGrad = Math.max(maxGrad, Math.abs(gb[j]));
            }
        }
        assertThat(maxGrad).isPositive();
        assertThat(maxDiff).isLessThan(1e-5 * maxGrad);
    }

    @Test
    void truncatedCompletionsLeaveTheLossWhenMasked() {
        // one new token only: an untrained model almost never writes the end token that soon
        GrpoTrainer.Options o = new GrpoTrainer.Options(4, 4, 1.0, 1, 1e-3, 0, 0, 0, 1.0, 1, 1, Advantages.Scale.GROUP,
                GrpoLoss.Options.defaults(), false, 3, false, 11);
        Transformer m = model();
        float[] before = flatParams(m);
        GrpoTrainer t = new GrpoTrainer(m, null, TASK, AnswerFormat.PLAIN, ONES, TaskData.END, o).maskTruncated(true);
        GrpoTrainer.StepMetrics x = t.step();
        assertThat(x.truncated()).isEqualTo(1.0);
        assertThat(x.fracZeroStd()).isLessThan(1.0); // the rewards did differ
        assertThat(Arrays.equals(flatParams(m), before)).as("nothing was learned from truncated completions").isTrue();
        Transformer m2 = model();
        new GrpoTrainer(m2, null, TASK, AnswerFormat.PLAIN, ONES, TaskData.END, o).step();
        assertThat(Arrays.equals(flatParams(m2), before)).as("without the mask they count").isFalse();
    }

    @Test
    void drGrpoDividesByTheConfiguredMaximumLengthNotTheLongestSample() {
        // docs/grpo-r1.md#loss-normalisations: dr_grpo's divisor is the constant B · max_completion_length.
        // maxNew 300 is more than the context (256) leaves, so no sample reaches it: the longest
        // completion would be a smaller, batch-dependent L_max.
        GrpoTrainer.Options unset = new GrpoTrainer.Options(2, 2, 1.0, 300, 1e-3, 0, 0, 0, 0, 1, 1, Advantages.Scale.GROUP,
                GrpoLoss.Options.defaults().with(GrpoLoss.Normalization.DR_GRPO), false, 3, false, 11);
        GrpoTrainer.Options explicit = new GrpoTrainer.Options(2, 2, 1.0, 300, 1e-3, 0, 0, 0, 0, 1, 1, Advantages.Scale.GROUP,
                new GrpoLoss.Options(0.2, 0.2, 0, GrpoLoss.Normalization.DR_GRPO, 300), false, 3, false, 11);
        assertThat(GrpoTrainer.lossOptions(unset).maxLength()).isEqualTo(300);
        Transformer a = model(), b = model();
        GrpoTrainer.StepMetrics x = new GrpoTrainer(a, null, TASK, AnswerFormat.PLAIN, ONES, TaskData.END, unset).step();
        GrpoTrainer.StepMetrics y = new GrpoTrainer(b, null, TASK, AnswerFormat.PLAIN, ONES, TaskData.END, explicit).step();
        assertThat(x.length()).isLessThan(300);
        assertThat(x.fracZeroStd()).isLessThan(1.0);
        double maxGrad = 0;
        for (int i = 0; i < a.params().size(); i++) {
            float[] ga = a.params().get(i).grad, gb = b.params().get(i).grad;
            assertThat(ga).containsExactly(gb);
            for (float v : gb) {
                maxGrad = Math.max(maxGrad, Math.abs(v));
            }
        }
        assertThat(maxGrad).isPositive();
    }

    @Test
    void theRunIsTheSameForAnyThreadCount() {
        float[][] params = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            params[threads - 1] = dev.tinyseek.testkit.Threads.with(threads, () -> {
                Transformer m = model();
                GrpoTrainer t = new GrpoTrainer(m, null, TASK, AnswerFormat.PLAIN, ONES, TaskData.END, options(0, 1, 1, false, false));
                t.step();
                t.step();
                return flatParams(m);
            });
        }
        assertThat(Arrays.equals(params[1], params[0])).as("same parameters with 1 and 2 threads").isTrue();
    }

    @Test
    void equalRewardsWithoutKlLeaveTheModelUntouched() {
        Transformer m = model();
        float[] before = flatParams(m);
        GrpoTrainer t = new GrpoTrainer(m, null, TASK, AnswerFormat.PLAIN, (p, c, e) -> 0.1, TaskData.END, options(0, 1, 1, false, false));
        for (int s = 0; s < 3; s++) {
            GrpoTrainer.StepMetrics x = t.step();
            assertThat(x.fracZeroStd()).isEqualTo(1.0);
            assertThat(x.rewardStd()).isZero();
        }
        assertThat(Arrays.equals(flatParams(m), before)).as("parameters unchanged").isTrue();
    }

    @Test
    void metricsStayInTheirRangesAndTheFirstPassNeverClips() {
        Transformer m = model();
        GrpoTrainer t = new GrpoTrainer(m, GrpoTrainer.copy(m), TASK, AnswerFormat.PLAIN, ONES, TaskData.END, options(0.04, 1, 1, false, false));
        for (int s = 0; s < 3; s++) {
            GrpoTrainer.StepMetrics x = t.step();
            assertThat(x.fracZeroStd()).isBetween(0.0, 1.0);
            assertThat(x.accuracy()).isBetween(0.0, 1.0);
            assertThat(x.length()).isBetween(1.0, 5.0);
            assertThat(x.clipLow()).isZero(); // mu = 1, one minibatch: rho = 1 exactly
            assertThat(x.clipHigh()).isZero();
            assertThat(x.kl()).isGreaterThanOrEqualTo(0);
            assertThat(x.entropy()).isPositive();
            assertThat(Double.isFinite(x.loss())).isTrue();
        }
        GrpoTrainer t2 = new GrpoTrainer(m, GrpoTrainer.copy(m), TASK, AnswerFormat.PLAIN, ONES, TaskData.END, options(0, 4, 2, false, false));
        double clipped = 0;
        for (int s = 0; s < 3; s++) {
            GrpoTrainer.StepMetrics x = t2.step();
            clipped += x.clipLow() + x.clipHigh();
        }
        assertThat(clipped).as("with mu = 4 the ratio moves away from 1 and some tokens clip").isPositive();
    }

    @Test
    void shuffledRewardsKeepEachGroupsRewardsButNotTheirOwners() {
        List<Rollout> rs = new ArrayList<>();
        Problem p = TASK.problem(1, 2);
        for (int i = 0; i < 16; i++) {
            rs.add(new Rollout(p, new int[] {1}, new int[] {2}, "", true, i, false, i / 8));
        }
        List<Rollout> sh = GrpoTrainer.shuffleWithinGroups(rs, 8, new Rng(5));
        double[] g0 = sh.subList(0, 8).stream().mapToDouble(Rollout::reward).sorted().toArray();
        double[] g1 = sh.subList(8, 16).stream().mapToDouble(Rollout::reward).sorted().toArray();
        assertThat(g0).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(g1).containsExactly(8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(sh.stream().mapToDouble(Rollout::reward).toArray()).isNotEqualTo(rs.stream().mapToDouble(Rollout::reward).toArray());
    }

    /// `docs/grpo-r1.md#tests`: one small plain-SGD step along −∂loss/∂θ (through the model) raises
    /// `Σ w A logπ(o)` — the sign convention from loss to log-probs to logits to weights.
    @Test
    void aSmallStepAlongTheGradientRaisesTheAdvantageWeightedLogLikelihood() {
        Transformer m = model();
        int[][] seqs = {{'1', '2', '+', '3', '4', '=', '6', '4', '0', '\n'}, {'1', '2', '+', '3', '4', '=', '9', '9', '\n', 0}};
        double[] adv = {1.0, -1.0};
        int t = 9, v = m.config.vocabSize();
        int[] tokens = new int[2 * t];
        List<Integer> rows = new ArrayList<>(), targets = new ArrayList<>(), owner = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            System.arraycopy(seqs[i], 0, tokens, i * t, t);
            for (int j = 6; j < 10 && seqs[i][j] != 0; j++) {
                rows.add(i * t + j - 1);
                targets.add(seqs[i][j]);
                owner.add(i);
            }
        }
        int[] r = rows.stream().mapToInt(Integer::intValue).toArray(), tg = targets.stream().mapToInt(Integer::intValue).toArray();
        double before = weighted(m, tokens, t, r, tg, owner, adv);
        Transformer.Saved fwd = m.forward(tokens, 2, t);
        double[] lp = new double[r.length];
        TokenLogProbs.forward(lp, null, fwd.logits(), r, tg, v, 1.0);
        double[] dlogp = new double[r.length];
        for (int k = 0; k < r.length; k++) {
            dlogp[k] = -adv[owner.get(k)] / r.length; // ∂loss/∂logp at rho = 1 (dapo weights)
        }
        float[] dlogits = new float[fwd.logits().length];
        TokenLogProbs.backward(dlogits, fwd.logits(), r, tg, dlogp, v, 1.0);
        m.zeroGrad();
        m.backward(fwd, dlogits);
        for (Param p : m.params()) {
            for (int i = 0; i < p.size(); i++) {
                p.data[i] -= 1e-2f * p.grad[i];
            }
        }
        assertThat(weighted(m, tokens, t, r, tg, owner, adv)).isGreaterThan(before);
    }

    private static double weighted(Transformer m, int[] tokens, int t, int[] r, int[] tg, List<Integer> owner, double[] adv) {
        double[] lp = new double[r.length];
        TokenLogProbs.forward(lp, null, m.forward(tokens, 2, t).logits(), r, tg, m.config.vocabSize(), 1.0);
        double s = 0;
        for (int k = 0; k < r.length; k++) {
            s += adv[owner.get(k)] * lp[k];
        }
        return s;
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> new GrpoTrainer.Options(4, 1, 1.0, 5, 1e-3, 0, 0, 0, 1, 1, 1, Advantages.Scale.GROUP,
                GrpoLoss.Options.defaults(), false, 3, false, 1)).hasMessageContaining("group = 1");
        assertThatThrownBy(() -> new GrpoTrainer.Options(4, 4, 0, 5, 1e-3, 0, 0, 0, 1, 1, 1, Advantages.Scale.GROUP,
                GrpoLoss.Options.defaults(), false, 3, false, 1)).hasMessageContaining("temperature = 0.0");
        assertThatThrownBy(() -> new GrpoTrainer(model(), null, TASK, AnswerFormat.PLAIN, ONES, TaskData.END, options(0.1, 1, 1, false, false)))
                .hasMessageContaining("needs a reference model");
        assertThat(Arrays.asList(GrpoLoss.Normalization.values())).containsExactly(GrpoLoss.Normalization.GRPO, GrpoLoss.Normalization.DR_GRPO,
                GrpoLoss.Normalization.DAPO, GrpoLoss.Normalization.BNPO); // TRL's four loss types
    }
}
