package dev.tinyseek.backend;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import dev.tinyseek.testkit.Threads;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The OpenBLAS GEMM against the Java one and against a `double` reference.
///
/// OpenBLAS sums in another order than the Java backends (blocks of `k`, fused multiply-adds),
/// so the two are not bit-identical. What both must meet is the float error bound of any order
/// of summation: a sum of `K + 1` terms (`K` products, plus `C` when accumulating) in float is
/// within `γ_{K+1} · Σ|term|` of the exact sum, `γ_n = n·u/(1 − n·u)`, `u = 2^-24` (Higham,
/// *Accuracy and Stability of Numerical Algorithms*, §3.1). So each backend is checked against
/// the exact (double) result with that bound, and the two against each other with twice it.
/// If the binding mixed up a transpose, a leading dimension or an offset, the error would be of
/// the size of the values themselves, far above the bound.
class BlasGemmTest {

    /// Sizes that cross OpenBLAS's blocking and threading: often larger than the Java test's, and
    /// often not multiples of 16 (its SIMD width), with 1-row GEMVs and 1-column products.
    static JavaGemmTest.Case blasCase(Gen g) {
        int m, n, k;
        switch (g.intIn(0, 3)) {
            case 0 -> { m = 1; n = g.dim(1, 700); k = g.dim(1, 500); }          // GEMV: decoding one token
            case 1 -> { m = g.dim(1, 260); n = g.dim(1, 300); k = g.dim(1, 400); } // big: OpenBLAS threads it
            case 2 -> { m = g.dim(0, 40); n = g.dim(0, 1); k = g.dim(0, 90); }    // one column, or empty
            default -> { m = g.dim(0, 37); n = g.dim(0, 53); k = g.dim(0, 71); }
        }
        int aOff = g.intIn(0, 5), bOff = g.intIn(0, 5), cOff = g.intIn(0, 5);
        return new JavaGemmTest.Case(g.bool(), g.bool(), m, n, k, g.bool(), aOff, bOff, cOff,
                g.floats(aOff + m * k + g.intIn(0, 3)),
                g.floats(bOff + k * n + g.intIn(0, 3)),
                g.floats(cOff + m * n + g.intIn(0, 3)));
    }

    /// The exact result of a case, and the float error bound of each output.
    record Exact(double[] value, double[] bound) {
    }

    static Exact exact(JavaGemmTest.Case c) {
        double u = 0x1p-24;
        int terms = c.k() + 1;
        double gamma = terms * u / (1 - terms * u);
        double[] value = new double[c.m() * c.n()], bound = new double[c.m() * c.n()];
        for (int i = 0; i < c.m(); i++) {
            for (int j = 0; j < c.n(); j++) {
                double sum = 0, abs = 0;
                for (int p = 0; p < c.k(); p++) {
                    double av = c.transA() ? c.a()[c.aOff() + p * c.m() + i] : c.a()[c.aOff() + i * c.k() + p];
                    double bv = c.transB() ? c.b()[c.bOff() + j * c.k() + p] : c.b()[c.bOff() + p * c.n() + j];
                    sum += av * bv;
                    abs += Math.abs(av * bv);
                }
                double before = c.accumulate() ? c.c()[c.cOff() + i * c.n() + j] : 0;
                value[i * c.n() + j] = before + sum;
                bound[i * c.n() + j] = gamma * (Math.abs(before) + abs) + 1e-40;
            }
        }
        return new Exact(value, bound);
    }

    static void assertWithin(String what, JavaGemmTest.Case c, Exact e, float[] actual, double factor) {
        for (int i = 0; i < c.m() * c.n(); i++) {
            double diff = Math.abs(actual[c.cOff() + i] - e.value()[i]);
            if (!(diff <= factor * e.bound()[i])) {
                throw new AssertionError(what + ": C[" + i / c.n() + "," + i % c.n() + "] = " + actual[c.cOff() + i]
                        + ", expected " + e.value()[i] + " ± " + factor * e.bound()[i] + " (off by " + diff + ")");
            }
        }
    }

    static void assertOutsideUntouched(JavaGemmTest.Case c, float[] actual) {
        assertThat(Arrays.copyOf(actual, c.cOff())).as("C before its window").containsExactly(Arrays.copyOf(c.c(), c.cOff()));
        int end = c.cOff() + c.m() * c.n();
        assertThat(Arrays.copyOfRange(actual, end, actual.length)).as("C after its window")
                .containsExactly(Arrays.copyOfRange(c.c(), end, c.c().length));
    }

    @Test
    void blasIsWithinTheFloatErrorBoundOfTheExactResultAndOfTheJavaGemm() {
        BlasGemm blas = new BlasGemm(NativeTests.requireBlas());
        Gemm java = new JavaGemm();
        double[] worst = {0};
        Property.forAll("BlasGemm ≈ exact, and ≈ JavaGemm", BlasGemmTest::blasCase, c -> {
            Exact e = exact(c);
            float[] fromBlas = JavaGemmTest.run(blas, c);
            float[] fromJava = JavaGemmTest.run(java, c);
            assertWithin("BLAS vs exact", c, e, fromBlas, 1);
            assertWithin("Java vs exact", c, e, fromJava, 1);
            // the parity asked of a backend: |blas − java| ≤ 2·bound, each output
            for (int i = 0; i < c.m() * c.n(); i++) {
                double d = Math.abs(fromBlas[c.cOff() + i] - fromJava[c.cOff() + i]);
                assertThat(d).as("|BLAS − Java| at C[%d]", i).isLessThanOrEqualTo(2 * e.bound()[i]);
                worst[0] = Math.max(worst[0], d / e.bound()[i]);
            }
            assertOutsideUntouched(c, fromBlas);
        });
        System.out.printf("BLAS vs Java GEMM: largest |difference| / float error bound = %.3f (must be <= 2)%n", worst[0]);
    }

    @Test
    void everyTransposeAndAccumulateModeOnAwkwardShapes() {
        BlasGemm blas = new BlasGemm(NativeTests.requireBlas());
        Gen g = new Gen(7, Gen.MAX_SIZE);
        int[][] shapes = {{1, 515, 33}, {7, 515, 13}, {17, 1, 129}, {65, 47, 300}, {256, 256, 256}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    for (boolean acc : new boolean[]{false, true}) {
                        int m = s[0], n = s[1], k = s[2];
                        var c = new JavaGemmTest.Case(ta, tb, m, n, k, acc, 3, 1, 2,
                                g.floats(3 + m * k), g.floats(1 + k * n + 2), g.floats(2 + m * n + 1));
                        float[] got = JavaGemmTest.run(blas, c);
                        assertWithin(m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb + " accumulate=" + acc,
                                c, exact(c), got, 1);
                        assertOutsideUntouched(c, got);
                    }
                }
            }
        }
    }

    @Test
    void overwriteModeIgnoresWhatWasInC() {
        // β = 0: BLAS must not read C (a NaN there must not leak into the result)
        BlasGemm blas = new BlasGemm(NativeTests.requireBlas());
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        blas.gemm(false, false, 2, 2, 2, a, 0, b, 0, c, 0, false);
        assertThat(c).containsExactly(19, 22, 43, 50);
        blas.gemm(false, false, 2, 2, 2, a, 0, b, 0, c, 0, true);
        assertThat(c).containsExactly(38, 44, 86, 100);
    }

    @Test
    void emptySumsAndEmptyShapesBehaveAsInTheJavaBackend() {
        BlasGemm blas = new BlasGemm(NativeTests.requireBlas());
        for (boolean acc : new boolean[]{false, true}) {
            float[] expected = {-0f, 1f, -0f, -2f, 9f};
            float[] actual = expected.clone();
            new JavaGemm().gemm(false, true, 2, 2, 0, new float[0], 0, new float[0], 0, expected, 0, acc);
            blas.gemm(false, true, 2, 2, 0, new float[0], 0, new float[0], 0, actual, 0, acc);
            GradCheck.assertBitEqual("K = 0, accumulate=" + acc, expected, actual);
        }
        float[] c = {5f};
        blas.gemm(false, false, 0, 1, 3, new float[0], 0, new float[3], 0, c, 0, false);
        blas.gemm(false, false, 1, 0, 3, new float[3], 0, new float[0], 0, c, 0, false);
        assertThat(c).containsExactly(5f);
    }

    @Test
    void aShortArrayIsRejectedBeforeTheNativeCall() {
        BlasGemm blas = new BlasGemm(NativeTests.requireBlas());
        assertThatThrownBy(() -> blas.gemm(false, false, 4, 4, 4, new float[15], 0, new float[16], 0, new float[16], 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operand A of shape [4,4] needs 16 floats");
    }

    @Test
    void resultsAreTheSameForAnyThreadCountAndFromConcurrentCallers() throws Exception {
        // each block of rows (or columns) is one single-threaded OpenBLAS call, and OpenBLAS blocks
        // the sum over k the same way whatever the block's size: bit-identical for any thread count
        BlasGemm blas = new BlasGemm(NativeTests.requireBlas());
        Gen g = new Gen(11, Gen.MAX_SIZE);
        for (int[] s : new int[][]{{300, 260, 333}, {3, 1000, 129}}) { // split by rows; by columns
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    var c = new JavaGemmTest.Case(ta, tb, m, n, k, true, 1, 2, 3,
                            g.normal(1 + m * k, 1), g.normal(2 + n * k, 1), g.normal(3 + m * n, 1));
                    float[] one = Threads.with(1, () -> JavaGemmTest.run(blas, c));
                    float[] two = Threads.with(2, () -> JavaGemmTest.run(blas, c));
                    float[] four = Threads.with(4, () -> JavaGemmTest.run(blas, c));
                    assertWithin(m + "x" + n + "x" + k + ", 1 thread", c, exact(c), one, 1);
                    GradCheck.assertBitEqual("1 vs 2 threads, transA=" + ta + " transB=" + tb, one, two);
                    GradCheck.assertBitEqual("1 vs 4 threads, transA=" + ta + " transB=" + tb, one, four);
                }
            }
        }
        // the model may call the GEMM from several Java threads at once (heads in parallel)
        int m = 300, n = 260, k = 333;
        var c = new JavaGemmTest.Case(false, true, m, n, k, false, 0, 0, 0, g.normal(m * k, 1), g.normal(n * k, 1), new float[m * n]);
        float[] alone = JavaGemmTest.run(blas, c);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<float[]>> results = pool.invokeAll(java.util.Collections.nCopies(8, () -> JavaGemmTest.run(blas, c)));
            for (Future<float[]> f : results) {
                GradCheck.assertBitEqual("a concurrent call", alone, f.get());
            }
        }
    }

    @Test
    void aMissingLibraryGetsAMessageNamingTheFilesAndTheInstallCommand() {
        assertThatThrownBy(() -> OpenBlas.load(List.of("libopenblas-not-here.so.0", "/nowhere/libopenblas.so.0")))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("OpenBLAS")
                .hasMessageContaining("libopenblas-not-here.so.0, /nowhere/libopenblas.so.0")
                .hasMessageContaining("apt-get install libopenblas0")
                .hasMessageContaining("--backend java");
        // and the Java backend is unaffected
        float[] c = new float[1];
        Backends.byName("java").gemm(false, false, 1, 1, 1, new float[]{2}, 0, new float[]{3}, 0, c, 0, false);
        assertThat(c).containsExactly(6f);
    }

    @Test
    void theLibraryReportsItsBuildAndRunsOnOneThreadOfItsOwn() {
        OpenBlas blas = NativeTests.requireBlas();
        assertThat(blas.config()).contains("OpenBLAS");
        BlasGemm gemm = new BlasGemm(blas);
        Threads.with(2, () -> {
            gemm.gemm(false, false, 1, 1, 1, new float[]{1}, 0, new float[]{1}, 0, new float[1], 0, false);
            assertThat(blas.threads()).isEqualTo(1);
            return null;
        });
    }
}
