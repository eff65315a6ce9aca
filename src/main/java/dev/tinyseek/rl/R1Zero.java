package dev.tinyseek.rl;

import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;

import java.util.ArrayList;
import java.util.List;

/// DeepSeek-R1-Zero in miniature (R1 paper §2.2): GRPO straight from the base model, with the
/// rule rewards only ([R1Rewards#zero]: accuracy + format) and R1-Zero's template. Nothing tells
/// the model to think; the question is whether it learns to, because thinking is what pays.
///
/// Every `evalEvery` steps the policy is scored on held-out problems that no corpus contains
/// ([R1Eval]: pass@1 over k samples at T 0.6 / top-p 0.95, greedy, cons@k, mean completion length,
/// share that thinks). Two controls run the same loop:
/// - [Control#NO_THINK]: the completion budget only fits a direct answer (9 tokens), so a
///   completion that starts to think is cut and scores nothing;
/// - [Control#SHUFFLED]: rewards are permuted within each group, so they carry no information.
public final class R1Zero {

    /// Which run: the real one or a control.
    public enum Control {
        NONE, NO_THINK, SHUFFLED;

        public String label() {
            return switch (this) {
                case NONE -> "R1-Zero";
                case NO_THINK -> "no-think control";
                case SHUFFLED -> "shuffled-reward control";
            };
        }
    }

    /// Tokens of a direct completion: `<think></think><answer>dddd</answer><eos>`.
    public static final int DIRECT_TOKENS = 9;
    /// Room for a worked completion (35 tokens) and some slack.
    public static final int MAX_NEW = 48;

    /// `grpo` options (its `maxNew` is replaced by the control's budget); `steps` GRPO steps; an
    /// evaluation every `evalEvery` steps on `heldOut` problems with `k` samples each.
    public record Settings(GrpoTrainer.Options grpo, int steps, int evalEvery, int heldOut, int k, Control control) {

        public Settings {
            if (steps < 1 || evalEvery < 1 || heldOut < 1 || k < 1) {
                throw new IllegalArgumentException("R1-Zero: steps = " + steps + ", evalEvery = " + evalEvery + ", heldOut = "
                        + heldOut + ", k = " + k + " must all be >= 1");
            }
        }

        /// 16 prompts × 8 completions at temperature 1, lr 1e-4, 100 steps, evaluated every 10
        /// steps on 200 held-out problems with 8 samples each; seed 1.
        public static Settings defaults() {
            GrpoTrainer.Options g = GrpoTrainer.Options.defaults().withMaxNew(MAX_NEW).withLr(1e-4);
            return new Settings(g, 100, 10, 200, 8, Control.NONE);
        }

        public Settings withSteps(int n) {
            return new Settings(grpo, n, evalEvery, heldOut, k, control);
        }

        public Settings withEvalEvery(int n) {
            return new Settings(grpo, steps, n, heldOut, k, control);
        }

        public Settings withHeldOut(int n, int samples) {
            return new Settings(grpo, steps, evalEvery, n, samples, control);
        }

        public Settings withControl(Control c) {
            return new Settings(grpo, steps, evalEvery, heldOut, k, c);
        }

        public Settings withGrpo(GrpoTrainer.Options o) {
            return new Settings(o, steps, evalEvery, heldOut, k, control);
        }

        public Settings withSeed(long seed) {
            return new Settings(grpo.withSeed(seed), steps, evalEvery, heldOut, k, control);
        }

        /// The options GRPO runs with: the control's completion budget, its reward shuffling.
        GrpoTrainer.Options effective() {
            GrpoTrainer.Options o = grpo;
            if (control == Control.NO_THINK) {
                o = o.withMaxNew(DIRECT_TOKENS);
            }
            return o.withShuffleRewards(control == Control.SHUFFLED);
        }
    }

    /// One evaluation: the step it followed (0 = the base) and the seconds of GRPO so far.
    public record Point(int step, double seconds, R1Eval.Metrics metrics) {
    }

    /// A run: its evaluations in order (the first is the base, the last the end), three sampled
    /// completions at the start, the middle and the end, each step's metrics, and its seconds
    /// (GRPO and evaluation together).
    public record Result(Control control, List<Point> curve, List<String> samplesStart, List<String> samplesMiddle,
                         List<String> samplesEnd, List<GrpoTrainer.StepMetrics> steps, double seconds) {

        public R1Eval.Metrics start() {
            return curve.get(0).metrics();
        }

        public R1Eval.Metrics end() {
            return curve.get(curve.size() - 1).metrics();
        }
    }

    /// What a caller sees as the run goes.
    public interface Progress {
        default void step(GrpoTrainer.StepMetrics m, int steps) {
        }

        default void eval(Point p) {
        }
    }

    private R1Zero() {
    }

    /// Trains `policy` in place (pass a copy to keep the base) and returns the run.
    public static Result run(Transformer policy, Settings s, Progress progress) {
        Progress pr = progress == null ? new Progress() { } : progress;
        long t0 = System.nanoTime();
        List<Problem> held = R1Template.TASK.heldOut(s.heldOut(), HELD_OUT_SEED);
        GrpoTrainer.Options o = s.effective();
        GrpoTrainer t = trainer(policy, R1Rewards.zero(R1Template.TASK), o);
        List<Point> curve = new ArrayList<>();
        List<GrpoTrainer.StepMetrics> steps = new ArrayList<>();
        // evaluations use the full budget, so that the no-think control is scored like the others
        Point first = new Point(0, 0, R1Eval.evaluate(policy, R1Template.TASK, held, s.k(), MAX_NEW, o.seed() + 17));
        curve.add(first);
        pr.eval(first);
        List<String> start = samples(policy, held, o.seed()), middle = start;
        double grpoSeconds = 0;
        for (int i = 1; i <= s.steps(); i++) {
            GrpoTrainer.StepMetrics m = t.step();
            grpoSeconds += m.seconds();
            steps.add(m);
            pr.step(m, s.steps());
            if (i == s.steps() / 2) {
                middle = samples(policy, held, o.seed());
            }
            if (i % s.evalEvery() == 0 || i == s.steps()) {
                Point p = new Point(i, grpoSeconds, R1Eval.evaluate(policy, R1Template.TASK, held, s.k(), MAX_NEW, o.seed() + 17));
                curve.add(p);
                pr.eval(p);
            }
        }
        List<String> end = samples(policy, held, o.seed());
        return new Result(s.control(), curve, start, middle, end, steps, (System.nanoTime() - t0) / 1e9);
    }

    /// GRPO on `policy` in the [R1Template] (its task, answer format and tokens) with `reward`; no
    /// reference model (β = 0 in every R1 stage).
    static GrpoTrainer trainer(Transformer policy, Reward reward, GrpoTrainer.Options o) {
        return new GrpoTrainer(policy, null, R1Template.TASK, AnswerFormat.R1, reward, Codec.BYTES.end(), o).codec(Codec.R1);
    }

    /// The seed of the held-out problems every R1 stage is scored on.
    public static final long HELD_OUT_SEED = 2025;

    /// Three sampled completions (T 0.6, top-p 0.95) of the first three held-out problems.
    static List<String> samples(Transformer model, List<Problem> held, long seed) {
        return R1Eval.samples(model, held.subList(0, Math.min(3, held.size())), MAX_NEW, seed);
    }
}
