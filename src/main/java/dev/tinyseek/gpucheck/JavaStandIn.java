package dev.tinyseek.gpucheck;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.fp8.Fp8Format;

/// The Java backend standing in for the GPU (`run --cpu-selftest`): the fastest plain GEMM present
/// (`vector` or `java`, both [dev.tinyseek.backend.NaiveGemm]'s bits), and an FP8 product whose
/// partial sum is exact and then rounded once to fp32 (the `EXACT` tensor core of the `fp8`
/// package). Weights need no keeping. Every check then compares Java with Java: the figures are
/// zero differences and CPU speeds, and what the self-test shows is that the harness runs.
public final class JavaStandIn implements Device {

    private final Gemm gemm = Backends.defaultGemm();

    @Override
    public String describe() {
        return "java stand-in (" + Backends.describe(gemm) + "; no GPU used)";
    }

    @Override
    public Gemm gemm() {
        return gemm;
    }

    @Override
    public float[] fp8Products(int m, int n, int k, byte[] a, byte[] b) {
        float[] table = Fp8Format.E4M3FN.decodeTable();
        float[] c = new float[m * n]; // [M, N]
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0; // FP8 products are exact in float; their sum over K = 128 is exact in double
                for (int kk = 0; kk < k; kk++) {
                    s += (double) (table[a[i * k + kk] & 0xFF] * table[b[j * k + kk] & 0xFF]);
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    @Override
    public void keep(float[] x) {
    }

    @Override
    public void refresh(float[] x) {
    }

    @Override
    public void release(float[] x) {
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void close() {
    }
}
