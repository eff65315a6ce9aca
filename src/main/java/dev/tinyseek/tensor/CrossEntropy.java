package dev.tinyseek.tensor;

import dev.tinyseek.backend.Parallel;

/// Cross-entropy from logits: `loss = mean over counted rows of (logsumexp(z) − z[target])`.
///
/// Rows whose target equals `ignoreIndex` (e.g. the prompt of a question, padding) do not count
/// and get no gradient. The backward is the classic `(softmax(z) − onehot(target)) · scale / count`,
/// where `scale` is the upstream gradient of the loss (1 for a plain training loss).
public final class CrossEntropy {

    /// The target value meaning "no loss at this position" (as PyTorch's default).
    public static final int IGNORE = -100;

    private CrossEntropy() {
    }

    /// Mean loss over counted rows, and how many rows counted (0 gives a loss of 0).
    public record Result(double loss, int count) {
    }

    public static Result forward(float[] logits,  // [N, V]
                                 int[] targets,   // [N], a class in [0, V) or ignoreIndex
                                 int ignoreIndex, int n, int v) {
        Shapes.check("cross-entropy", "logits", logits, n, v);
        Shapes.check("cross-entropy", "targets", targets, n);
        double[] rowLoss = new double[n];
        Parallel.forRange(n, Parallel.grainFor(20L * v), (from, to) -> {
            for (int i = from; i < to; i++) {
                int t = targets[i];
                if (t == ignoreIndex) {
                    continue;
                }
                checkTarget(t, i, v);
                // log Σ exp(z − max) − (z_t − max): the same value as logsumexp(z) − z_t, but
                // without adding ln Σ (≤ ln V) to a huge max, where double would round it away
                float max = rowMax(logits, i * v, v);
                rowLoss[i] = Math.log(sumExp(logits, i * v, v, max)) - ((double) logits[i * v + t] - max);
            }
        });
        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != ignoreIndex) {
                sum += rowLoss[i];
                count++;
            }
        }
        return new Result(count == 0 ? 0 : sum / count, count);
    }

    public static void backward(float[] dlogits,  // [N, V], accumulated
                                float[] logits,   // [N, V]
                                int[] targets,    // [N]
                                int ignoreIndex, int n, int v, float scale) {
        Shapes.check("cross-entropy backward", "dlogits", dlogits, n, v);
        Shapes.check("cross-entropy backward", "logits", logits, n, v);
        Shapes.check("cross-entropy backward", "targets", targets, n);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != ignoreIndex) {
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        float g = scale / count;
        Parallel.forRange(n, Parallel.grainFor(20L * v), (from, to) -> {
            for (int i = from; i < to; i++) {
                int t = targets[i];
                if (t == ignoreIndex) {
                    continue;
                }
                checkTarget(t, i, v);
                int off = i * v;
                float max = rowMax(logits, off, v);
                double s = sumExp(logits, off, v, max);
                for (int j = 0; j < v; j++) {
                    float p = (float) (Math.exp(logits[off + j] - max) / s);
                    dlogits[off + j] += g * (j == t ? p - 1f : p);
                }
            }
        });
    }

    /// [#forward] and [#backward] in one pass over the logits, for a training step: the same loss
    /// and the same gradients to the bit (each row's `exp(z_j − max)` is computed once, kept in a
    /// scratch row, and used for both the sum and the gradient, where the two methods above compute
    /// it three times). [#forward] and [#backward] stay the readable control (`CrossEntropyTest`).
    public static Result forwardBackward(float[] dlogits, // [N, V], accumulated
                                         float[] logits,  // [N, V]
                                         int[] targets,   // [N]
                                         int ignoreIndex, int n, int v, float scale) {
        Shapes.check("cross-entropy", "dlogits", dlogits, n, v);
        Shapes.check("cross-entropy", "logits", logits, n, v);
        Shapes.check("cross-entropy", "targets", targets, n);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != ignoreIndex) {
                checkTarget(targets[i], i, v);
                count++;
            }
        }
        if (count == 0) {
            return new Result(0, 0);
        }
        float g = scale / count;
        double[] rowLoss = new double[n];
        Parallel.forRange(n, Parallel.grainFor(20L * v), (from, to) -> {
            double[] e = new double[v]; // [V] exp(z − max) of the current row
            for (int i = from; i < to; i++) {
                int t = targets[i];
                if (t == ignoreIndex) {
                    continue;
                }
                int off = i * v;
                float max = rowMax(logits, off, v);
                double s = 0;
                for (int j = 0; j < v; j++) {
                    e[j] = Math.exp(logits[off + j] - max);
                    s += e[j];
                }
                rowLoss[i] = Math.log(s) - ((double) logits[off + t] - max);
                for (int j = 0; j < v; j++) {
                    float p = (float) (e[j] / s);
                    dlogits[off + j] += g * (j == t ? p - 1f : p);
                }
            }
        });
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != ignoreIndex) {
                sum += rowLoss[i];
            }
        }
        return new Result(sum / count, count);
    }

    /// `log Σ_j exp(z_j)` of one row, computed stably in double.
    public static double logSumExp(float[] z, int off, int v) {
        float max = rowMax(z, off, v);
        return max + Math.log(sumExp(z, off, v, max));
    }

    private static float rowMax(float[] z, int off, int v) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, z[off + j]);
        }
        return max;
    }

    /// `Σ_j exp(z_j − max)`, in double: between 1 and V.
    private static double sumExp(float[] z, int off, int v, float max) {
        double s = 0;
        for (int j = 0; j < v; j++) {
            s += Math.exp(z[off + j] - max);
        }
        return s;
    }

    private static void checkTarget(int t, int row, int v) {
        if (t < 0 || t >= v) {
            throw new IllegalArgumentException("cross-entropy: target " + t + " at row " + row
                    + " is outside the vocabulary [0, " + v + ") and is not the ignore index");
        }
    }
}
