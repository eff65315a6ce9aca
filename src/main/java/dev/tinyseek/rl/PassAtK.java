package dev.tinyseek.rl;

import dev.tinyseek.train.Evaluation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// How R1 scores a model that samples (R1 paper §3, "Evaluation Setup"):
///
/// - **pass@1** `= (1/k) Σ_i p_i`: the mean correctness of `k` sampled responses to a question
///   (temperature 0.6, top-p 0.95), averaged over questions;
/// - **pass@k** (Codex's unbiased estimator): with `n` samples of which `c` are right,
///   `1 − C(n−c, k) / C(n, k)`, the chance that at least one of `k` drawn without replacement is right;
/// - **cons@k**: majority voting — the most frequent answer among `k` samples is the model's
///   answer, and it is right or wrong.
public final class PassAtK {

    private PassAtK() {
    }

    /// `1 − C(n−c, k) / C(n, k)`, as the product `Π_{i=n−c+1..n} (1 − k/i)` (no factorials).
    public static double passAtK(int n, int c, int k) {
        if (n < 1 || c < 0 || c > n || k < 1 || k > n) {
            throw new IllegalArgumentException("pass@k: n = " + n + ", c = " + c + ", k = " + k
                    + " must satisfy 0 <= c <= n and 1 <= k <= n");
        }
        if (n - c < k) {
            return 1.0;
        }
        double none = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            none *= 1.0 - (double) k / i;
        }
        return 1.0 - none;
    }

    /// The majority answer of `answers` (null entries are no answer and never win); ties go to
    /// the answer that reached the winning count first in sample order. Null when all are null.
    public static String majority(List<String> answers) {
        Map<String, Integer> count = new HashMap<>();
        String best = null;
        int bestCount = 0;
        for (String a : answers) {
            if (a == null) {
                continue;
            }
            int c = count.merge(a, 1, Integer::sum);
            if (c > bestCount) {
                best = a;
                bestCount = c;
            }
        }
        return best;
    }
}
