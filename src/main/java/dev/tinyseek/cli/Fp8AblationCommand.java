package dev.tinyseek.cli;

import dev.tinyseek.experiments.Fp8Ablations;
import dev.tinyseek.experiments.Fp8Cost;
import dev.tinyseek.experiments.Fp8TrainComparison;
import dev.tinyseek.backend.Parallel;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/// `tinyseek fp8-ablation`: the measurements of FP8 training (`docs/fp8.md#the-training-recipe`), each a part that can be
/// run alone, with PNG charts in `--out`:
///
/// | part | question | DeepSeek-V3 |
/// |---|---|---|
/// | `scaling` | per-tensor scaling vs 1xT tiles on activations with outlier channels: quantisation error | §3.3.2: fine-grained tiles absorb outliers |
/// | `promotion` | no promotion vs promotion every 128 at K = 4096, Hopper tensor-core model | §3.3.2: ~2% max relative error without |
/// | `gradients` | TxT blocks vs 1xT tiles for activation gradients with token outliers | App. B.2: blocks diverged |
/// | `cost` | simulated FP8 time over fp32 time (GEMM, linear layer, training step) | target here: at most 3x |
/// | `train` | loss of FP8 training vs fp32, same seed and data; per-tensor and gradient-block ablations | §3.3, App. B.1: relative loss error < 0.25% |
final class Fp8AblationCommand implements Main.Command {

    static final List<String> PARTS = List.of("scaling", "promotion", "gradients", "cost", "train");

    @Override
    public String summary() {
        return "FP8 training measurements: scaling, promotion, gradient tiles, cost, loss vs fp32 (PNG charts)";
    }

    static Args spec() {
        return new Args("fp8-ablation", "Measures the FP8 recipe of DeepSeek-V3 on this machine: quantisation error of per-tensor vs\n"
                + "tile scaling, the Hopper accumulator with and without promotion, 1xT vs TxT gradient tiles, the cost of\n"
                + "simulated FP8 against fp32, and FP8 training against fp32 on the same seed and data.")
                .option("parts", "LIST", String.join(",", PARTS), "comma-separated parts: " + String.join(", ", PARTS))
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
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        Set<String> parts = new LinkedHashSet<>();
        for (String p : a.string("parts").split(",")) {
            String name = p.trim();
            if (!PARTS.contains(name)) {
                throw new Args.UsageException("--parts: '" + name + "' is not a part; choose from " + String.join(", ", PARTS));
            }
            parts.add(name);
        }
        Path dir = Path.of(a.string("out"));
        Parallel.setThreads(a.integer("threads", 1, 1024));
        long seed = a.longValue("seed");
        Files.createDirectories(dir);
        if (parts.contains("scaling")) {
            out.println("== scaling: per-tensor vs 1x128 tiles, activations with outlier channels ==");
            Fp8Ablations.scaling(out, dir, seed);
        }
        if (parts.contains("promotion")) {
            out.println("== promotion: Hopper e8m13 accumulation, never promoted vs every 128, K up to 4096 ==");
            Fp8Ablations.promotion(out, dir, seed);
        }
        if (parts.contains("gradients")) {
            out.println("== gradients: activation gradients with token outliers, 128x128 blocks vs 1x128 tiles ==");
            Fp8Ablations.gradients(out, dir, seed);
        }
        if (parts.contains("cost")) {
            out.println("== cost: simulated FP8 over fp32, median of alternating rounds, " + Parallel.threads() + " thread(s) ==");
            Fp8Cost.run(out, a.number("seconds", 0.05, 600), !a.isSet("no-reference"));
        }
        if (parts.contains("train")) {
            out.println("== train: FP8 vs fp32 on the same seed and data ==");
            Fp8TrainComparison.run(out, dir, a.choice("preset", "tiny", "small"), a.integer("steps", 10, 1_000_000),
                    a.integer("batch", 1, 65536), a.integer("digits", 1, 9), a.integer("window", 1, 1_000_000),
                    a.integer("eval-problems", 1, 1_000_000), seed);
        }
        return 0;
    }
}
