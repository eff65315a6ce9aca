package dev.tinyseek.gpucheck;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.backend.JavaGemm;
import dev.tinyseek.model.Block;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.moe.MoeLayer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.train.AdamW;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Check 3: a whole model on the device's GEMM against the Java GEMM, from the same seed: the
/// logits, the loss, every parameter's gradient, and the losses after three AdamW steps.
///
/// **Tolerances.** The two GEMMs differ only in the order of their float sums (check 1 bounds
/// each product), and the model amplifies those roundings a little with depth. The bounds are
/// those the BLAS backend is held to by the test suite (`model/BackendParityTest`), where the
/// figures measured were 50 to 100 times smaller, with ten times more room for the loss:
/// - logits: max |Δ| ≤ 1e-4 · max |logit|;
/// - loss: |Δ| ≤ 1e-6 · loss (BLAS: 1e-7, measured 2e-9; cuBLAS may pick another summation
///   order for each shape, so this judgement call leaves it more room);
/// - each parameter's gradient: ‖Δg‖ ≤ 1e-4 · ‖g‖;
/// - loss after each of three AdamW steps: |Δ| ≤ 1e-5 · loss.
///
/// The MoE router's top-k choice is discrete: a rounding difference could flip a near-tie and
/// move a whole expert's output. The check reports whether every token went to the same experts
/// on both, so that such a flip is named rather than seen as a large Δ.
public final class ModelParityCheck {

    private ModelParityCheck() {
    }

    /// @param name   the preset's name (`tiny`, `small`)
    /// @param config the model
    /// @param batch  sequences
    /// @param tokens tokens per sequence
    public record Setup(String name, ModelConfig config, int batch, int tokens) {
    }

    /// One model's outcome; every `*_rel` figure is the left side of its tolerance divided by the
    /// right side's scale (pass: ≤ the stated bound).
    public record Result(Setup setup, double logitsRel, double lossRel, double worstGradRel, String worstGradParam,
                         double adamwLossRel, boolean sameRouting, boolean passed) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", setup.name());
            m.put("batch", setup.batch());
            m.put("tokens", setup.tokens());
            m.put("passed", passed);
            m.put("logits_max_abs_diff_over_max_abs_logit", logitsRel);
            m.put("loss_rel_diff", lossRel);
            m.put("worst_grad_rel_diff", worstGradRel);
            m.put("worst_grad_param", worstGradParam);
            m.put("adamw_3_steps_worst_loss_rel_diff", adamwLossRel);
            m.put("same_routing", sameRouting);
            m.put("tolerance", "logits 1e-4, loss 1e-6, each gradient 1e-4 (norm), losses after AdamW steps 1e-5; same routing");
            return m;
        }
    }

    record Run(float[] logits, double loss, List<String> names, List<float[]> grads, int routing, double[] laterLosses) {
    }

    /// Runs the model on the Java GEMM and on `device`, and compares.
    public static Result run(Device device, Setup s, Progress progress) {
        Gemm before = Backends.gemm();
        Run java, dev;
        try {
            java = run(new JavaGemm(), null, s);
            dev = run(device.gemm(), device, s);
        } finally {
            Backends.use(before);
        }
        double maxLogit = 0, maxDiff = 0;
        for (int i = 0; i < java.logits().length; i++) {
            maxLogit = Math.max(maxLogit, Math.abs(java.logits()[i]));
            maxDiff = Math.max(maxDiff, Math.abs((double) java.logits()[i] - dev.logits()[i]));
        }
        double logitsRel = maxLogit == 0 ? maxDiff : maxDiff / maxLogit;
        double lossRel = Math.abs(java.loss() - dev.loss()) / java.loss();
        List<String> names = java.names();
        double worstGrad = 0;
        String worstName = "";
        for (int p = 0; p < names.size(); p++) {
            double norm = 0, diff = 0;
            float[] gj = java.grads().get(p), gd = dev.grads().get(p);
            for (int i = 0; i < gj.length; i++) {
                norm += (double) gj[i] * gj[i];
                diff += ((double) gj[i] - gd[i]) * ((double) gj[i] - gd[i]);
            }
            double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
            if (!(rel <= worstGrad)) {
                worstGrad = Double.isNaN(rel) ? Double.MAX_VALUE : rel;
                worstName = names.get(p);
            }
        }
        double later = 0;
        for (int i = 0; i < java.laterLosses().length; i++) {
            double rel = Math.abs(java.laterLosses()[i] - dev.laterLosses()[i]) / java.laterLosses()[i];
            later = Math.max(later, Double.isNaN(rel) ? Double.MAX_VALUE : rel);
        }
        boolean same = java.routing() == dev.routing();
        boolean ok = logitsRel <= 1e-4 && lossRel <= 1e-6 && worstGrad <= 1e-4 && later <= 1e-5 && same;
        progress.line(String.format("model %s (%d x %d tokens): logits %.1e, loss %.1e, worst gradient %.1e (%s), "
                        + "AdamW losses %.1e, same routing %s%s", s.name(), s.batch(), s.tokens(), logitsRel, lossRel,
                worstGrad, worstName, later, same, ok ? "" : "  FAILED"));
        return new Result(s, logitsRel, lossRel, worstGrad, worstName, later, same, ok);
    }

    /// Forward, loss, backward, then three AdamW steps on `gemm`; kept weights refreshed after each step.
    static Run run(Gemm gemm, Device device, Setup s) {
        Backends.use(gemm);
        ModelConfig cfg = s.config();
        Transformer m = new Transformer(cfg, 5);
        Rng r = new Rng(6);
        int b = s.batch(), t = s.tokens(), n = b * t, v = cfg.vocabSize();
        int[] tok = new int[n], tgt = new int[n];
        for (int i = 0; i < n; i++) {
            tok[i] = r.nextInt(v);
            tgt[i] = r.nextInt(v);
        }
        if (device != null) {
            for (Param p : m.params()) {
                device.keep(p.data);
            }
        }
        try {
            Transformer.Saved first = m.forward(tok, b, t);
            float[] logits = first.logits().clone();
            int routing = routing(first);
            double loss = lossAndBackward(m, first, tgt, n, v);
            List<float[]> grads = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Param p : m.params()) {
                grads.add(p.grad.clone());
                names.add(p.name);
            }
            AdamW opt = AdamW.deepseek(m.params());
            double[] later = new double[3];
            for (int i = 0; i < later.length; i++) {
                opt.step(1e-3);
                if (device != null) {
                    for (Param p : m.params()) {
                        device.refresh(p.data);
                    }
                }
                later[i] = lossAndBackward(m, m.forward(tok, b, t), tgt, n, v);
            }
            return new Run(logits, loss, names, grads, routing, later);
        } finally {
            if (device != null) {
                for (Param p : m.params()) {
                    device.release(p.data);
                }
            }
        }
    }

    /// Cross-entropy of the saved forward, and its backward into every parameter's gradient.
    static double lossAndBackward(Transformer m, Transformer.Saved s, int[] tgt, int n, int v) {
        double loss = CrossEntropy.forward(s.logits(), tgt, CrossEntropy.IGNORE, n, v).loss();
        m.zeroGrad();
        float[] dl = new float[n * v]; // [N, V]
        CrossEntropy.backward(dl, s.logits(), tgt, CrossEntropy.IGNORE, n, v, 1f);
        m.backward(s, dl);
        return loss;
    }

    /// A hash of every MoE layer's chosen experts.
    static int routing(Transformer.Saved s) {
        int h = 0;
        for (Block.Saved bs : s.blocks()) {
            if (bs.ffn() instanceof MoeLayer.Saved ms) {
                h = 31 * h + Arrays.hashCode(ms.routing().experts());
            }
        }
        return h;
    }
}
