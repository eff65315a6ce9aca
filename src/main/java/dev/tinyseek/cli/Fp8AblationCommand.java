package dev.tinyseek.cli;

import dev.tinyseek.experiments.Fp8Ablation;
import dev.tinyseek.backend.Parallel;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/// `tinyseek fp8-ablation`: the measurements of FP8 training ([Fp8Ablation]), each a part that
/// can be run alone, with PNG charts in `--out`.
final class Fp8AblationCommand implements Main.Command {

    @Override
    public String summary() {
        return "FP8 training measurements: scaling, promotion, gradient tiles, cost, loss vs fp32 (PNG charts)";
    }

    static Args spec() {
        return new Args("fp8-ablation", "Measures the FP8 recipe of DeepSeek-V3 on this machine: quantisation error of per-tensor vs\n"
                + "tile scaling, the Hopper accumulator with and without promotion, 1xT vs TxT gradient tiles, the cost of\n"
                + "simulated FP8 against fp32, and FP8 training against fp32 on the same seed and data.")
                .option("parts", "LIST", String.join(",", Fp8Ablation.PARTS), "comma-separated parts: " + String.join(", ", Fp8Ablation.PARTS))
                .option("out", "DIR", "runs/fp8-ablation", "folder for the PNG charts")
                .option("preset", "NAME", "tiny", "train part: model shape tiny | small")
                .option("steps", "N", "600", "train part: optimizer steps per run")
                .option("batch", "N", "32", "train part: sequences per step")
                .option("digits", "N", "2", "train part: digits per operand of the addition task")
                .option("window", "N", "50", "train part: steps per window of the loss comparison")
                .option("eval-problems", "N", "300", "train part: held-out problems for the exact-match column")
                .option("seed", "N", "1", "seed of weights and data (the same for every run)")
                .option("seconds", "X", "2", "cost part: seconds per comparison")
                .flag("no-reference", "cost part: skip the slow reference and Hopper GEMM rows")
                .option("threads", "N", String.valueOf(Runtime.getRuntime().availableProcessors()), "worker threads");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        Set<String> parts = new LinkedHashSet<>();
        for (String p : a.string("parts").split(",")) {
            String name = p.trim();
            if (!Fp8Ablation.PARTS.contains(name)) {
                throw new Args.UsageException("--parts: '" + name + "' is not a part; choose from " + String.join(", ", Fp8Ablation.PARTS));
            }
            parts.add(name);
        }
        Parallel.setThreads(a.integer("threads", 1, 1024));
        Fp8Ablation.run(new Fp8Ablation.Settings(parts, Path.of(a.string("out")), a.longValue("seed"),
                a.choice("preset", "tiny", "small"), a.integer("steps", 10, 1_000_000), a.integer("batch", 1, 65536),
                a.integer("digits", 1, 9), a.integer("window", 1, 1_000_000), a.integer("eval-problems", 1, 1_000_000),
                a.number("seconds", 0.05, 600), !a.isSet("no-reference")), out);
        return 0;
    }
}
