package dev.tinyseek.nn;

import dev.tinyseek.backend.BackendUnavailableException;
import dev.tinyseek.backend.CublasLt;
import dev.tinyseek.backend.CudaGemm;
import dev.tinyseek.backend.CudaRuntime;
import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.fp8.BlockQuantized;
import dev.tinyseek.fp8.BlockScaling;
import dev.tinyseek.fp8.Fp8Gemm;
import dev.tinyseek.fp8.ScaleOrder;
import dev.tinyseek.testkit.Gen;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// cuBLASLt's E4M3 GEMM on a real GPU against the simulated FP8 GEMM of `fp8` (this package is
/// the one that may use both `backend` and `fp8`). `mvn -Pgpu verify` runs it (tag `gpu`);
/// without a GPU or the cuBLASLt library it skips itself with the reason.
@Tag("gpu")
class CublasLtFp8GpuTest {

    @Test
    void cublasLtFp8GemmMatchesTheSimulatedFp8Gemm() {
        String reason = CudaGemm.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "skipped, no GPU here: " + reason);
        CublasLt lt;
        try {
            lt = CublasLt.load();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("skipped: " + e.getMessage());
            return;
        }
        Gen g = new Gen(5, Gen.MAX_SIZE);
        int m = 64, n = 48, k = 256;
        float[] x = g.normal(m * k, 1), w = g.normal(n * k, 0.05);
        // one scale per tensor (cuBLASLt's scale pointers hold one float each)
        BlockQuantized qa = BlockScaling.tiles(m, k).quantize(x, m, k);
        BlockQuantized qb = BlockScaling.tiles(n, k).quantize(w, n, k);
        float[] gpu = lt.fp8Gemm(CudaRuntime.load(), m, n, k, qa.codes(), qa.scales()[0], qb.codes(), qb.scales()[0]);
        float[] exact = new Fp8Gemm(Accumulation.EXACT, Fp8Gemm.NEVER, ScaleOrder.SCALES_FIRST, false).multiply(qa, qb);
        float[] hopper = new Fp8Gemm(Accumulation.HOPPER_E8M13, Fp8Gemm.NEVER, ScaleOrder.SCALES_FIRST, false).multiply(qa, qb);
        double worstExact = 0, worstHopper = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double abs = 0; // Σ|terms| of this output, dequantised
                for (int p = 0; p < k; p++) {
                    abs += Math.abs((double) qa.value(i, p) * qb.value(j, p));
                }
                double dExact = Math.abs(gpu[i * n + j] - exact[i * n + j]) / abs;
                double dHopper = Math.abs(gpu[i * n + j] - hopper[i * n + j]) / abs;
                worstExact = Math.max(worstExact, dExact);
                worstHopper = Math.max(worstHopper, dHopper);
                // the tensor core's accumulator keeps at least 13 mantissa bits: 2^-10 of Σ|terms| is ample
                assertThat(dExact).as("C[%d,%d]: |cuBLASLt − exact FP8 product| / Σ|terms|", i, j).isLessThanOrEqualTo(0x1p-10);
            }
        }
        System.out.printf("[gpu] cuBLASLt E4M3 GEMM %dx%dx%d: max |GPU − exact| / Σ|terms| = %.2e, max |GPU − simulated Hopper e8m13| / Σ|terms| = %.2e%n",
                m, n, k, worstExact, worstHopper);
    }
}
