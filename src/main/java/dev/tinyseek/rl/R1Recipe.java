package dev.tinyseek.rl;

import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tensor.Rng;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/// DeepSeek-R1's four-stage recipe (R1 paper §2.3) in miniature, from the same base as [R1Zero]:
///
/// 1. **cold start**: SFT on a few hundred readable worked solutions of training problems
///    (R1 collects thousands of long chains of thought in a readable form; ours are written by
///    [R1Template#worked], the column addition a teacher would write);
/// 2. **reasoning RL**: GRPO with R1-Zero's rewards plus a readability reward
///    ([R1Rewards#withReadability], the miniature of the language-consistency reward);
/// 3. **rejection sampling + SFT**: sample from the RL model, keep verified, well-formed,
///    consistent traces ([RejectionSampling]) and fine-tune the *base* model on them (R1 fine-tunes
///    DeepSeek-V3-Base, not the RL checkpoint); R1's 200k non-reasoning samples have no analogue
///    in a one-task miniature;
/// 4. **final RL**: GRPO again, same rewards (R1's helpfulness and harmlessness reward models
///    have no analogue either).
///
/// Each stage is scored on the held-out problems of [R1Zero] ([R1Eval]).
public final class R1Recipe {

    /// Cold start: `coldExamples` solutions, `coldSteps` SFT steps at `sftLr`; RL: `rlSteps` then
    /// `finalRlSteps` GRPO steps with `grpo` options and readability weight `readability`;
    /// rejection sampling: `rsProblems` training problems × `rsSamples` completions at T 1 (one
    /// kept per problem), then `rsSftSteps` SFT steps; evaluation: `heldOut` problems × `k`.
    public record Settings(int coldExamples, int coldSteps, double sftLr, GrpoTrainer.Options grpo, int rlSteps,
                           double readability, int rsProblems, int rsSamples, int rsSftSteps, int finalRlSteps,
                           int heldOut, int k, long seed) {

        /// 300 cold-start solutions and 150 SFT steps at lr 1e-3; 100 + 60 RL steps (R1-Zero's
        /// GRPO options) with readability weight 0.5; rejection sampling of 4 completions of 600
        /// problems, then 300 SFT steps; 200 held-out problems × 8 samples; seed 1.
        public static Settings defaults() {
            return new Settings(300, 150, 1e-3, R1Zero.Settings.defaults().grpo(), 100, 0.5, 600, 4, 300, 60, 200, 8, 1);
        }

        public Settings withSeed(long s) {
            return new Settings(coldExamples, coldSteps, sftLr, grpo.withSeed(s), rlSteps, readability, rsProblems,
                    rsSamples, rsSftSteps, finalRlSteps, heldOut, k, s);
        }

        public Settings withColdStart(int examples, int steps) {
            return new Settings(examples, steps, sftLr, grpo, rlSteps, readability, rsProblems, rsSamples, rsSftSteps,
                    finalRlSteps, heldOut, k, seed);
        }

        public Settings withRlSteps(int rl, int finalRl) {
            return new Settings(coldExamples, coldSteps, sftLr, grpo, rl, readability, rsProblems, rsSamples, rsSftSteps,
                    finalRl, heldOut, k, seed);
        }
    }

    /// One row of the table: the stage, its metrics after it, and its own seconds.
    public record Stage(String name, R1Eval.Metrics metrics, double seconds, String detail) {
    }

    /// The stages in order (the base first), the final model, and the traces of stage 3.
    public record Result(List<Stage> stages, Transformer model, RejectionSampling.Result traces, double seconds) {
    }

    private R1Recipe() {
    }

    /// Runs the recipe from `base` (left unchanged), reporting each stage to `progress` as it ends.
    public static Result run(Transformer base, Settings s, Consumer<Stage> progress) {
        Consumer<Stage> pr = progress == null ? x -> { } : progress;
        long t0 = System.nanoTime();
        List<Problem> held = R1Template.TASK.heldOut(s.heldOut(), R1Zero.HELD_OUT_SEED);
        List<Stage> stages = new ArrayList<>();
        Stage b = new Stage("base", eval(base, held, s), 0, "");
        stages.add(b);
        pr.accept(b);
        // 1. cold start
        Transformer m = GrpoTrainer.copy(base);
        List<SftData.Example> cold = coldStart(s.coldExamples(), s.seed());
        Sft.Result c = Sft.run(m, SftData.of(cold, s.seed(), 32, R1Base.SEQ_LEN), s.coldSteps(), s.sftLr(), 0);
        add(stages, pr, new Stage("cold start", eval(m, held, s), c.seconds(), cold.size() + " worked solutions, " + c.steps() + " SFT steps"));
        // 2. reasoning RL with the readability reward
        double rl = rl(m, s, s.rlSteps(), s.seed());
        add(stages, pr, new Stage("reasoning RL", eval(m, held, s), rl, s.rlSteps() + " GRPO steps, readability weight " + s.readability()));
        // 3. rejection sampling, then SFT of the base on the kept traces
        RejectionSampling.Result rs = RejectionSampling.run(m, s.rsProblems(), s.rsSamples(), 1.0, R1Zero.MAX_NEW, true, s.seed() + 3);
        if (rs.traces().isEmpty()) {
            throw new IllegalStateException("R1 recipe: rejection sampling kept no trace of " + rs.sampled()
                    + " completions; the RL model never solved a training problem with a consistent chain (train longer)");
        }
        Transformer sft = GrpoTrainer.copy(base);
        Sft.Result r = Sft.run(sft, SftData.of(rs.traces(), s.seed() + 4, 32, R1Base.SEQ_LEN), s.rsSftSteps(), s.sftLr(), 0);
        add(stages, pr, new Stage("rejection sampling + SFT", eval(sft, held, s), rs.seconds() + r.seconds(),
                String.format("kept %d of %d samples (%.0f%%), %d SFT steps of the base", rs.kept(), rs.sampled(),
                        100 * rs.keptShare(), r.steps())));
        // 4. final RL
        double fin = rl(sft, s, s.finalRlSteps(), s.seed() + 5);
        add(stages, pr, new Stage("final RL", eval(sft, held, s), fin, s.finalRlSteps() + " GRPO steps"));
        return new Result(stages, sft, rs, (System.nanoTime() - t0) / 1e9);
    }

    /// The cold-start set: `n` training problems with their worked solution.
    public static List<SftData.Example> coldStart(int n, long seed) {
        Rng r = new Rng(seed + 1000);
        List<SftData.Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Problem p = R1Template.TASK.sample(r, Split.TRAIN);
            out.add(new SftData.Example(R1Template.prompt(p), R1Template.completion(p, true)));
        }
        return out;
    }

    private static double rl(Transformer m, Settings s, int steps, long seed) {
        GrpoTrainer t = R1Zero.trainer(m, R1Rewards.withReadability(R1Template.TASK, s.readability()), s.grpo().withSeed(seed));
        double sec = 0;
        for (int i = 0; i < steps; i++) {
            sec += t.step().seconds();
        }
        return sec;
    }

    private static R1Eval.Metrics eval(Transformer m, List<Problem> held, Settings s) {
        return R1Eval.evaluate(m, R1Template.TASK, held, s.k(), R1Zero.MAX_NEW, s.seed() + 17);
    }

    private static void add(List<Stage> stages, Consumer<Stage> pr, Stage st) {
        stages.add(st);
        pr.accept(st);
    }
}
