package dev.tinyseek.rl;

/// GRPO's group-relative advantages (DeepSeekMath §4.1.2, outcome supervision): every
/// completion of a prompt is compared with the other completions of the same prompt, and every
/// token of completion `i` gets the same advantage
///
///     A_i = (r_i − mean_g) / (std_g + ε)        Scale.GROUP   (GRPO, TRL's default)
///     A_i =  r_i − mean_g                       Scale.NONE    (Dr. GRPO: no difficulty bias)
///     A_i = (r_i − mean_g) / (std_batch + ε)    Scale.BATCH   (the whole batch's std)
///
/// Conventions (`docs/grpo-r1.md#advantages`, the same as TRL's):
/// - `std` is the **sample** standard deviation (divide by `n − 1`), `ε = 1e-4`; for `G = 2`
///   and rewards {0, 1} the advantages are ±0.70701;
/// - the mean includes the completion itself (not leave-one-out);
/// - a group whose rewards are all equal gets advantages of **exactly 0**, found by comparing
///   the rewards, not by `std == 0` (rewards like 0.1 leave float residue in a std);
/// - groups are `groupSize` consecutive entries; no statistic ever crosses a group except the
///   batch std of `Scale.BATCH`.
///
/// Process supervision (DeepSeekMath §4.1.3, `docs/grpo-r1.md#process-supervision`) is [#process]: one reward per reasoning
/// step, normalised with the mean and std of **all** step rewards of the group pooled (same std
/// convention, same ε, all-equal → exactly 0), and token `t` of completion `i` gets the sum of
/// the normalised rewards of its steps that end at or after `t`. The trainer's tasks have one
/// outcome, so it uses [#compute]; [GrpoLoss#computeTokens] takes these per-token advantages.
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

    /// Process-supervision advantages `[B·L]` (`docs/grpo-r1.md#process-supervision`). Completion `i` has steps ending at the
    /// 0-based token indices `stepEnds[i]` (increasing, each in `[0, l)`) with rewards
    /// `stepRewards[i]`; completions come in groups of `groupSize` consecutive entries.
    ///
    ///     r̃_i,j = (r_i,j − mean(R_g)) / (std(R_g) + ε)     R_g: every step reward of the group
    ///     A_i,t = Σ_{j : end_i,j ≥ t} r̃_i,j                  0 after the last step's end
    ///
    /// `Scale.NONE` drops the division (mean only); `Scale.BATCH` divides by the std of every step
    /// reward of the batch (the mean stays the group's).
    public static double[] process(double[][] stepRewards, int[][] stepEnds, int groupSize, int l, Scale scale) {
        int b = stepRewards.length;
        if (stepEnds.length != b || groupSize <= 0 || b % groupSize != 0 || l <= 0) {
            throw new IllegalArgumentException("process advantages: " + b + " completions with " + stepEnds.length
                    + " step lists, groups of " + groupSize + ", L = " + l + "; give both lists for every completion, B a multiple of G");
        }
        int all = 0;
        for (int i = 0; i < b; i++) {
            if (stepRewards[i].length != stepEnds[i].length) {
                throw new IllegalArgumentException("process advantages: completion " + i + " has " + stepRewards[i].length
                        + " step rewards and " + stepEnds[i].length + " step ends");
            }
            for (int j = 0; j < stepEnds[i].length; j++) {
                int e = stepEnds[i][j];
                if (e < 0 || e >= l || (j > 0 && e <= stepEnds[i][j - 1]) || !Double.isFinite(stepRewards[i][j])) {
                    throw new IllegalArgumentException("process advantages: step " + j + " of completion " + i + " ends at " + e
                            + " with reward " + stepRewards[i][j] + "; ends must increase within [0, " + l + "), rewards be finite");
                }
            }
            all += stepRewards[i].length;
        }
        double batchStd = 0;
        if (scale == Scale.BATCH) {
            batchStd = sampleStd(pool(stepRewards, 0, b, all), 0, all);
        }
        double[] a = new double[b * l];
        for (int g0 = 0; g0 < b; g0 += groupSize) {
            int n = 0;
            for (int i = g0; i < g0 + groupSize; i++) {
                n += stepRewards[i].length;
            }
            double[] r = pool(stepRewards, g0, g0 + groupSize, n);
            if (n == 0 || allEqual(r, 0, n)) {
                continue; // no signal: exactly 0
            }
            double mean = 0;
            for (double x : r) {
                mean += x;
            }
            mean /= n;
            double div = switch (scale) {
                case GROUP -> sampleStd(r, 0, n) + EPS;
                case BATCH -> batchStd + EPS;
                case NONE -> 1;
            };
            for (int i = g0; i < g0 + groupSize; i++) {
                double suffix = 0; // Σ of the normalised rewards of the steps ending at or after t
                int j = stepEnds[i].length - 1;
                for (int t = l - 1; t >= 0; t--) {
                    while (j >= 0 && stepEnds[i][j] >= t) {
                        suffix += (stepRewards[i][j] - mean) / div;
                        j--;
                    }
                    a[i * l + t] = suffix;
                }
            }
        }
        return a;
    }

    private static double[] pool(double[][] r, int from, int to, int n) {
        double[] out = new double[n];
        int k = 0;
        for (int i = from; i < to; i++) {
            for (double x : r[i]) {
                out[k++] = x;
            }
        }
        return out;
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
