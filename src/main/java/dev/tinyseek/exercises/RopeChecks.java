package dev.tinyseek.exercises;

import dev.tinyseek.tensor.Rope;

import java.util.List;

/// How `rope` is graded: against tinyseek's [Rope], by what a rotation must do (keep each
/// pair's length, depend only on relative positions in dot products, be undone by backward),
/// and the backward against finite differences.
final class RopeChecks {

    private RopeChecks() {
    }

    record Rows(int t, int dr, int pos0, double theta, float[] x) {
    }

    private static final String EQ = "pair j = (x[2j], x[2j+1]) at position p turns by p·f_j, f_j = θ^(−2j/Dr) "
            + "(j = 0: angle p): y[2j] = x[2j]·cos − x[2j+1]·sin, y[2j+1] = x[2j]·sin + x[2j+1]·cos "
            + "(tensor/Rope.java; docs/mla.md#rope-interleaved-pairs)";

    static Rows make(Cases.Gen g) {
        int t = g.dim(1, 6), dr = 2 * g.dim(1, 8);
        double theta = g.coin() ? 10000 : g.uniform(20, 1000);
        return new Rows(t, dr, g.dim(0, 300), theta, g.normals(t * dr, 1));
    }

    static Exercise<RopeExercise> exercise() {
        return new Exercise<>("rope", "rotary position embedding, interleaved pairs", RopeExercise.class, "MyRope",
                "tensor/Rope.java", List.of(
                new Check<>("forward equals tinyseek's Rope (interleaved pairs)",
                        "DeepSeek-V3 pairs neighbours, not halves (not the NeoX/Llama rotate_half layout): " + EQ,
                        s -> Cases.sweep("rope-ours", RopeChecks::make, c -> {
                            float[] y = c.x().clone();
                            s.forward(y, c.t(), c.dr(), c.pos0(), c.theta());
                            Mismatch.close("y", ours(c), y, 1e-4, 1e-4); // room for angles computed in float
                        })),
                new Check<>("each pair (x[2j], x[2j+1]) keeps its length",
                        "a rotation of the pair (x[2j], x[2j+1]) keeps x[2j]² + x[2j+1]²: use one angle per pair, "
                                + "cos and sin of the same angle. " + EQ,
                        s -> Cases.sweep("rope-norm", RopeChecks::make, c -> {
                            float[] y = c.x().clone();
                            s.forward(y, c.t(), c.dr(), c.pos0(), c.theta());
                            double[] before = new double[c.t() * c.dr() / 2], after = new double[before.length];
                            for (int k = 0; k < before.length; k++) {
                                before[k] = Math.hypot(c.x()[2 * k], c.x()[2 * k + 1]);
                                after[k] = Math.hypot(y[2 * k], y[2 * k + 1]);
                            }
                            Mismatch.close("length of pair (row·Dr/2 + j)", before, after, 1e-5, 1e-6);
                        })),
                new Check<>("position 0 is the identity",
                        "at p = 0 every angle is 0: cos = 1, sin = 0. " + EQ,
                        s -> Cases.sweep("rope-zero", g -> {
                            Rows r = make(g);
                            return new Rows(1, r.dr(), 0, r.theta(), java.util.Arrays.copyOf(r.x(), r.dr()));
                        }, c -> {
                            float[] y = c.x().clone();
                            s.forward(y, 1, c.dr(), 0, c.theta());
                            Mismatch.close("y", c.x(), y, 0, 1e-7);
                        })),
                new Check<>("scores depend only on the distance: q(p)·k(p+1) is the same at every p",
                        "RoPE's point: rotating q by p·f and k by p'·f leaves q·k depending on p − p' only, "
                                + "which needs the same f_j for the same pair at every position. " + EQ,
                        s -> Cases.sweep("rope-relative", g -> {
                            Rows r = make(g);
                            return new Rows(2, r.dr(), r.pos0(), r.theta(), g.normals(2 * r.dr(), 1));
                        }, c -> {
                            double at0 = pairDot(s, c, 0), atP = pairDot(s, c, c.pos0());
                            double scale = 0;
                            for (float v : c.x()) {
                                scale += v * v;
                            }
                            Mismatch.check(Math.abs(at0 - atP) <= 1e-4 * scale + 1e-6,
                                    "q·k with q at 0, k at 1 is " + at0 + "; with q at " + c.pos0() + ", k at "
                                            + (c.pos0() + 1) + " it is " + atP);
                        })),
                new Check<>("backward equals finite differences (gradient check)",
                        "y = R x with R a rotation, so dx = Rᵀ dy: rotate by the opposite angle (sin → −sin). " + EQ,
                        s -> Cases.sweep("rope-grad", RopeChecks::make, c -> {
                            // the case's x serves as the upstream gradient dy of L(x) = Σ dy · rope(x);
                            // RoPE is linear, so ∂L/∂x is the same at every x: take x = 0
                            double[] dy = Mismatch.toDouble(c.x());
                            double[] num = FiniteDifferences.gradient(x -> FiniteDifferences.dot(dy, ropeDouble(c, x)),
                                    new double[c.x().length]);
                            float[] dx = c.x().clone();
                            s.backward(dx, c.t(), c.dr(), c.pos0(), c.theta());
                            FiniteDifferences.assertGradient("dx", num, dx, Mismatch.maxAbs(dy));
                        })),
                new Check<>("backward undoes forward",
                        "backward turns each pair by −p·f_j; forward then backward gives x back. " + EQ,
                        s -> Cases.sweep("rope-inverse", RopeChecks::make, c -> {
                            float[] y = c.x().clone();
                            s.forward(y, c.t(), c.dr(), c.pos0(), c.theta());
                            s.backward(y, c.t(), c.dr(), c.pos0(), c.theta());
                            Mismatch.close("backward(forward(x))", c.x(), y, 1e-5, 1e-5);
                        }))));
    }

    /// tinyseek's RoPE of the case.
    static float[] ours(Rows c) {
        float[] y = c.x().clone();
        Rope.plain(c.dr(), c.theta(), c.pos0() + c.t()).forward(y, 0, c.t(), 1, c.dr(), 0, c.pos0());
        return y;
    }

    /// RoPE in double, from the equations.
    static double[] ropeDouble(Rows c, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < c.t(); i++) {
            int p = c.pos0() + i;
            for (int j = 0; j < c.dr() / 2; j++) {
                double angle = p * Math.pow(c.theta(), -2.0 * j / c.dr());
                double a = x[i * c.dr() + 2 * j], b = x[i * c.dr() + 2 * j + 1];
                y[i * c.dr() + 2 * j] = a * Math.cos(angle) - b * Math.sin(angle);
                y[i * c.dr() + 2 * j + 1] = a * Math.sin(angle) + b * Math.cos(angle);
            }
        }
        return y;
    }

    /// Rotates rows 0 and 1 of the case to positions p and p + 1, returns their dot product.
    private static double pairDot(RopeExercise s, Rows c, int p) {
        float[] y = c.x().clone();
        s.forward(y, 2, c.dr(), p, c.theta());
        double d = 0;
        for (int j = 0; j < c.dr(); j++) {
            d += (double) y[j] * y[c.dr() + j];
        }
        return d;
    }
}
