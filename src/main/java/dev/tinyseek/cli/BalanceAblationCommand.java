package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.experiments.BalanceAblation;

import java.io.PrintStream;
import java.nio.file.Path;

/// `tinyseek balance-ablation`: [BalanceAblation] — the same DeepSeek-V3-style model, seed and
/// data trained without load balancing, with an auxiliary balance loss only, and with
/// auxiliary-loss-free bias updates only.
final class BalanceAblationCommand implements Main.Command {

    @Override
    public String summary() {
        return "MoE load balancing: none vs auxiliary loss vs auxiliary-loss-free bias, same seed and data";
    }

    static Args spec() {
        return new Args("balance-ablation", "Trains the DeepSeek-V3-style model three times on the same seed and data: without\n"
                + "balancing, with the sequence-wise balance loss only (--aux-alpha), and with the bias updates only\n"
                + "(--bias-gamma). Prints final loss, max load violation and held-out exact match for each.")
                .option("preset", "NAME", "tiny", "model shape: tiny | small")
                .option("digits", "N", "2", "digits per operand of the addition task")
                .option("steps", "N", "1500", "optimizer steps per run")
                .option("batch", "N", "64", "sequences per step")
                .option("lr", "X", "3e-3", "peak learning rate")
                .option("seed", "N", "1", "seed of weights and data (the same for the three runs)")
                .option("aux-alpha", "X", "0.01", "weight of the balance loss in the auxiliary-loss run")
                .option("bias-gamma", "X", "0.001", "bias update speed in the auxiliary-loss-free run")
                .option("eval-problems", "N", "300", "held-out problems for the accuracy column")
                .option("threads", "N", String.valueOf(Runtime.getRuntime().availableProcessors()), "worker threads")
                .option("plots", "DIR", null, "write balance.png (max violation by step, the three runs)");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        BalanceAblation.Settings s = new BalanceAblation.Settings(a.choice("preset", "tiny", "small"), a.integer("digits", 1, 9),
                a.integer("steps", 1, 10_000_000), a.integer("batch", 1, 65536), a.number("lr", 1e-7, 1), a.longValue("seed"),
                a.number("aux-alpha", 0, 10), a.number("bias-gamma", 0, 1), a.integer("eval-problems", 1, 1_000_000),
                a.has("plots") ? Path.of(a.string("plots")) : null);
        Parallel.setThreads(a.integer("threads", 1, 1024));
        BalanceAblation.run(s, out);
        return 0;
    }
}
