package dev.tinyseek.rl;

import dev.tinyseek.train.Evaluation;
import dev.tinyseek.train.TaskData;
import dev.tinyseek.chart.Plot;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Architectures;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.tensor.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/// R1's recipe in miniature (`tinyseek grpo`). A supervised cold start trains a model from
/// scratch just until it is weak (about a fifth of its greedy answers right), then GRPO with a
/// rule-based reward takes it from there, printing the metrics of every step and the held-out
/// greedy accuracy every few steps.
public final class GrpoRecipe {

    private GrpoRecipe() {
    }

    /// The cold start: stop once greedy accuracy on 200 training problems reaches `target`
    /// (checked every `check` steps) or after `maxSteps`; learning rate `lr` (constant after 100
    /// warmup steps), `batch` sequences per step.
    public record ColdStartSettings(double target, int maxSteps, int check, double lr, int batch) {

        /// Target 0.2, at most 3000 steps, checked every 10, lr 3e-3, batch 64.
        public static ColdStartSettings defaults() {
            return new ColdStartSettings(0.2, 3000, 10, 3e-3, 64);
        }
    }

    /// A run: the `task` (its name `taskName` for the printed lines), the model's `preset` and
    /// `arch` for a cold start, or `from` a checkpoint instead (null: cold start); `steps` GRPO
    /// steps with the trainer's options `grpo`; the reward (`tinyZeroReward`: 1 right, 0.1
    /// well-formed, else accuracy 1 + `formatWeight` x format); DAPO's `maskTruncated`;
    /// held-out greedy accuracy every `evalEvery` steps on `evalProblems` distinct problems; the
    /// `seed` of weights, data and sampling; where to write the CSV, the charts and the final
    /// model (each null: not written); `quiet`: no per-step lines.
    public record Settings(Task task, String taskName, String preset, String arch, Path from, ColdStartSettings coldStart,
                           int steps, GrpoTrainer.Options grpo, boolean tinyZeroReward, double formatWeight,
                           boolean maskTruncated, int evalEvery, int evalProblems, long seed, Path csv, Path plots, Path out,
                           boolean quiet) {

        /// `tinyseek grpo`'s defaults: 2-digit addition (answers lowest digit first), the dense
        /// `tiny` model from a cold start, 1000 GRPO steps of 16 prompts x 8 completions at T 0.5,
        /// lr 3e-4 with a cosine decay, TinyZero's reward, seed 1.
        public static Settings defaults() {
            Task task = new Addition(2, true, true);
            long seed = 1;
            int steps = 1000, maxNew = autoMaxNew(task, "addition");
            GrpoTrainer.Options go = new GrpoTrainer.Options(16, 8, 0.5, maxNew, 3e-4, 0, steps, 0, 1.0, 1, 1,
                    Advantages.Scale.GROUP, new GrpoLoss.Options(0.2, 0.2, 0, GrpoLoss.Normalization.GRPO, maxNew),
                    false, 3, false, seed * 7919 + 17);
            return new Settings(task, "addition", "tiny", "dense", null, ColdStartSettings.defaults(), steps, go, true, 0.1,
                    false, 50, 500, seed, null, null, null, false);
        }

        public Settings withSteps(int steps) {
            return new Settings(task, taskName, preset, arch, from, coldStart, steps, grpo.withDecaySteps(Math.max(1, steps)),
                    tinyZeroReward, formatWeight, maskTruncated, evalEvery, evalProblems, seed, csv, plots, out, quiet);
        }

        public Settings withFrom(Path from) {
            return new Settings(task, taskName, preset, arch, from, coldStart, steps, grpo, tinyZeroReward, formatWeight,
                    maskTruncated, evalEvery, evalProblems, seed, csv, plots, out, quiet);
        }

        public Settings withEval(int evalEvery, int evalProblems) {
            return new Settings(task, taskName, preset, arch, from, coldStart, steps, grpo, tinyZeroReward, formatWeight,
                    maskTruncated, evalEvery, evalProblems, seed, csv, plots, out, quiet);
        }

        public Settings withOutputs(Path csv, Path plots, Path out) {
            return new Settings(task, taskName, preset, arch, from, coldStart, steps, grpo, tinyZeroReward, formatWeight,
                    maskTruncated, evalEvery, evalProblems, seed, csv, plots, out, quiet);
        }

        public Settings withQuiet(boolean quiet) {
            return new Settings(task, taskName, preset, arch, from, coldStart, steps, grpo, tinyZeroReward, formatWeight,
                    maskTruncated, evalEvery, evalProblems, seed, csv, plots, out, quiet);
        }
    }

    /// What the run gives: the trained model, every GRPO step's metrics, the held-out greedy
    /// accuracy at each evaluation (`{step, accuracy}`), and the seconds of each phase.
    public record Result(Transformer model, List<GrpoTrainer.StepMetrics> steps, List<double[]> evals, double coldStartSeconds,
                         double grpoSeconds) {

        /// Held-out greedy accuracy at the last evaluation.
        public double finalAccuracy() {
            return evals.get(evals.size() - 1)[1];
        }

        @Override
        public String toString() {
            return String.format("GrpoRecipe.Result[%d GRPO steps, held-out greedy %.1f%% -> %.1f%%, cold start %.1f s, GRPO %.1f s]",
                    steps.size(), 100 * evals.get(0)[1], 100 * finalAccuracy(), coldStartSeconds, grpoSeconds);
        }
    }

    /// Tokens per completion when none is given: the answer's length + 2 (16 for countdown).
    public static int autoMaxNew(Task task, String taskName) {
        Problem example = task.sample(new SplittableRandom(0), Split.TRAIN);
        return taskName.equals("countdown") ? 16 : TaskData.encode(example.answer()).length + 2;
    }

    /// Runs the cold start (or loads `from`), then GRPO, printing as it goes; writes the CSV,
    /// the charts and the model where the settings say.
    public static Result run(Settings st, PrintStream out) throws IOException {
        Task task = st.task();
        String taskName = st.taskName();
        long seed = st.seed();
        List<Problem> heldOut = distinctHeldOut(task, st.evalProblems(), 12345);
        Problem example = task.sample(new SplittableRandom(0), Split.TRAIN);
        int longest = 0;
        for (int i = 0; i < 5000; i++) { // the longest problem decides the SFT sequence length
            Problem p = task.sample(new SplittableRandom(i), Split.TRAIN);
            longest = Math.max(longest, TaskData.encode(p.prompt() + p.answer()).length + 1);
        }
        GrpoTrainer.Options go = st.grpo();
        GrpoLoss.Options lo = go.loss();
        int maxNew = go.maxNew(), steps = st.steps();
        double beta = lo.beta();
        boolean quiet = st.quiet();
        // 1. the cold start: a weak model
        Transformer model;
        double sftSeconds = 0;
        int sftSteps = 0;
        if (st.from() != null) {
            model = Checkpoint.load(st.from());
            out.println("model: " + st.from() + ", " + String.format("%,d", model.parameterCount()) + " parameters");
        } else {
            ModelConfig cfg = Architectures.config(st.preset(), st.arch());
            model = new Transformer(cfg, seed);
            ColdStartSettings c = st.coldStart();
            out.printf("model: preset %s, %s, %,d parameters; task: %s (%s)%n", st.preset(), st.arch(),
                    model.parameterCount(), taskName, example.prompt() + example.answer());
            ColdStart.Result cs = ColdStart.run(model, task, seed, c.target(), c.maxSteps(), c.check(), c.lr(), c.batch(), longest - 1, maxNew);
            sftSteps = cs.steps();
            sftSeconds = cs.seconds();
            double trainAcc = cs.trainAccuracy();
            out.printf("cold start: %d supervised steps in %.1f s; greedy accuracy on 200 training problems %.1f%%%n",
                    sftSteps, sftSeconds, 100 * trainAcc);
            if (st.plots() != null) { // the cold start's loss curve: loss.png
                Path png = st.plots().resolve("loss.png");
                Files.createDirectories(png.getParent());
                double[] ys = cs.losses();
                double[] xs = new double[ys.length];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = i + 1;
                }
                Plot.lines(png, "cold start on " + taskName + " (supervised, stopped at " + sftSteps + " steps), seed " + seed,
                        "step", "training loss", List.of(new Plot.Series("cross-entropy of the answer", xs, ys)));
                out.println("wrote " + png);
            }
        }

        // 2. GRPO
        Transformer reference = beta > 0 ? GrpoTrainer.copy(model) : null;
        Reward reward = st.tinyZeroReward() ? Reward.tinyZero(task, AnswerFormat.PLAIN)
                : Reward.of(task, AnswerFormat.PLAIN, 1.0, st.formatWeight());
        GrpoTrainer grpo = new GrpoTrainer(model, reference, task, AnswerFormat.PLAIN, reward, TaskData.END, go)
                .maskTruncated(st.maskTruncated());
        int evalEvery = st.evalEvery();
        double base = Evaluation.exactMatch(model, task, heldOut, maxNew);
        double baseSampled = sampledAccuracy(model, task, heldOut, maxNew, go.temperature(), seed);
        out.printf("start: held-out greedy %.1f%%, sampled (T=%s) %.1f%% (%d problems)%n", 100 * base,
                fmt(go.temperature()), 100 * baseSampled, heldOut.size());
        out.printf("GRPO: %d steps of %d prompts x %d completions, lr %s, beta %s, mu %d, loss %s, scale %s%s%s%n", steps,
                go.prompts(), go.group(), fmt(go.lr()), fmt(beta), go.mu(), lo.normalization().name().toLowerCase(java.util.Locale.ROOT),
                go.scale().name().toLowerCase(java.util.Locale.ROOT),
                go.dynamicSampling() ? ", dynamic sampling" : "", go.shuffleRewards() ? ", REWARDS SHUFFLED (control)" : "");
        if (go.mu() == 1) {
            out.println(lossAtMuOne(lo, st.maskTruncated()));
        }
        List<GrpoTrainer.StepMetrics> hist = new ArrayList<>();
        List<double[]> evals = new ArrayList<>();
        evals.add(new double[] {0, base});
        long t0 = System.nanoTime();
        double evalSeconds = 0;
        boolean live = System.console() != null;
        for (int s = 1; s <= steps; s++) {
            GrpoTrainer.StepMetrics m = grpo.step();
            hist.add(m);
            boolean evalNow = s == steps || (evalEvery > 0 && s % evalEvery == 0);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (!quiet && live) { // a terminal: one line, rewritten in place
                out.print("\r\033[K" + progress(m, steps, elapsed));
                if (evalNow) {
                    out.println();
                }
            } else if (!quiet && (evalNow || s % Math.max(1, steps / 20) == 0)) {
                out.println(progress(m, steps, elapsed));
            }
            if (evalNow) {
                long e0 = System.nanoTime();
                double acc = Evaluation.exactMatch(model, task, heldOut, maxNew);
                evalSeconds += (System.nanoTime() - e0) / 1e9;
                evals.add(new double[] {s, acc});
                out.printf("step %d eval heldout_greedy %.4f%n", s, acc);
            }
        }
        double grpoSeconds = (System.nanoTime() - t0) / 1e9;
        double fin = evals.get(evals.size() - 1)[1];
        double finSampled = sampledAccuracy(model, task, heldOut, maxNew, go.temperature(), seed);
        out.printf("GRPO: %d steps in %.1f s (%.1f s of it held-out evaluation); cold start %.1f s; total %.1f s%n",
                steps, grpoSeconds, evalSeconds, sftSeconds, grpoSeconds + sftSeconds);
        out.printf("held-out greedy accuracy %.1f%% -> %.1f%%; sampled (T=%s) %.1f%% -> %.1f%% (%d problems)%n",
                100 * base, 100 * fin, fmt(go.temperature()), 100 * baseSampled, 100 * finSampled, heldOut.size());

        // 3. outputs
        if (st.csv() != null) {
            writeCsv(st.csv(), hist, evals);
            out.println("wrote " + st.csv());
        }
        if (st.plots() != null && steps > 0) { // no GRPO step (a cold start only): no curve to draw
            Path png = st.plots().resolve("grpo.png");
            Files.createDirectories(png.getParent());
            double[] xs = hist.stream().mapToDouble(GrpoTrainer.StepMetrics::step).toArray();
            double[] rew = hist.stream().mapToDouble(GrpoTrainer.StepMetrics::rewardMean).toArray();
            double[] ex = evals.stream().mapToDouble(e -> e[0]).toArray();
            double[] ey = evals.stream().mapToDouble(e -> e[1]).toArray();
            Plot.lines(png, "GRPO on " + taskName + (go.shuffleRewards() ? " (rewards shuffled)" : "") + ", seed " + seed,
                    "GRPO step", "reward / accuracy",
                    List.of(new Plot.Series("mean reward of the rollouts", xs, rew),
                            new Plot.Series("held-out greedy accuracy", ex, ey)));
            out.println("wrote " + png);
        }
        if (st.out() != null) {
            Checkpoint.save(model, st.out(), Dtype.F32, Map.of("grpo_steps", String.valueOf(steps),
                    "heldout_greedy", String.valueOf(fin)));
            out.println("saved " + st.out());
        }
        return new Result(model, hist, evals, sftSeconds, grpoSeconds);
    }

    public static String progress(GrpoTrainer.StepMetrics m, int steps, double elapsed) {
        int filled = (int) Math.round(20.0 * m.step() / Math.max(1, steps));
        String bar = "[" + "#".repeat(filled) + " ".repeat(20 - filled) + "] ";
        return bar + String.format("step %d/%d | reward %.3f ± %.3f | acc %.3f | zero-std %.2f | len %.2f | kl %.4f | clip lo/hi %.3f/%.3f"
                        + " | entropy %.3f | loss %.4f | grad %.3f | %.2f s/step | %s elapsed",
                m.step(), steps, m.rewardMean(), m.rewardStd(), m.accuracy(), m.fracZeroStd(), m.length(), m.kl(),
                m.clipLow(), m.clipHigh(), m.entropy(), m.loss(), m.gradNorm(), m.seconds(), clock(elapsed));
    }

    /// What the progress lines' `loss` is when each batch of rollouts is used once (μ = 1): the
    /// policy that sampled is the one being scored, so every ratio is exactly 1, nothing is clipped,
    /// and the clipped surrogate is minus the (normalised) mean advantage. Under the `grpo`
    /// normalisation that is 0 at every step, because a group's advantages sum to zero; its
    /// gradient is not 0, and `grad` (the gradient norm before clipping) shows the update.
    public static String lossAtMuOne(GrpoLoss.Options lo, boolean maskTruncated) {
        boolean zero = lo.normalization() == GrpoLoss.Normalization.GRPO && !maskTruncated;
        String kl = lo.beta() > 0 ? " + beta x kl" : "";
        String value = zero ? "-mean advantage" + kl + " = " + (kl.isEmpty() ? "0" : "beta x kl")
                + " at every step (a group's advantages sum to 0)" : "-(token-weighted mean advantage)" + kl;
        return "      (mu 1: every ratio is exactly 1, so loss = " + value
                + "; its gradient is not 0: grad is the gradient norm before clipping)";
    }

    private static String clock(double s) {
        return String.format("%d:%02d", (int) s / 60, (int) s % 60);
    }

    private static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e9 ? String.valueOf((long) x) : String.valueOf(x);
    }

    /// `n` distinct problems of the held-out split (fewer if the split is smaller).
    public static List<Problem> distinctHeldOut(Task task, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Set<Problem> set = new LinkedHashSet<>();
        for (int tries = 0; set.size() < n && tries < 50 * n; tries++) {
            set.add(task.sample(r, Split.TEST));
        }
        return new ArrayList<>(set);
    }

    /// The fraction of held-out problems answered right by one completion sampled at `temperature`.
    public static double sampledAccuracy(Transformer model, Task task, List<Problem> problems, int maxNew, double temperature, long seed) {
        Rng rng = new Rng(seed ^ 0x5EEDL);
        Sampler sampler = new Sampler(temperature, 0, 1);
        int right = 0;
        for (Problem p : problems) {
            int[] gen = Generator.generate(model, TaskData.encode(p.prompt()), maxNew, sampler, rng, TaskData.END);
            int n = gen.length;
            boolean ended = n > 0 && gen[n - 1] == TaskData.END;
            String text = TaskData.decode(java.util.Arrays.copyOf(gen, ended ? n - 1 : n));
            right += ended && task.verify(p, text) ? 1 : 0;
        }
        return problems.isEmpty() ? 0 : (double) right / problems.size();
    }

    public static void writeCsv(Path file, List<GrpoTrainer.StepMetrics> hist, List<double[]> evals) throws IOException {
        StringBuilder sb = new StringBuilder("step,reward_mean,reward_std,accuracy,frac_zero_std,length,truncated,kl,"
                + "clip_low,clip_high,entropy,loss,grad_norm,groups_used,lr,seconds,heldout_greedy\n");
        java.util.Map<Integer, Double> ev = new java.util.HashMap<>();
        for (double[] e : evals) {
            ev.put((int) e[0], e[1]);
        }
        for (GrpoTrainer.StepMetrics m : hist) {
            sb.append(String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.4f,%.4f,%.6g,%.6f,%.6f,%.6f,%.6g,%.6g,%d,%.6g,%.4f,%s%n",
                    m.step(), m.rewardMean(), m.rewardStd(), m.accuracy(), m.fracZeroStd(), m.length(), m.truncated(), m.kl(),
                    m.clipLow(), m.clipHigh(), m.entropy(), m.loss(), m.gradNorm(), m.groupsUsed(), m.lr(), m.seconds(),
                    ev.containsKey(m.step()) ? String.format(java.util.Locale.ROOT, "%.4f", ev.get(m.step())) : ""));
        }
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
