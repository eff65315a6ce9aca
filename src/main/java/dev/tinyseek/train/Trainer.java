package dev.tinyseek.train;

import dev.tinyseek.model.MtpModule;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.moe.MoeLayer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.CrossEntropy;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/// The training loop: forward, loss, backward, clip, AdamW step — with a live progress line,
/// periodic evaluation and a guard that stops at the first NaN or infinity.
///
/// Everything random comes from the batch source's seeded generator and the model's seed, and
/// every kernel is deterministic, so the same seed gives the same losses to the bit.
public final class Trainer {

    /// How to train. DeepSeek-V3's optimizer settings are the defaults of [#defaults(int)].
    public record Options(int steps, double lr, double minLr, int warmup, double weightDecay,
                          double clip, int evalEvery) {
        public Options {
            if (steps <= 0) {
                throw new IllegalArgumentException("steps must be positive, got " + steps);
            }
            if (evalEvery < 0) {
                throw new IllegalArgumentException("evalEvery must be >= 0 (0 = only at the end), got " + evalEvery);
            }
        }

        public static Options defaults(int steps) {
            return new Options(steps, 3e-3, 3e-4, Math.min(100, steps / 10), 0.1, 1.0, 0);
        }
    }

    /// Computes held-out metrics (e.g. exact-match accuracy) of the model as it is now.
    @FunctionalInterface
    public interface Evaluator {
        Map<String, Double> evaluate(Transformer model);
    }

    /// One logged step: the main cross-entropy loss; for a MoE model the tokens each expert of
    /// each MoE layer received (`expertLoads[layer][expert]`) and the balance loss (0 when off);
    /// with Multi-Token Prediction, the mean of the modules' cross-entropies (0 without).
    public record Step(int step, double loss, double gradNorm, double lr, double tokensPerSecond,
                       int[][] expertLoads, double balanceLoss, double mtpLoss) {

        /// A summary for jshell: the step's numbers and each MoE layer's busiest expert load.
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "Step %d: loss %.4f, grad norm %.3g, lr %.3g, %.0f tokens/s", step, loss, gradNorm, lr, tokensPerSecond));
            if (balanceLoss != 0) {
                sb.append(String.format(java.util.Locale.ROOT, ", balance loss %.4g", balanceLoss));
            }
            if (mtpLoss != 0) {
                sb.append(String.format(java.util.Locale.ROOT, ", MTP loss %.4f", mtpLoss));
            }
            if (expertLoads != null && expertLoads.length > 0) {
                sb.append(", expert loads");
                for (int[] layer : expertLoads) {
                    sb.append(' ').append(java.util.Arrays.toString(layer));
                }
            }
            return sb.toString();
        }
    }

    /// What a run produced: every step's loss and the evaluations.
    public record History(List<Step> steps, List<Map<String, Double>> evals, double seconds, long tokens) {
        public double lastLoss() {
            return steps.get(steps.size() - 1).loss();
        }

        /// A summary for jshell: how many steps, the first and last loss, the last evaluation, the time.
        @Override
        public String toString() {
            String losses = steps.isEmpty() ? "no steps" : String.format(java.util.Locale.ROOT, "%d steps, loss %.4f → %.4f",
                    steps.size(), steps.getFirst().loss(), lastLoss());
            return "History: " + losses + (evals.isEmpty() ? ", no evaluations" : ", " + evals.size() + " evaluations (last "
                    + evals.getLast() + ")") + String.format(java.util.Locale.ROOT, ", %.1f s, %,d tokens", seconds, tokens);
        }
    }

    /// Training stopped because a number went NaN or infinite.
    public static final class NonFiniteException extends RuntimeException {
        public NonFiniteException(String message) {
            super(message);
        }
    }

    private final PrintStream progress; // null: silent
    private float biasUpdateSpeed = 0.001f; // γ of auxiliary-loss-free balancing (DeepSeek-V3: 0.001)
    private MtpWeight mtpWeight = MtpWeight.constant(0.3); // λ of the MTP loss (DeepSeek-V3: 0.3, later 0.1)

    /// Sets `λ`, the weight of the Multi-Token Prediction loss `(λ/D) Σ_k CE_k` (DeepSeek-V3
    /// eq. 25), constant over the run. Returns this trainer.
    public Trainer mtpWeight(double lambda) {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("MTP loss weight lambda = " + lambda + " must be >= 0");
        }
        this.mtpWeight = MtpWeight.constant(lambda);
        return this;
    }

    /// Sets `λ` as a schedule over the run (e.g. [MtpWeight#DEEPSEEK_V3]). Returns this trainer.
    public Trainer mtpWeight(MtpWeight schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException("MTP loss weight: the schedule is null; use MtpWeight.constant(0.3)");
        }
        this.mtpWeight = schedule;
        return this;
    }

    /// Sets `γ`, the speed of the MoE routers' bias updates (0 turns auxiliary-loss-free
    /// balancing off). Returns this trainer.
    public Trainer biasUpdateSpeed(double gamma) {
        if (!(gamma >= 0)) {
            throw new IllegalArgumentException("bias update speed gamma = " + gamma + " must be >= 0");
        }
        this.biasUpdateSpeed = (float) gamma;
        return this;
    }

    /// A trainer that prints progress to `progress` (null for none).
    public Trainer(PrintStream progress) {
        this.progress = progress;
    }

    /// Called after every step (e.g. to save a checkpoint every N steps); `step` counts from 1.
    @FunctionalInterface
    public interface StepListener {
        void afterStep(int step) throws Exception;
    }

    public History train(Transformer model, AdamW optimizer, Supplier<Batch> data, Options o, Evaluator eval) {
        return train(model, optimizer, data, o, eval, 0, o.steps(), null);
    }

    /// Trains steps `fromStep .. toStep-1` of a run of `o.steps()` steps (the schedule is the
    /// whole run's). A run resumed at `fromStep` (with the optimizer and the data source
    /// restored to where they were) gives the same losses, to the bit, as one that never stopped.
    public History train(Transformer model, AdamW optimizer, Supplier<Batch> data, Options o, Evaluator eval,
                         int fromStep, int toStep, StepListener listener) {
        if (fromStep < 0 || fromStep > toStep || toStep > o.steps()) {
            throw new IllegalArgumentException("cannot train steps [" + fromStep + ", " + toStep + ") of a run of "
                    + o.steps() + " steps");
        }
        LrSchedule schedule = new LrSchedule(o.lr(), o.minLr(), o.warmup(), o.steps());
        List<Param> params = model.params();
        List<Step> steps = new ArrayList<>();
        List<Map<String, Double>> evals = new ArrayList<>();
        long start = System.nanoTime();
        long tokens = 0;
        boolean live = progress != null && System.console() != null;
        long lastPrint = 0;
        for (int s = fromStep; s < toStep; s++) {
            long t0 = System.nanoTime();
            Batch batch = data.get();
            int n = batch.b() * batch.t(), v = model.config.vocabSize();
            // 1. forward, loss and its gradient on the logits (one pass over them)
            Transformer.Saved fwd = model.forward(batch.inputs(), batch.b(), batch.t());
            float[] dlogits = new float[n * v];
            CrossEntropy.Result ce = CrossEntropy.forwardBackward(dlogits, fwd.logits(), batch.targets(), CrossEntropy.IGNORE, n, v, 1f);
            if (!Double.isFinite(ce.loss())) {
                checkFinite(params, s, false); // names the weight, if one went bad
                throw new NonFiniteException("step " + s + ": the loss is " + ce.loss() + " (the logits of lm_head "
                        + "went non-finite although every weight is finite); lower the learning rate (--lr)");
            }
            // 1b. Multi-Token Prediction: depth k predicts the token k + 1 ahead (eq. 21-25)
            List<MtpModule.Saved> mtp = model.forwardMtp(fwd);
            List<float[]> dMtp = new ArrayList<>();
            double mtpLoss = 0;
            double lambda = mtpWeight.at(s, o.steps()); // the schedule spans the whole run, resumed or not
            for (int k = 1; k <= mtp.size(); k++) {
                int[] ahead = shiftTargets(batch, k);
                float[] d = new float[n * v];
                CrossEntropy.Result r = CrossEntropy.forwardBackward(d, mtp.get(k - 1).logits(), ahead, CrossEntropy.IGNORE, n, v,
                        (float) (lambda / mtp.size()));
                mtpLoss += r.loss() / mtp.size();
                dMtp.add(d);
            }
            // 2. backward
            model.zeroGrad();
            model.backward(fwd, dlogits, mtp, dMtp);
            checkFinite(params, s, true);
            // 3. clip, update
            double norm = GradClip.clip(params, o.clip());
            double lr = schedule.at(s);
            optimizer.step(lr);
            checkFinite(params, s, false);
            // 3b. auxiliary-loss-free balancing: each MoE router's bias moves toward balance
            List<int[]> loads = new ArrayList<>();
            double balance = 0;
            for (int li = 0; li < model.layers.size(); li++) {
                if (fwd.blocks().get(li).ffn() instanceof MoeLayer.Saved ms) {
                    MoeLayer moe = (MoeLayer) model.layers.get(li).ffn;
                    loads.add(ms.loads());
                    balance += ms.balanceLoss();
                    if (biasUpdateSpeed > 0 && moe.gate.bias != null) {
                        moe.updateBias(ms.loads(), biasUpdateSpeed);
                    }
                }
            }
            tokens += n;
            if (listener != null) {
                try {
                    listener.afterStep(s + 1);
                } catch (Exception e) {
                    throw new IllegalStateException("step " + (s + 1) + ": " + e.getMessage(), e);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            steps.add(new Step(s, ce.loss(), norm, lr, n / secs, loads.toArray(int[][]::new), balance, mtpLoss));
            // 4. evaluation and progress
            boolean last = s == toStep - 1;
            if (eval != null && (last || (o.evalEvery() > 0 && (s + 1) % o.evalEvery() == 0))) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("step", (double) (s + 1));
                m.putAll(eval.evaluate(model));
                evals.add(m);
                if (progress != null) {
                    if (live) {
                        progress.print("\r\033[K");
                    }
                    progress.println("step " + (s + 1) + " eval " + format(m));
                }
            }
            if (progress != null) {
                long now = System.nanoTime();
                double elapsed = (now - start) / 1e9;
                String line = progressLine(s + 1, o.steps(), s + 1 - fromStep, ce.loss(), tokens / elapsed, elapsed);
                if (live && (now - lastPrint > 200_000_000L || last)) {
                    progress.print("\r\033[K" + line);
                    lastPrint = now;
                } else if (!live && ((s + 1) % Math.max(1, o.steps() / 10) == 0 || last)) {
                    progress.println(line);
                }
            }
        }
        if (live) {
            progress.println();
        }
        return new History(steps, evals, (System.nanoTime() - start) / 1e9, tokens);
    }

    /// `step` of `total`, of which `done` ran in this process (in `elapsed` seconds).
    static String progressLine(int step, int total, int done, double loss, double tokPerSec, double elapsed) {
        double left = elapsed / done * (total - step);
        return String.format("step %d/%d | loss %.4f | %.1fk tok/s | %s elapsed, %s left",
                step, total, loss, tokPerSec / 1000, clock(elapsed), clock(left));
    }

    /// The targets `k` positions further on: what MTP depth `k` predicts at each position.
    static int[] shiftTargets(Batch batch, int k) {
        int b = batch.b(), t = batch.t();
        int[] out = new int[b * t];
        java.util.Arrays.fill(out, CrossEntropy.IGNORE);
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i + k < t; i++) {
                out[bi * t + i] = batch.targets()[bi * t + i + k];
            }
        }
        return out;
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d", s / 60, s % 60);
    }

    private static String format(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, val) -> {
            if (!k.equals("step")) {
                sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(String.format("%.4f", val));
            }
        });
        return sb.toString();
    }

    private static void checkFinite(List<Param> params, int step, boolean grads) {
        for (Param p : params) {
            float[] x = grads ? p.grad : p.data;
            for (int i = 0; i < x.length; i++) {
                if (!Float.isFinite(x[i])) {
                    throw new NonFiniteException("step " + step + ": the " + (grads ? "gradient" : "value") + " of " + p.name
                            + " is " + x[i] + " at index " + i + "; lower the learning rate (--lr) or clip harder (--clip)");
                }
            }
        }
    }
}
