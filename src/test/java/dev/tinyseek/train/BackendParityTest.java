package dev.tinyseek.train;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.BlasGemm;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.backend.JavaGemm;
import dev.tinyseek.backend.NativeTests;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/// The whole model through the BLAS backend against the Java backend: forward logits, the loss,
/// every parameter's gradient, and the losses of a few AdamW steps. The two GEMMs differ only in
/// the order of their float sums, so the model's outputs differ by rounding, amplified a little by
/// depth. Tolerances, 50x to 100x above the largest figure measured on the development machine
/// (the test prints its figures; measured: logits 8.7e-7 relative, loss 2e-9, gradients 1.9e-6,
/// later losses 1.8e-7, all on the `small` preset):
/// - logits: max |Δ| ≤ 1e-4 · max |logit|;
/// - loss: |Δ| ≤ 1e-7 · loss;
/// - each parameter's gradient: ‖Δg‖ ≤ 1e-4 · ‖g‖ (the router's tensors included);
/// - losses after 1..3 AdamW steps: |Δ| ≤ 1e-5 · loss.
///
/// The MoE router's top-k choice is discrete: a rounding difference could, in principle, flip a
/// near-tie and move a whole expert's output. The test checks that both backends routed every
/// token to the same experts, so a failure there says so instead of showing as a large Δ.
class BackendParityTest {

    private final Gemm before = Backends.gemm();

    @AfterEach
    void restore() {
        Backends.use(before);
    }

    record Run(float[] logits, double loss, List<float[]> grads, int routing, double[] laterLosses) {
    }

    /// Forward, loss, backward, then three AdamW steps, all on the given backend, from the same seed.
    /// A hash of every MoE layer's expert choice for the tokens.
    static int routing(Transformer m, int[] tok, int b, int t) {
        int h = 0;
        for (var bs : m.forward(tok, b, t).blocks()) {
            if (bs.ffn() instanceof dev.tinyseek.moe.MoeLayer.Saved ms) {
                h = 31 * h + java.util.Arrays.hashCode(ms.routing().experts());
            }
        }
        return h;
    }

    static Run run(Gemm gemm, ModelConfig cfg, int b, int t) {
        Backends.use(gemm);
        Transformer m = new Transformer(cfg, 5);
        Rng r = new Rng(6);
        int n = b * t, v = cfg.vocabSize();
        int[] tok = new int[n], tgt = new int[n];
        for (int i = 0; i < n; i++) {
            tok[i] = r.nextInt(v);
            tgt[i] = r.nextInt(v);
        }
        Supplier<double[]> step = () -> {
            Transformer.Saved s = m.forward(tok, b, t);
            double loss = CrossEntropy.forward(s.logits(), tgt, CrossEntropy.IGNORE, n, v).loss();
            m.zeroGrad();
            float[] dl = new float[n * v];
            CrossEntropy.backward(dl, s.logits(), tgt, CrossEntropy.IGNORE, n, v, 1f);
            m.backward(s, dl);
            return new double[]{loss};
        };
        Transformer.Saved s = m.forward(tok, b, t);
        float[] logits = s.logits().clone();
        int routing = routing(m, tok, b, t);
        double loss = step.get()[0];
        List<float[]> grads = new ArrayList<>();
        for (Param p : m.params()) {
            grads.add(p.grad.clone());
        }
        AdamW opt = AdamW.deepseek(m.params());
        double[] later = new double[3];
        for (int i = 0; i < 3; i++) {
            opt.step(1e-3);
            later[i] = step.get()[0];
        }
        return new Run(logits, loss, grads, routing, later);
    }

    static void assertParity(String label, ModelConfig cfg, int b, int t) {
        Gemm blas = new BlasGemm();
        Run j = run(new JavaGemm(), cfg, b, t);
        Run n = run(blas, cfg, b, t);
        assertThat(n.routing()).as(label + ": every token routed to the same experts").isEqualTo(j.routing());

        double maxLogit = 0, maxDiff = 0;
        for (int i = 0; i < j.logits().length; i++) {
            maxLogit = Math.max(maxLogit, Math.abs(j.logits()[i]));
            maxDiff = Math.max(maxDiff, Math.abs(j.logits()[i] - n.logits()[i]));
        }
        assertThat(maxDiff).as(label + ": max |Δ logit|").isLessThanOrEqualTo(1e-4 * maxLogit);

        double dLoss = Math.abs(j.loss() - n.loss());
        assertThat(dLoss).as(label + ": |Δ loss|").isLessThanOrEqualTo(1e-7 * j.loss());

        List<Param> names = new Transformer(cfg, 5).params();
        double worstGrad = 0;
        for (int p = 0; p < names.size(); p++) {
            double norm = 0, diff = 0;
            float[] gj = j.grads().get(p), gn = n.grads().get(p);
            for (int i = 0; i < gj.length; i++) {
                norm += (double) gj[i] * gj[i];
                diff += (double) (gj[i] - gn[i]) * (gj[i] - gn[i]);
            }
            double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
            worstGrad = Math.max(worstGrad, rel);
            assertThat(rel).as(label + ": ‖Δ grad‖/‖grad‖ of " + names.get(p).name).isLessThanOrEqualTo(1e-4);
        }
        double worstLater = 0;
        for (int i = 0; i < 3; i++) {
            double rel = Math.abs(j.laterLosses()[i] - n.laterLosses()[i]) / j.laterLosses()[i];
            worstLater = Math.max(worstLater, rel);
            assertThat(rel).as(label + ": relative Δ loss after AdamW step " + (i + 1)).isLessThanOrEqualTo(1e-5);
        }
        System.out.printf("%s, BLAS vs Java: max |Δ logit| %.2e (max |logit| %.2f), |Δ loss| %.2e (loss %.4f), "
                        + "worst ‖Δ grad‖/‖grad‖ %.2e, worst relative Δ loss over 3 AdamW steps %.2e%n",
                label, maxDiff, maxLogit, dLoss, j.loss(), worstGrad, worstLater);
    }

    @Test
    void tinyDeepSeekModelForwardGradientsAndTrainingStepsAgree() {
        NativeTests.requireBlas();
        assertParity("tiny (MLA + MoE), 2 x 24 tokens", ModelConfig.tiny(), 2, 24);
    }

    @Test
    void tinyDenseBaselineAgrees() {
        NativeTests.requireBlas();
        assertParity("tiny dense baseline, 2 x 16 tokens", ModelConfig.tiny().dense(), 2, 16);
    }

    @Test
    void smallPresetForwardAndGradientsAgreeAtItsBenchmarkWidths() {
        // the benchmark's widths (256 wide, 16 experts): larger sums, so OpenBLAS's blocking and
        // threading are exercised, not only its small-matrix path
        NativeTests.requireBlas();
        assertParity("small (MLA + MoE), 1 x 64 tokens", ModelConfig.small(), 1, 64);
    }
}
