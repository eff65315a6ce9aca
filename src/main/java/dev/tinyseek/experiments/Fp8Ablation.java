package dev.tinyseek.experiments;

import dev.tinyseek.backend.Parallel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/// The measurements of FP8 training (`docs/fp8.md#the-training-recipe`), each a part that can be
/// run alone, with PNG charts in one folder (`tinyseek fp8-ablation`):
///
/// | part | question | DeepSeek-V3 |
/// |---|---|---|
/// | `scaling` | per-tensor scaling vs 1xT tiles on activations with outlier channels: quantisation error | §3.3.2: fine-grained tiles absorb outliers |
/// | `promotion` | no promotion vs promotion every 128 at K = 4096, Hopper tensor-core model | §3.3.2: ~2% max relative error without |
/// | `gradients` | TxT blocks vs 1xT tiles for activation gradients with token outliers | App. B.2: blocks diverged |
/// | `cost` | simulated FP8 time over fp32 time (GEMM, linear layer, training step) | target here: at most 3x |
/// | `train` | loss of FP8 training vs fp32, same seed and data; per-tensor and gradient-block ablations | §3.3, App. B.1: relative loss error < 0.25% |
public final class Fp8Ablation {

    public static final List<String> PARTS = List.of("scaling", "promotion", "gradients", "cost", "train");

    private Fp8Ablation() {
    }

    /// The parts to run, the folder of the charts, the seed; the `train` part's model, steps,
    /// batch, digits, loss window and held-out problems; the `cost` part's seconds per comparison
    /// and whether it times the slow reference and Hopper GEMMs too.
    public record Settings(Set<String> parts, Path out, long seed, String preset, int steps, int batch, int digits, int window,
                           int evalProblems, double seconds, boolean withReference) {

        /// Every part, charts in `runs/fp8-ablation`, seed 1; `tiny`, 600 steps of 32 2-digit
        /// additions, windows of 50, 300 problems; 2 s per cost comparison with the reference rows.
        public static Settings defaults() {
            return new Settings(Set.copyOf(PARTS), Path.of("runs/fp8-ablation"), 1, "tiny", 600, 32, 2, 50, 300, 2, true);
        }

        public Settings withParts(Set<String> parts) {
            return new Settings(parts, out, seed, preset, steps, batch, digits, window, evalProblems, seconds, withReference);
        }

        public Settings withOut(Path out) {
            return new Settings(parts, out, seed, preset, steps, batch, digits, window, evalProblems, seconds, withReference);
        }
    }

    /// What the parts measured: the charts' curves, in the order run, and the cost rows.
    public record Result(List<Fp8Ablations.Chart> charts, List<Fp8Cost.Row> cost) {
    }

    /// Runs the parts of `s` in the table's order, printing each part's table.
    public static Result run(Settings s, PrintStream out) throws IOException {
        Path dir = s.out();
        long seed = s.seed();
        Files.createDirectories(dir);
        List<Fp8Ablations.Chart> charts = new ArrayList<>();
        List<Fp8Cost.Row> cost = List.of();
        if (s.parts().contains("scaling")) {
            out.println("== scaling: per-tensor vs 1x128 tiles, activations with outlier channels ==");
            charts.add(Fp8Ablations.scaling(out, dir, seed));
        }
        if (s.parts().contains("promotion")) {
            out.println("== promotion: Hopper e8m13 accumulation, never promoted vs every 128, K up to 4096 ==");
            charts.add(Fp8Ablations.promotion(out, dir, seed));
        }
        if (s.parts().contains("gradients")) {
            out.println("== gradients: activation gradients with token outliers, 128x128 blocks vs 1x128 tiles ==");
            charts.add(Fp8Ablations.gradients(out, dir, seed));
        }
        if (s.parts().contains("cost")) {
            out.println("== cost: simulated FP8 over fp32, median of alternating rounds, " + Parallel.threads() + " thread(s) ==");
            cost = Fp8Cost.run(out, s.seconds(), s.withReference());
        }
        if (s.parts().contains("train")) {
            out.println("== train: FP8 vs fp32 on the same seed and data ==");
            charts.add(Fp8TrainComparison.run(out, dir, s.preset(), s.steps(), s.batch(), s.digits(), s.window(),
                    s.evalProblems(), seed));
        }
        return new Result(charts, cost);
    }
}
