package dev.tinyseek.rl;

/// GRPO's group-relative advantages (DeepSeekMath §4.1.2, outcome supervision): every
/// completion of a prompt is compared with the other completions of the same prompt, and every
/// token of completion `i` gets the same advantage
///
///     A_i = (r_i − mean_g) / (std_g + ε)        Scale.GROUP   (GRPO, TRL's default)
///     A_i =  r_i − mean_g                       Scale.NONE    (Dr. GRPO: no difficulty bias)
///     A_i = (r_i − mean_g) / (std_batch + ε)    Scale.BATCH   (the whole batch's std)
///
/// Conventions (spec `grpo.md` §1.3, the same as TRL and `exercises.GrpoReference`):
/// - `std` is the **sample** standard deviation (divide by `n − 1`), `ε = 1e-4`; for `G = 2`
///   and rewards {0, 1} the advantages are ±0.70701;
/// - the mean includes the completion itself (not leave-one-out);
/// - a group whose rewards are all equal gets advantages of **exactly 0**, found by comparing
///   the rewards, not by `std == 0` (rewards like 0.1 leave float residue in a std; spec §5.2);
/// - groups are `groupSize` consecutive entries; no statistic ever crosses a group except the
///   batch std of `Scale.BATCH`.
///
/// Left out: process supervision (per-step rewards, §1.4) — a task here has one outcome.
public final class Advantages {

    /// ε added to the standard deviation.
    public static final double EPS = 1e-4;

    /// How advantages are scaled after the group mean is subtracted.
    public enum Scale {
        GROUP, BATCH, NONE;

        /// The scale named on the command line: `group`, `batch` or `none`.
        public static Scale parse(String s) {
            return switch (s) {
                case "group" -> GROUP;
                case "batch" -> BATCH;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("advantage scale '" + s + "' is not valid; expected group, batch or none");
            };
        }
    }

    private Advantages() {
    }

    /// Advantages of `rewards` `[B·G]` in groups of `groupSize` consecutive entries.
    public static double[] compute(double[] rewards, // [B·G]
                                   int groupSize, Scale scale) {
        if (groupSize <= 0 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException("advantages: " + rewards.length + " rewards do not split into groups of "
                    + groupSize + "; give G completions for each prompt");
        }
        for (int i = 0; i < rewards.length; i++) {
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException("advantages: reward " + i + " is " + rewards[i] + "; rewards must be finite");
            }
        }
        double batchStd = scale == Scale.BATCH ? sampleStd(rewards, 0, rewards.length) : 0;
        double[] a = new double[rewards.length];
        for (int g0 = 0; g0 < rewards.length; g0 += groupSize) {
            if (allEqual(rewards, g0, groupSize)) {
                continue; // no signal: exactly 0
            }
            double mean = 0;
            for (int i = g0; i < g0 + groupSize; i++) {
                mean += rewards[i];
            }
            mean /= groupSize;
            double div = switch (scale) {
                case GROUP -> sampleStd(rewards, g0, groupSize) + EPS;
                case BATCH -> batchStd + EPS;
                case NONE -> 1;
            };
            for (int i = g0; i < g0 + groupSize; i++) {
                a[i] = (rewards[i] - mean) / div;
            }
        }
        return a;
    }

    /// Whether the `n` rewards from `from` are all equal (a group with no learning signal).
    public static boolean allEqual(double[] rewards, int from, int n) {
        for (int i = from + 1; i < from + n; i++) {
            if (rewards[i] != rewards[from]) {
                return false;
            }
        }
        return true;
    }

    /// The sample standard deviation (divide by `n − 1`; 0 for `n = 1`) of `n` values from `from`.
    public static double sampleStd(double[] x, int from, int n) {
        if (n < 2) {
            return 0;
        }
        double mean = 0;
        for (int i = from; i < from + n; i++) {
            mean += x[i];
        }
        mean /= n;
        double ss = 0;
        for (int i = from; i < from + n; i++) {
            ss += (x[i] - mean) * (x[i] - mean);
        }
        return Math.sqrt(ss / (n - 1));
    }
}
