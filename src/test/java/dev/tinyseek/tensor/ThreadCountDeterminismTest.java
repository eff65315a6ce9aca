package dev.tinyseek.tensor;

import dev.tinyseek.backend.JavaGemm;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import dev.tinyseek.testkit.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/// `docs/design.md#determinism`: parallelism only over independent outputs, so every result is the
/// same to the bit with 1 thread and with 4. Shapes are drawn large enough that every op really
/// splits its work (more rows and columns than the grains of its `Parallel.forRange` calls).
class ThreadCountDeterminismTest {

    private int threadsBefore;

    @BeforeEach
    void remember() {
        threadsBefore = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(threadsBefore);
    }

    /// Runs `op` with 1 and with 4 threads and compares every array it returns, bit for bit.
    static void sameWithOneAndFourThreads(String what, Supplier<List<float[]>> op) {
        List<float[]> one = Threads.with(1, op);
        List<float[]> four = Threads.with(4, op);
        assertThat(four).hasSameSizeAs(one);
        for (int i = 0; i < one.size(); i++) {
            GradCheck.assertBitEqual(what + " output " + i + " (1 vs 4 threads)", one.get(i), four.get(i));
        }
    }

    record Rows(int n, int c, float[] x, float[] y, float[] w) {
    }

    static Rows rows(Gen g) {
        int n = g.dim(80, 200), c = g.dim(70, 160); // above the row grains (16, 64) and channel grain (64)
        return new Rows(n, c, g.floats(n * c), g.normal(n * c, 1), g.normal(c, 1));
    }

    @Test
    void javaGemm() {
        Property.forAll(0.25, "JavaGemm: 1 thread = 4 threads", g -> {
            int m = g.dim(8, 70), n = g.dim(513, 1100), k = g.dim(40, 90);
            return new Object[]{g.bool(), g.bool(), m, n, k, g.floats(m * k), g.floats(k * n), g.floats(m * n)};
        }, c -> {
            boolean ta = (boolean) c[0], tb = (boolean) c[1];
            int m = (int) c[2], n = (int) c[3], k = (int) c[4];
            sameWithOneAndFourThreads("gemm", () -> {
                float[] out = ((float[]) c[7]).clone();
                new JavaGemm().gemm(ta, tb, m, n, k, (float[]) c[5], 0, (float[]) c[6], 0, out, 0, true);
                return List.of(out);
            });
        });
    }

    @Test
    void crossEntropyForwardAndBackward() {
        Property.forAll(0.25, "cross-entropy: 1 thread = 4 threads", ThreadCountDeterminismTest::rows, r -> {
            int[] targets = new Gen(r.n(), 100).ints(r.n(), 0, r.c() - 1);
            targets[0] = CrossEntropy.IGNORE;
            sameWithOneAndFourThreads("cross-entropy", () -> {
                CrossEntropy.Result res = CrossEntropy.forward(r.x(), targets, CrossEntropy.IGNORE, r.n(), r.c());
                float[] dz = new float[r.n() * r.c()];
                CrossEntropy.backward(dz, r.x(), targets, CrossEntropy.IGNORE, r.n(), r.c(), 0.7f);
                double l = res.loss();
                return List.of(new float[]{(float) l, (float) (l - (float) l), res.count()}, dz);
            });
        });
    }

    @Test
    void rmsNormForwardAndBackward() {
        Property.forAll(0.25, "rmsnorm: 1 thread = 4 threads", ThreadCountDeterminismTest::rows, r -> sameWithOneAndFourThreads("rmsnorm", () -> {
            float[] y = new float[r.n() * r.c()], rstd = new float[r.n()];
            RmsNorm.forward(y, rstd, r.x(), r.w(), r.n(), r.c(), 1e-6f);
            float[] dx = new float[r.n() * r.c()], dw = new float[r.c()];
            RmsNorm.backward(dx, dw, r.y(), r.x(), r.w(), rstd, r.n(), r.c());
            return List.of(y, rstd, dx, dw);
        }));
    }

    @Test
    void everyOtherOp() {
        Property.forAll(0.25, "all ops: 1 thread = 4 threads", ThreadCountDeterminismTest::rows, r -> sameWithOneAndFourThreads("ops", () -> {
            int n = r.n(), c = r.c();
            List<float[]> out = new ArrayList<>();
            // matmul y = x Wᵀ with a square weight built from the row data, and its backward
            float[] w = new float[c * c];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.y()[i % r.y().length] * 0.1f;
            }
            float[] y = new float[n * c];
            MatMul.forward(y, r.x(), w, r.w(), n, c, c);
            float[] dx = new float[n * c], dw = new float[c * c], db = new float[c];
            MatMul.backward(dx, dw, db, r.y(), r.x(), w, n, c, c);
            out.addAll(List.of(y, dx, dw, db));
            // softmax
            float[] p = new float[n * c], dp = new float[n * c];
            Softmax.forward(p, r.x(), n, c);
            Softmax.backward(dp, r.y(), p, n, c);
            out.addAll(List.of(p, dp));
            // swiglu
            float[] h = new float[n * c], dg = new float[n * c], du = new float[n * c];
            Swiglu.forward(h, r.x(), r.y(), n, c);
            Swiglu.backward(dg, du, r.x(), r.x(), r.y(), n, c);
            out.addAll(List.of(h, dg, du));
            // rope (even part of the row)
            int d = c / 2 * 2;
            float[] q = r.x().clone();
            Rope rope = Rope.plain(d, 10000, n);
            rope.forward(q, n, 1, c, 0, 0);
            float[] dq = r.y().clone();
            rope.backward(dq, n, 1, c, 0, 0);
            out.addAll(List.of(q, dq));
            // embedding
            int[] tokens = new int[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = (i * 7) % 5;
            }
            float[] e = new float[n * c], dtable = new float[5 * c];
            EmbeddingLookup.forward(e, tokens, java.util.Arrays.copyOf(r.x(), 5 * c), n, c, 5);
            EmbeddingLookup.backward(dtable, r.y(), tokens, n, c, 5);
            out.addAll(List.of(e, dtable));
            return out;
        }));
    }

    @Test
    void threadCountIsRestored() {
        int before = Parallel.threads();
        Threads.with(3, () -> null);
        assertThat(Parallel.threads()).isEqualTo(before);
    }
}
