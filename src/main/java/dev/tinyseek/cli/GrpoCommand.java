package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.model.Architectures;
import dev.tinyseek.rl.Advantages;
import dev.tinyseek.rl.GrpoLoss;
import dev.tinyseek.rl.GrpoRecipe;
import dev.tinyseek.rl.GrpoTrainer;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Countdown;
import dev.tinyseek.tasks.Multiplication;
import dev.tinyseek.tasks.Task;

import java.io.PrintStream;
import java.nio.file.Path;

/// `tinyseek grpo`: R1's recipe in miniature ([GrpoRecipe]): a supervised cold start that stops
/// while the model is weak, then GRPO with a rule-based reward.
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
        Args a = spec().parseOrHelp(argv, out);
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
        int maxNew = a.string("max-new").equals("auto") ? GrpoRecipe.autoMaxNew(task, taskName) : a.integer("max-new", 1, 1000);
        int steps = a.integer("steps", 0, 10_000_000);
        GrpoRecipe.Settings s = new GrpoRecipe.Settings(task, taskName, a.choice("preset", "tiny", "small"),
                a.choice("arch", Architectures.NAMES), a.has("from") ? Path.of(a.string("from")) : null,
                new GrpoRecipe.ColdStartSettings(a.number("sft-target", 0, 1), a.integer("sft-max-steps", 1, 10_000_000),
                        a.integer("sft-check", 1, 1_000_000), a.number("sft-lr", 1e-7, 1), a.integer("sft-batch", 1, 65536)),
                steps, options(a, maxNew, steps, seed), a.choice("reward", "sum", "tinyzero").equals("tinyzero"),
                a.number("format-weight", 0, 100), a.isSet("mask-truncated"), a.integer("eval-every", 0, 10_000_000),
                evalProblems, seed, path(a, "csv"), path(a, "plots"), path(a, "out"), a.isSet("quiet"));
        GrpoRecipe.run(s, out);
        return 0;
    }

    /// The trainer's options from the command line, checked before any training.
    private static GrpoTrainer.Options options(Args a, int maxNew, int steps, long seed) {
        GrpoLoss.Options lo = new GrpoLoss.Options(a.number("eps-low", 0, 0.999), a.number("eps-high", 0, 100),
                a.number("beta", 0, 1e3), GrpoLoss.Normalization.parse(a.choice("loss", "grpo", "dr_grpo", "dapo", "bnpo")), maxNew);
        int prompts = a.integer("prompts", 1, 100_000), minibatches = a.integer("minibatches", 1, 100_000);
        if (minibatches > prompts) {
            throw new Args.UsageException("--minibatches " + minibatches + " is more than --prompts " + prompts
                    + "; a minibatch holds whole groups, so use at most " + prompts);
        }
        return new GrpoTrainer.Options(prompts, a.integer("group", 2, 10_000),
                a.number("temperature", 1e-3, 100), maxNew, a.number("lr", 1e-9, 1), a.integer("warmup", 0, 10_000_000),
                a.isSet("constant-lr") ? 0 : Math.max(1, steps),
                a.number("weight-decay", 0, 10), a.number("clip", 0, 1e6), a.integer("mu", 1, 1000),
                minibatches, Advantages.Scale.parse(a.choice("scale", "group", "batch", "none")), lo,
                a.isSet("dynamic-sampling"), 3, a.isSet("shuffle-rewards"), seed * 7919 + 17);
    }

    static Path path(Args a, String option) {
        return a.has(option) ? Path.of(a.string(option)) : null;
    }
}
