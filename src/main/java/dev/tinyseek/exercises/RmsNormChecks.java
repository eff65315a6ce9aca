package dev.tinyseek.exercises;

import dev.tinyseek.tensor.RmsNorm;

import java.util.List;

/// How `rmsnorm-backward` is graded: finite differences of the forward in `double` for `dx`
/// and `dw`, accumulation, the scale invariance of RMSNorm, and tinyseek's [RmsNorm].
final class RmsNormChecks {

    private RmsNormChecks() {
    }

    static final float EPS = 1e-6f;

    record Rows(int n, int c, float[] x, float[] w, float[] dy) {
    }

    private static final String EQ = "With g = w ⊙ dy and r = 1/sqrt(mean(x²) + eps): dx = r·g − (r³/C)·(Σ_j g_j x_j)·x; "
            + "dw = Σ_rows dy ⊙ x · r (tensor/RmsNorm.java)";

    static Rows make(Cases.Gen g) {
        int n = g.dim(1, 4), c = g.dim(1, 32);
        float[] w = g.normals(c, 1);
        for (int j = 0; j < c; j++) {
            w[j] += 1; // around 1, as trained RMSNorm weights are
        }
        return new Rows(n, c, g.normals(n * c, 1), w, g.normals(n * c, 1));
    }

    static Exercise<RmsNormBackwardExercise> exercise() {
        return new Exercise<>("rmsnorm-backward", "backward of RMSNorm (dx and dw)", RmsNormBackwardExercise.class,
                "MyRmsNormBackward", "tensor/RmsNorm.java", List.of(
                new Check<>("dx equals finite differences (gradient check)",
                        "two terms: the direct one r·g, and the one through r's dependence on every x_j, "
                                + "−(r³/C)(Σ_j g_j x_j) x. " + EQ,
                        s -> Cases.sweep("rms-dx", RmsNormChecks::make, c -> {
                            float[][] got = run(s, c);
                            double[] num = FiniteDifferences.gradient(x -> loss(c, x, Mismatch.toDouble(c.w())), Mismatch.toDouble(c.x()));
                            FiniteDifferences.assertGradient("dx", num, got[0], terms(c));
                        })),
                new Check<>("dw equals finite differences (gradient check)",
                        "dw_j sums dy_j · x_j · r over all rows. " + EQ,
                        s -> Cases.sweep("rms-dw", RmsNormChecks::make, c -> {
                            float[][] got = run(s, c);
                            double[] num = FiniteDifferences.gradient(w -> loss(c, Mismatch.toDouble(c.x()), w), Mismatch.toDouble(c.w()));
                            FiniteDifferences.assertGradient("dw", num, got[1], 0);
                        })),
                new Check<>("backward accumulates into dx and dw (+=)",
                        "backward adds to dx and dw (dx[i] += ..., not dx[i] = ...): a parameter used twice gets both gradients",
                        s -> Cases.sweep("rms-acc", RmsNormChecks::make, c -> {
                            float[][] once = run(s, c);
                            float[] dx = new float[c.n() * c.c()], dw = new float[c.c()];
                            java.util.Arrays.fill(dx, 1f);
                            java.util.Arrays.fill(dw, -1f);
                            s.backward(dx, dw, c.dy().clone(), c.x().clone(), c.w().clone(), rstd(c), c.n(), c.c());
                            float[] ex = once[0].clone(), ew = once[1].clone();
                            for (int i = 0; i < ex.length; i++) {
                                ex[i] += 1f;
                            }
                            for (int i = 0; i < ew.length; i++) {
                                ew[i] -= 1f;
                            }
                            Mismatch.close("dx (it held 1 before backward)", ex, dx, 1e-6, 1e-6);
                            Mismatch.close("dw (it held −1 before backward)", ew, dw, 1e-6, 1e-6);
                        })),
                new Check<>("dx is orthogonal to x in each row (RMSNorm ignores the scale of x)",
                        "y(k·x) = y(x), so moving x along itself changes nothing and Σ_j dx_j x_j ≈ 0; "
                                + "the second term −(r³/C)(Σ_j g_j x_j) x is what removes that component. " + EQ,
                        s -> Cases.sweep("rms-orth", g -> {
                            Rows r = make(g);
                            return r.c() < 2 ? new Rows(r.n(), 2, g.normals(r.n() * 2, 1), new float[] {1.5f, 0.5f}, g.normals(r.n() * 2, 1)) : r;
                        }, c -> {
                            float[] dx = run(s, c)[0];
                            for (int i = 0; i < c.n(); i++) {
                                double dot = 0, scale = 0, gx = 0, ms = 0;
                                for (int j = 0; j < c.c(); j++) {
                                    double xj = c.x()[i * c.c() + j], gj = (double) c.w()[j] * c.dy()[i * c.c() + j];
                                    dot += dx[i * c.c() + j] * xj;
                                    scale += Math.abs(gj * xj);
                                    gx += gj * xj;
                                    ms += xj * xj / c.c();
                                }
                                double r = 1 / Math.sqrt(ms + EPS);
                                scale *= r;
                                // exactly: Σ_j dx_j x_j = r·(Σ_j g_j x_j)·eps/(mean(x²) + eps), tiny unless x is
                                double expected = r * gx * EPS / (ms + EPS);
                                Mismatch.check(Math.abs(dot - expected) <= 1e-4 * scale + 1e-6,
                                        "row " + i + ": Σ_j dx_j x_j = " + dot + ", expected " + (float) expected
                                                + " ≈ 0 (the terms are of size " + (float) scale + ")");
                            }
                        })),
                new Check<>("equals tinyseek's RmsNorm.backward",
                        EQ,
                        s -> Cases.sweep("rms-ours", RmsNormChecks::make, c -> {
                            float[][] got = run(s, c);
                            float[] dx = new float[c.n() * c.c()], dw = new float[c.c()];
                            RmsNorm.backward(dx, dw, c.dy(), c.x(), c.w(), rstd(c), c.n(), c.c());
                            double t = terms(c);
                            Mismatch.close("dx", Mismatch.toDouble(dx), got[0], 1e-4, 1e-5 * t + 1e-9);
                            Mismatch.close("dw", Mismatch.toDouble(dw), got[1], 1e-4, 1e-5 * Mismatch.maxAbs(Mismatch.toDouble(dw)) + 1e-9);
                        }))));
    }

    /// The student's `{dx, dw}`, from zero, on copies of the inputs.
    static float[][] run(RmsNormBackwardExercise s, Rows c) {
        float[] dx = new float[c.n() * c.c()], dw = new float[c.c()];
        s.backward(dx, dw, c.dy().clone(), c.x().clone(), c.w().clone(), rstd(c), c.n(), c.c());
        return new float[][] {dx, dw};
    }

    /// `r` of each row, as tinyseek's forward computes it.
    static float[] rstd(Rows c) {
        float[] y = new float[c.n() * c.c()], r = new float[c.n()];
        RmsNorm.forward(y, r, c.x(), c.w(), c.n(), c.c(), EPS);
        return r;
    }

    /// `L = Σ dy · rmsnorm(x, w)` in double.
    static double loss(Rows c, double[] x, double[] w) {
        double l = 0;
        for (int i = 0; i < c.n(); i++) {
            double ss = 0;
            for (int j = 0; j < c.c(); j++) {
                ss += x[i * c.c() + j] * x[i * c.c() + j];
            }
            double r = 1 / Math.sqrt(ss / c.c() + EPS);
            for (int j = 0; j < c.c(); j++) {
                l += c.dy()[i * c.c() + j] * w[j] * x[i * c.c() + j] * r;
            }
        }
        return l;
    }

    /// The size of dx's two terms, `r·‖g‖` (they cancel when the gradient is small, C = 1).
    static double terms(Rows c) {
        float[] r = rstd(c);
        double t = 0;
        for (int i = 0; i < c.n(); i++) {
            double g2 = 0;
            for (int j = 0; j < c.c(); j++) {
                double gj = (double) c.w()[j] * c.dy()[i * c.c() + j];
                g2 += gj * gj;
            }
            t = Math.max(t, r[i] * Math.sqrt(g2));
        }
        return t;
    }
}
