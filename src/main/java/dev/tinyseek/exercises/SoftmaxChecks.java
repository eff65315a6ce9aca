package dev.tinyseek.exercises;

import dev.tinyseek.tensor.Softmax;

import java.util.List;

/// How `softmax` is graded: against tinyseek's [Softmax], on rows with huge logits and masked
/// entries, and the backward against finite differences.
final class SoftmaxChecks {

    private SoftmaxChecks() {
    }

    record Row(float[] x) {
    }

    record RowGrad(float[] x, float[] dy) {
    }

    private static final String FORWARD = "y_i = exp(x_i − max x) / Σ_j exp(x_j − max x) (tensor/Softmax.java)";
    private static final String BACKWARD = "dx_i = y_i (dy_i − Σ_j y_j dy_j): the Jacobian of softmax is diag(y) − y yᵀ (tensor/Softmax.java)";

    static Exercise<SoftmaxExercise> exercise() {
        return new Exercise<>("softmax", "softmax of a row and its backward", SoftmaxExercise.class, "MySoftmax",
                "tensor/Softmax.java", List.of(
                new Check<>("forward equals tinyseek's Softmax on N(0, 1) logits",
                        "compute " + FORWARD,
                        s -> Cases.sweep("softmax-match", g -> new Row(g.normals(g.dim(1, 40), 1)),
                                c -> Mismatch.close("y", ours(c.x()), s.forward(c.x().clone()), 1e-5, 1e-7))),
                new Check<>("each row sums to one, every entry in [0, 1]",
                        "divide every exp by the sum of all of them: " + FORWARD,
                        s -> Cases.sweep("softmax-sum", g -> new Row(g.normals(g.dim(1, 40), 3)), c -> {
                            float[] y = s.forward(c.x().clone());
                            Mismatch.check(y != null && y.length == c.x().length, "y: expected " + c.x().length + " values");
                            double sum = 0;
                            for (int i = 0; i < y.length; i++) {
                                Mismatch.check(y[i] >= 0 && y[i] <= 1, "y[" + i + "] = " + y[i] + " is outside [0, 1]");
                                sum += y[i];
                            }
                            Mismatch.check(Math.abs(sum - 1) <= 1e-5 * Math.max(1, y.length / 10.0), "Σ y = " + sum + ", expected 1");
                        })),
                new Check<>("large logits (|x| up to 1000) do not overflow",
                        "exp overflows float above x ≈ 88.7 and gives Inf/Inf = NaN; subtract the row max first: " + FORWARD,
                        s -> Cases.sweep("softmax-large", g -> new Row(g.uniforms(g.dim(2, 40), -1000, 1000)),
                                c -> Mismatch.close("y", ours(c.x()), s.forward(c.x().clone()), 1e-5, 1e-7))),
                new Check<>("masked entries (−∞) get exactly 0",
                        "exp(−∞ − max x) = 0 exactly; take the max over the finite entries: " + FORWARD,
                        s -> Cases.sweep("softmax-masked", g -> {
                            float[] x = g.normals(g.dim(2, 40), 2);
                            for (int i = 1; i < x.length; i++) {
                                if (g.coin()) {
                                    x[i] = Float.NEGATIVE_INFINITY;
                                }
                            }
                            return new Row(x);
                        }, c -> Mismatch.close("y", ours(c.x()), s.forward(c.x().clone()), 1e-5, 0))),
                new Check<>("backward equals finite differences (gradient check)",
                        BACKWARD,
                        s -> Cases.sweep("softmax-grad", g -> {
                            int v = g.dim(1, 24);
                            return new RowGrad(g.normals(v, 2), g.normals(v, 1));
                        }, c -> {
                            double[] dyD = Mismatch.toDouble(c.dy());
                            double[] num = FiniteDifferences.gradient(x -> FiniteDifferences.dot(dyD, softmaxDouble(x)),
                                    Mismatch.toDouble(c.x()));
                            float[] dx = s.backward(c.dy().clone(), ours(c.x()));
                            FiniteDifferences.assertGradient("dx", num, dx, Mismatch.maxAbs(dyD));
                        })),
                new Check<>("backward sums to zero (Σ_i dx_i = 0, since Σ y = 1)",
                        "subtract Σ_j y_j dy_j inside the bracket for every i: " + BACKWARD,
                        s -> Cases.sweep("softmax-grad-sum", g -> {
                            int v = g.dim(2, 40);
                            return new RowGrad(g.normals(v, 2), g.normals(v, 1));
                        }, c -> {
                            float[] dx = s.backward(c.dy().clone(), ours(c.x()));
                            Mismatch.check(dx != null && dx.length == c.x().length, "dx: expected " + c.x().length + " values");
                            double sum = 0, scale = 0;
                            for (int i = 0; i < dx.length; i++) {
                                sum += dx[i];
                                scale += Math.abs(dx[i]) + Math.abs(c.dy()[i]);
                            }
                            Mismatch.check(Math.abs(sum) <= 1e-5 * scale + 1e-7, "Σ dx = " + sum + ", expected 0");
                        }))));
    }

    /// tinyseek's softmax of one row.
    static float[] ours(float[] x) {
        float[] y = new float[x.length];
        Softmax.row(y, x, 0, x.length);
        return y;
    }

    static double[] softmaxDouble(double[] x) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.exp(x[i] - max);
            sum += y[i];
        }
        for (int i = 0; i < x.length; i++) {
            y[i] /= sum;
        }
        return y;
    }
}
