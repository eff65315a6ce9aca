package dev.tinyseek.rl;

import dev.tinyseek.train.Evaluation;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;

import java.util.List;

/// Distillation against RL on a small model (R1 paper §2.4 and Table 6): a smaller dense student,
/// pretrained on the same base corpus as the teacher, is either
/// - **distilled**: fine-tuned (SFT only, no RL) on the reasoning model's rejection-sampled traces, or
/// - **RL-only**: trained by GRPO with R1-Zero's rewards from its own base,
///
/// for the same wall time (SFT may finish its steps sooner; it never runs longer). The paper's claim: distilling the stronger model beats RL on the
/// smaller one.
public final class R1Distill {

    /// The teacher's traces: `traceProblems` training problems × `traceSamples` completions at
    /// T 1, one kept per problem. Both students get `seconds` of training: SFT at `sftLr` (batch
    /// 32, at most `maxSftSteps`), GRPO with `grpo`. Evaluation: `heldOut` × `k`.
    public record Settings(int traceProblems, int traceSamples, double seconds, double sftLr, int maxSftSteps,
                           GrpoTrainer.Options grpo, int heldOut, int k, long seed) {

        /// 1000 problems × 2 samples, 120 s each, SFT at lr 1e-3 for 500 steps (its schedule decays
        /// over those steps; it stops early only if the 120 s run out first), R1-Zero's GRPO options,
        /// 200 held-out × 8; seed 1.
        public static Settings defaults() {
            return new Settings(1000, 2, 120, 1e-3, 500, R1Zero.Settings.defaults().grpo(), 200, 8, 1);
        }

        public Settings withMaxSftSteps(int n) {
            return new Settings(traceProblems, traceSamples, seconds, sftLr, n, grpo, heldOut, k, seed);
        }

        public Settings withSeconds(double s) {
            return new Settings(traceProblems, traceSamples, s, sftLr, maxSftSteps, grpo, heldOut, k, seed);
        }

        public Settings withSeed(long s) {
            return new Settings(traceProblems, traceSamples, seconds, sftLr, maxSftSteps, grpo.withSeed(s), heldOut, k, s);
        }
    }

    /// A row of the table.
    public record Row(String name, R1Eval.Metrics metrics, int steps, double seconds) {
    }

    /// The student's base, the distilled and the RL-only student, and both trained models.
    public record Result(Row base, Row distilled, Row rlOnly, int traces, int traceSamples, double traceSeconds,
                         Transformer distilledModel, Transformer rlOnlyModel) {
    }

    private R1Distill() {
    }

    /// The student: the `tiny` preset's width with one layer, standard attention and a dense MLP
    /// (about half the teacher's parameters, a third of its activated ones' depth).
    public static ModelConfig studentConfig() {
        return R1Base.tinyConfig().dense().withNumHiddenLayers(1);
    }

    /// Both students from `studentBase` (left unchanged), with the traces of `teacher`.
    public static Result run(Transformer teacher, Transformer studentBase, Settings s) {
        List<Problem> held = R1Template.TASK.heldOut(s.heldOut(), R1Zero.HELD_OUT_SEED);
        Row base = new Row("student base", eval(studentBase, held, s), 0, 0);
        // 1. the teacher's traces
        RejectionSampling.Result rs = RejectionSampling.run(teacher, s.traceProblems(), s.traceSamples(), 1.0,
                R1Zero.MAX_NEW, true, s.seed() + 7);
        if (rs.traces().isEmpty()) {
            throw new IllegalStateException("distillation: the teacher gave no verified, consistent trace in "
                    + rs.sampled() + " samples; use a reasoning model as the teacher");
        }
        // 2. distilled: SFT on the traces
        Transformer d = GrpoTrainer.copy(studentBase);
        Sft.Result sft = Sft.run(d, SftData.of(rs.traces(), s.seed() + 8, 32, R1Base.SEQ_LEN), s.maxSftSteps(), s.sftLr(), s.seconds());
        Row distilled = new Row("distilled (SFT on R1 traces)", eval(d, held, s), sft.steps(), sft.seconds());
        // 3. RL-only: GRPO from the student's base for the same time
        Transformer r = GrpoTrainer.copy(studentBase);
        GrpoTrainer t = R1Zero.trainer(r, R1Rewards.zero(R1Template.TASK), s.grpo().withSeed(s.seed()));
        long t0 = System.nanoTime();
        int steps = 0;
        while ((System.nanoTime() - t0) / 1e9 < s.seconds()) {
            t.step();
            steps++;
        }
        Row rl = new Row("RL-only (GRPO from its base)", eval(r, held, s), steps, (System.nanoTime() - t0) / 1e9);
        return new Result(base, distilled, rl, rs.kept(), rs.sampled(), rs.seconds(), d, r);
    }

    private static R1Eval.Metrics eval(Transformer m, List<Problem> held, Settings s) {
        return R1Eval.evaluate(m, R1Template.TASK, held, s.k(), R1Zero.MAX_NEW, s.seed() + 17);
    }
}
