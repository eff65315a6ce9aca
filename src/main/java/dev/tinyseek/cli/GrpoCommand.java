package dev.tinyseek.cli;

import dev.tinyseek.experiments.Architectures;
import dev.tinyseek.chart.Plot;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.rl.Advantages;
import dev.tinyseek.rl.ColdStart;
import dev.tinyseek.rl.AnswerFormat;
import dev.tinyseek.rl.Evaluation;
import dev.tinyseek.rl.GrpoLoss;
import dev.tinyseek.rl.GrpoTrainer;
import dev.tinyseek.rl.Reward;
import dev.tinyseek.rl.TaskData;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Countdown;
import dev.tinyseek.tasks.Multiplication;
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

/// `tinyseek grpo`: R1's recipe in miniature. A supervised cold start trains a model from scratch
/// just until it is weak (about a fifth of its greedy answers right), then GRPO with a
/// rule-based reward takes it from there, printing the metrics of every step and the held-out
/// greedy accuracy every few steps.
final class GrpoCommand implements Main.Command {

    @Override
    public String summary() {
        return "reinforcement learning with verifiable rewards (GRPO) from a weak SFT model";
    }

    static Args spec() {
        return new Args("grpo", "Cold start (supervised, stopped while the model is still weak), then GRPO with a rule-based\n"
                + "reward: accuracy 1 + format 0.1. Prints per-step metrics, evaluates held-out greedy accuracy,\n"
                + "and writes a CSV of every step and a PNG of reward and accuracy.")
                .option("task", "NAME", "addition", "addition | multiplication | countdown")
                .option("digits", "N", "2", "digits per operand (addition, multiplication)")
                .flag("no-reverse", "write answers most-significant digit first (default: least-significant first)")
                .option("preset", "NAME", "tiny", "model shape: tiny | small")
                .option("arch", "NAME", "dense", "deepseek (MLA + MoE) | mla | dense (standard attention + dense MLP)")
                .option("from", "DIR", null, "start GRPO from this checkpoint instead of a cold start")
                .option("sft-target", "X", "0.2", "cold start: stop once greedy accuracy on training problems reaches this")
                .option("sft-max-steps", "N", "3000", "cold start: at most this many steps")
                .option("sft-check", "N", "10", "cold start: check the accuracy every N steps")
                .option("sft-lr", "X", "3e-3", "cold start: learning rate (constant after 100 warmup steps)")
                .option("sft-batch", "N", "64", "cold start: sequences per step")
                .option("steps", "N", "1000", "GRPO steps")
                .option("prompts", "N", "16", "prompts per step")
                .option("group", "N", "8", "completions per prompt (G)")
                .option("temperature", "X", "0.5", "sampling temperature (log-probs are scored at the same one)")
                .option("max-new", "N", "auto", "tokens per completion (auto: the answer's length + 2)")
                .option("lr", "X", "3e-4", "GRPO peak learning rate (AdamW; cosine decay to a tenth unless --constant-lr)")
                .option("warmup", "N", "0", "GRPO warmup steps")
                .flag("constant-lr", "keep the learning rate constant (default: cosine decay to a tenth over --steps)")
                .option("weight-decay", "X", "0", "GRPO AdamW weight decay")
                .option("clip", "X", "1.0", "global gradient-norm clip (0 = off)")
                .option("mu", "N", "1", "passes over each batch of rollouts (1: the ratio is exactly 1)")
                .option("minibatches", "N", "1", "optimizer steps per pass (the rollouts split by prompt)")
                .option("beta", "X", "0", "weight of the k3 KL to the cold-start model (0: no reference model is run)")
                .option("eps-low", "X", "0.2", "clip: ratio floor 1 - eps-low")
                .option("eps-high", "X", "0.2", "clip: ratio ceiling 1 + eps-high (0.28: DAPO's clip-higher)")
                .option("loss", "NAME", "grpo", "normalisation: grpo | dr_grpo | dapo | bnpo")
                .option("scale", "NAME", "group", "advantage scale: group (std) | batch | none (Dr. GRPO)")
                .option("format-weight", "X", "0.1", "--reward sum: weight of the well-formed-answer reward (accuracy counts 1)")
                .option("reward", "NAME", "tinyzero", "sum: accuracy + format-weight x format (a right answer 1.1) | "
                        + "tinyzero: 1 right, 0.1 well-formed but wrong, 0 otherwise (docs/grpo-r1.md#rewards)")
                .flag("dynamic-sampling", "drop groups whose rewards are all equal, refilled from up to 3 rounds")
                .flag("mask-truncated", "completions cut at the length limit leave the loss (DAPO's overlong filtering)")
                .flag("shuffle-rewards", "control: permute the rewards inside each group (they carry no information)")
                .option("eval-every", "N", "50", "held-out greedy accuracy every N steps (0 = start and end only)")
                .option("eval-problems", "N", "500", "distinct held-out problems (never trained on)")
                .option("seed", "N", "1", "seed of weights, data and sampling")
                .option("threads", "N", String.valueOf(Runtime.getRuntime().availableProcessors()), "worker threads")
                .option("csv", "FILE", null, "write every step's metrics there")
                .option("plots", "DIR", null, "write loss.png (the cold start's loss) and grpo.png (reward and held-out accuracy by step; with --steps above 0) there")
                .option("out", "DIR", null, "save the final model there")
                .flag("quiet", "no per-step lines");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        String taskName = a.choice("task", "addition", "multiplication", "countdown");
        int digits = a.integer("digits", 1, 9);
        boolean reversed = !a.isSet("no-reverse");
        Task task = switch (taskName) {
            case "addition" -> new Addition(digits, reversed, true);
            case "multiplication" -> new Multiplication(digits, reversed, true);
            default -> Countdown.small();
        };
        long seed = a.longValue("seed");
        Parallel.setThreads(a.integer("threads", 1, 1024));
        int evalProblems = a.integer("eval-problems", 1, 100_000);
        List<Problem> heldOut = distinctHeldOut(task, evalProblems, 12345);
        Problem example = task.sample(new SplittableRandom(0), Split.TRAIN);
        int longest = 0;
        for (int i = 0; i < 5000; i++) { // the longest problem decides the SFT sequence length
            Problem p = task.sample(new SplittableRandom(i), Split.TRAIN);
            longest = Math.max(longest, TaskData.encode(p.prompt() + p.answer()).length + 1);
        }
        int maxNew = a.string("max-new").equals("auto") ? TaskData.encode(example.answer()).length + 2
                : a.integer("max-new", 1, 1000);
        if (taskName.equals("countdown") && a.string("max-new").equals("auto")) {
            maxNew = 16;
        }
        boolean quiet = a.isSet("quiet");

        // the GRPO settings, checked before any training
        int steps = a.integer("steps", 0, 10_000_000);
        double beta = a.number("beta", 0, 1e3);
        GrpoLoss.Options lo = new GrpoLoss.Options(a.number("eps-low", 0, 0.999), a.number("eps-high", 0, 100), beta,
                GrpoLoss.Normalization.parse(a.choice("loss", "grpo", "dr_grpo", "dapo", "bnpo")), maxNew);
        boolean tinyZeroReward = a.choice("reward", "sum", "tinyzero").equals("tinyzero");
        double formatWeight = a.number("format-weight", 0, 100);
        int prompts = a.integer("prompts", 1, 100_000), minibatches = a.integer("minibatches", 1, 100_000);
        if (minibatches > prompts) {
            throw new Args.UsageException("--minibatches " + minibatches + " is more than --prompts " + prompts
                    + "; a minibatch holds whole groups, so use at most " + prompts);
        }
        GrpoTrainer.Options go = new GrpoTrainer.Options(prompts, a.integer("group", 2, 10_000),
                a.number("temperature", 1e-3, 100), maxNew, a.number("lr", 1e-9, 1), a.integer("warmup", 0, 10_000_000),
                a.isSet("constant-lr") ? 0 : Math.max(1, steps),
                a.number("weight-decay", 0, 10), a.number("clip", 0, 1e6), a.integer("mu", 1, 1000),
                minibatches, Advantages.Scale.parse(a.choice("scale", "group", "batch", "none")), lo,
                a.isSet("dynamic-sampling"), 3, a.isSet("shuffle-rewards"), seed * 7919 + 17);
        // 1. the cold start: a weak model
        Transformer model;
        double sftSeconds = 0;
        int sftSteps = 0;
        if (a.has("from")) {
            model = Checkpoint.load(Path.of(a.string("from")));
            out.println("model: " + a.string("from") + ", " + String.format("%,d", model.parameterCount()) + " parameters");
        } else {
            ModelConfig cfg = Architectures.config(a.choice("preset", "tiny", "small"), a.choice("arch", Architectures.NAMES));
            model = new Transformer(cfg, seed);
            double target = a.number("sft-target", 0, 1);
            int maxSteps = a.integer("sft-max-steps", 1, 10_000_000), check = a.integer("sft-check", 1, 1_000_000);
            double sftLr = a.number("sft-lr", 1e-7, 1);
            int batch = a.integer("sft-batch", 1, 65536);
            out.printf("model: preset %s, %s, %,d parameters; task: %s (%s)%n", a.string("preset"), a.string("arch"),
                    model.parameterCount(), taskName, example.prompt() + example.answer());
            ColdStart.Result cs = ColdStart.run(model, task, seed, target, maxSteps, check, sftLr, batch, longest - 1, maxNew);
            sftSteps = cs.steps();
            sftSeconds = cs.seconds();
            double trainAcc = cs.trainAccuracy();
            out.printf("cold start: %d supervised steps in %.1f s; greedy accuracy on 200 training problems %.1f%%%n",
                    sftSteps, sftSeconds, 100 * trainAcc);
            if (a.has("plots")) { // the cold start's loss curve: loss.png
                Path png = Path.of(a.string("plots")).resolve("loss.png");
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
        Reward reward = tinyZeroReward ? Reward.tinyZero(task, AnswerFormat.PLAIN)
                : Reward.of(task, AnswerFormat.PLAIN, 1.0, formatWeight);
        GrpoTrainer grpo = new GrpoTrainer(model, reference, task, AnswerFormat.PLAIN, reward, TaskData.END, go)
                .maskTruncated(a.isSet("mask-truncated"));
        int evalEvery = a.integer("eval-every", 0, 10_000_000);
        double base = Evaluation.exactMatch(model, task, heldOut, maxNew);
        double baseSampled = sampledAccuracy(model, task, heldOut, maxNew, go.temperature(), seed);
        out.printf("start: held-out greedy %.1f%%, sampled (T=%s) %.1f%% (%d problems)%n", 100 * base,
                fmt(go.temperature()), 100 * baseSampled, heldOut.size());
        out.printf("GRPO: %d steps of %d prompts x %d completions, lr %s, beta %s, mu %d, loss %s, scale %s%s%s%n", steps,
                go.prompts(), go.group(), fmt(go.lr()), fmt(beta), go.mu(), a.string("loss"), a.string("scale"),
                go.dynamicSampling() ? ", dynamic sampling" : "", go.shuffleRewards() ? ", REWARDS SHUFFLED (control)" : "");
        if (go.mu() == 1) {
            out.println(lossAtMuOne(lo, a.isSet("mask-truncated")));
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
        if (a.has("csv")) {
            writeCsv(Path.of(a.string("csv")), hist, evals);
            out.println("wrote " + a.string("csv"));
        }
        if (a.has("plots") && steps > 0) { // no GRPO step (a cold start only): no curve to draw
            Path png = Path.of(a.string("plots")).resolve("grpo.png");
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
        if (a.has("out")) {
            Checkpoint.save(model, Path.of(a.string("out")), Dtype.F32, Map.of("grpo_steps", String.valueOf(steps),
                    "heldout_greedy", String.valueOf(fin)));
            out.println("saved " + a.string("out"));
        }
        return 0;
    }

    static String progress(GrpoTrainer.StepMetrics m, int steps, double elapsed) {
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
    static String lossAtMuOne(GrpoLoss.Options lo, boolean maskTruncated) {
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
    static List<Problem> distinctHeldOut(Task task, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Set<Problem> set = new LinkedHashSet<>();
        for (int tries = 0; set.size() < n && tries < 50 * n; tries++) {
            set.add(task.sample(r, Split.TEST));
        }
        return new ArrayList<>(set);
    }

    /// The fraction of held-out problems answered right by one completion sampled at `temperature`.
    static double sampledAccuracy(Transformer model, Task task, List<Problem> problems, int maxNew, double temperature, long seed) {
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

    static void writeCsv(Path file, List<GrpoTrainer.StepMetrics> hist, List<double[]> evals) throws IOException {
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
