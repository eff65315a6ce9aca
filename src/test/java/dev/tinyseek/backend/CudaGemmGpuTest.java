package dev.tinyseek.backend;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// The CUDA backend on a real GPU: `mvn -Pgpu verify` runs exactly these tests (tag `gpu`) and
/// prints parity figures and GFLOP/s (the FP8 product of cuBLASLt is checked in `nn`, beside the
/// simulated FP8 GEMM it is compared with). Without a GPU, or without the CUDA 12/13 libraries, every
/// test skips itself with the reason (which file or device is missing).
///
/// Parity is held to the same float error bound as the BLAS backend ([BlasGemmTest]): cuBLAS
/// sums in its own order (and may split `k`), but any order of float summation stays within
/// `γ_{K+1} · Σ|terms|` of the exact result.
@Tag("gpu")
class CudaGemmGpuTest {

    private static CudaGemm cuda;

    private static String reason;

    @BeforeAll
    static void open() {
        reason = CudaGemm.unavailableReason();
        if (reason == null) {
            cuda = CudaGemm.open();
        } else {
            System.out.println("[gpu] every GPU test skips itself: " + reason);
        }
    }

    @BeforeEach
    void needsAGpu() {
        Assumptions.assumeTrue(reason == null, () -> "skipped, no GPU here: " + reason);
    }

    @AfterAll
    static void close() {
        if (cuda != null) {
            cuda.close();
        }
    }

    @Test
    void cublasIsWithinTheFloatErrorBoundOfTheExactResultAndOfTheJavaGemm() {
        Gemm java = new JavaGemm();
        double[] worst = {0};
        Property.forAll("CudaGemm ≈ exact, and ≈ JavaGemm", BlasGemmTest::blasCase, c -> {
            BlasGemmTest.Exact e = BlasGemmTest.exact(c);
            float[] fromGpu = JavaGemmTest.run(cuda, c);
            float[] fromJava = JavaGemmTest.run(java, c);
            BlasGemmTest.assertWithin("cuBLAS vs exact", c, e, fromGpu, 1);
            for (int i = 0; i < c.m() * c.n(); i++) {
                double d = Math.abs(fromGpu[c.cOff() + i] - fromJava[c.cOff() + i]);
                assertThat(d).as("|cuBLAS − Java| at C[%d]", i).isLessThanOrEqualTo(2 * e.bound()[i]);
                worst[0] = Math.max(worst[0], d / e.bound()[i]);
            }
            BlasGemmTest.assertOutsideUntouched(c, fromGpu);
        });
        System.out.printf("[gpu] cuBLAS vs Java GEMM: largest |difference| / float error bound = %.3f (must be <= 2)%n", worst[0]);
    }

    @Test
    void everyTransposeAndAccumulateModeOnAwkwardShapes() {
        Gen g = new Gen(7, Gen.MAX_SIZE);
        int[][] shapes = {{1, 515, 33}, {7, 515, 13}, {17, 1, 129}, {65, 47, 300}, {256, 256, 256}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    for (boolean acc : new boolean[]{false, true}) {
                        int m = s[0], n = s[1], k = s[2];
                        var c = new JavaGemmTest.Case(ta, tb, m, n, k, acc, 3, 1, 2,
                                g.floats(3 + m * k), g.floats(1 + k * n + 2), g.floats(2 + m * n + 1));
                        BlasGemmTest.assertWithin(m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb
                                + " accumulate=" + acc, c, BlasGemmTest.exact(c), JavaGemmTest.run(cuda, c), 1);
                    }
                }
            }
        }
    }

    @Test
    void aWeightKeptOnTheDeviceGivesTheSameResultAndIsRefreshedAfterAChange() {
        Gen g = new Gen(3, Gen.MAX_SIZE);
        int m = 33, n = 70, k = 129;
        float[] x = g.normal(m * k, 1), w = g.normal(n * k, 1); // y = x Wᵀ
        float[] copied = new float[m * n], kept = new float[m * n];
        cuda.gemm(false, true, m, n, k, x, 0, w, 0, copied, 0, false);
        cuda.keepOnDevice(w);
        try {
            cuda.gemm(false, true, m, n, k, x, 0, w, 0, kept, 0, false);
            GradCheck.assertBitEqual("kept weight vs copied weight", copied, kept);
            // a change on the host is not seen until refresh: the cache is by identity, not contents
            w[0] += 1f;
            float[] stale = new float[m * n];
            cuda.gemm(false, true, m, n, k, x, 0, w, 0, stale, 0, false);
            GradCheck.assertBitEqual("before refresh the device copy is used", kept, stale);
            cuda.refresh(w);
            float[] fresh = new float[m * n];
            cuda.gemm(false, true, m, n, k, x, 0, w, 0, fresh, 0, false);
            assertThat(fresh[0]).isNotEqualTo(kept[0]);
        } finally {
            cuda.release(w);
        }
        assertThat(cuda.keptCount()).isZero();
    }

    @Test
    void printsGflopsWithCopiesAndWithTheWeightOnTheDevice() {
        for (int size : new int[]{512, 2048, 4096}) {
            Gen g = new Gen(size, Gen.MAX_SIZE);
            float[] a = g.normal(size * size, 1), b = g.normal(size * size, 1), c = new float[size * size];
            double copies = gflops(size, a, b, c);
            cuda.keepOnDevice(b);
            double kept = gflops(size, a, b, c);
            cuda.release(b);
            System.out.printf("[gpu] cuBLAS sgemm %d^3: %.1f GFLOP/s with every operand copied, %.1f GFLOP/s with B kept on the device%n",
                    size, copies, kept);
            assertThat(copies).isPositive();
        }
    }

    private static double gflops(int size, float[] a, float[] b, float[] c) {
        cuda.gemm(false, true, size, size, size, a, 0, b, 0, c, 0, false); // warm-up
        int reps = 0;
        long t0 = System.nanoTime();
        do {
            cuda.gemm(false, true, size, size, size, a, 0, b, 0, c, 0, false);
            reps++;
        } while (System.nanoTime() - t0 < 500_000_000L);
        double s = (System.nanoTime() - t0) / 1e9;
        return 2.0 * size * size * (double) size * reps / s / 1e9;
    }
}
