package dev.tinyseek.fp8;

import java.util.SplittableRandom;

/// Not a test: measures the simulated FP8 GEMM against two fp32 Java GEMMs of the same shape in
/// the same process, single-threaded (timings are benchmarks, never pass/fail thresholds).
/// Run after `mvn test-compile`:
/// `java -cp target/classes:target/test-classes dev.tinyseek.fp8.Fp8GemmBench [M N K]`
public final class Fp8GemmBench {

    private Fp8GemmBench() {
    }

    public static void main(String[] args) {
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = new float[m * k]; // [M, K]
        float[] w = new float[n * k]; // [N, K]
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        BlockQuantized a = BlockScaling.activationTiles().quantize(x, m, k);
        BlockQuantized b = BlockScaling.weightBlocks().quantize(w, n, k);
        float[] c = new float[m * n];
        double naive = time(() -> naive(x, w, c, m, n, k));
        double axpy = time(() -> axpy(x, w, c, m, n, k));
        double exact = time(() -> Fp8Gemm.exact().withParallel(false).multiply(a, b));
        double fp32 = time(() -> Fp8Gemm.exact().withAccumulation(Accumulation.FP32_SEQUENTIAL).withParallel(false).multiply(a, b));
        double hopper = time(() -> Fp8Gemm.hopper().withParallel(false).multiply(a, b));
        System.out.printf("shape M=%d N=%d K=%d, one thread, best of 5 (ms)%n", m, n, k);
        System.out.printf("fp32 naive dot loop   %8.1f%n", naive);
        System.out.printf("fp32 axpy loop        %8.1f%n", axpy);
        System.out.printf("fp8 EXACT             %8.1f  = %.2fx naive, %.2fx axpy%n", exact, exact / naive, exact / axpy);
        System.out.printf("fp8 FP32_SEQUENTIAL   %8.1f  = %.2fx naive, %.2fx axpy%n", fp32, fp32 / naive, fp32 / axpy);
        System.out.printf("fp8 HOPPER_E8M13      %8.1f  = %.2fx naive, %.2fx axpy%n", hopper, hopper / naive, hopper / axpy);
    }

    private static double time(Runnable r) {
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 6; rep++) {
            long t0 = System.nanoTime();
            r.run();
            double ms = (System.nanoTime() - t0) / 1e6;
            if (rep > 0) {
                best = Math.min(best, ms);
            }
        }
        return best;
    }

    /// C = X·Wᵀ with a dot product per output.
    static void naive(float[] x, float[] w, float[] c, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int kk = 0; kk < k; kk++) {
                    s += x[i * k + kk] * w[j * k + kk];
                }
                c[i * n + j] = s;
            }
        }
    }

    /// C = X·Wᵀ as row-times-matrix axpy over a transposed W (what the JIT vectorises).
    static void axpy(float[] x, float[] w, float[] c, int m, int n, int k) {
        float[] wt = new float[k * n];
        for (int j = 0; j < n; j++) {
            for (int kk = 0; kk < k; kk++) {
                wt[kk * n + j] = w[j * k + kk];
            }
        }
        for (int i = 0; i < m; i++) {
            int row = i * n;
            java.util.Arrays.fill(c, row, row + n, 0f);
            for (int kk = 0; kk < k; kk++) {
                float av = x[i * k + kk];
                int off = kk * n;
                for (int j = 0; j < n; j++) {
                    c[row + j] += av * wt[off + j];
                }
            }
        }
    }
}
