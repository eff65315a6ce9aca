package dev.tinyseek.backend;

import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// What of the CUDA backend can be checked without a GPU: the transpose identity that turns our
/// row-major products into cuBLAS's column-major ones, the FP8 shape rules, and the messages when
/// the libraries are missing. (The GPU itself is checked by `CudaGemmGpuTest`, tag `gpu`.)
class CudaPlanTest {

    /// A column-major `sgemm` as the BLAS reference defines it, in Java: `C[m,n] = α·op(A)·op(B) + β·C`,
    /// element `(i,j)` of a column-major X with leading dimension ld at `X[i + j·ld]`; the sum over
    /// `p` in order, in float, like the naive control.
    static void columnMajorSgemm(int transa, int transb, int m, int n, int k,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 boolean accumulate, float[] c, int cOff, int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transa == Cublas.OP_N ? a[aOff + i + p * lda] : a[aOff + p + i * lda];
                    float bv = transb == Cublas.OP_N ? b[bOff + p + j * ldb] : b[bOff + j + p * ldb];
                    sum += av * bv;
                }
                int ci = cOff + i + j * ldc;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
    }

    @Test
    void theTransposeIdentityGivesTheRowMajorProductBitForBit() {
        // cuBLAS's plan run through the column-major reference must equal the row-major control
        // exactly: both sum the same products in the same order
        Property.forAll("column-major plan == row-major naive GEMM", JavaGemmTest::gemmCase, c -> {
            float[] expected = JavaGemmTest.run(new NaiveGemm(), c);
            float[] actual = c.c().clone();
            if (c.m() > 0 && c.n() > 0) {
                CudaGemm.ColumnMajorCall p = CudaGemm.plan(c.transA(), c.transB(), c.m(), c.n(), c.k());
                assertThat(p.firstIsB()).isTrue();
                columnMajorSgemm(p.transa(), p.transb(), p.m(), p.n(), p.k(),
                        c.b(), c.bOff(), p.lda(), c.a(), c.aOff(), p.ldb(), c.accumulate(), actual, c.cOff(), p.ldc());
            }
            GradCheck.assertBitEqual("C", expected, actual);
        });
    }

    @Test
    void fp8ShapesMustBeMultiplesOf16() {
        assertThatThrownBy(() -> CublasLt.checkFp8Shape(16, 16, 24, new byte[16 * 24], new byte[16 * 24]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiples of 16").hasMessageContaining("K=24");
        assertThatThrownBy(() -> CublasLt.checkFp8Shape(16, 16, 16, new byte[10], new byte[256]))
                .hasMessageContaining("A must hold M·K = 256 codes");
        CublasLt.checkFp8Shape(32, 16, 48, new byte[32 * 48], new byte[16 * 48]);
    }

    @Test
    void missingCudaLibrariesAreNamedWithHowToGetThem() {
        assertThatThrownBy(() -> CudaRuntime.load(List.of("libcudart-not-here.so.12")))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("libcudart.so.13 or libcudart.so.12")
                .hasMessageContaining("tried libcudart-not-here.so.12")
                .hasMessageContaining("CUDA 12 or 13").hasMessageContaining("--backend java");
        assertThatThrownBy(() -> Cublas.load(List.of("/nowhere/libcublas.so.12")))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("libcublas.so.13 or libcublas.so.12").hasMessageContaining("/nowhere/libcublas.so.12");
        assertThatThrownBy(() -> CublasLt.load(List.of("/nowhere/libcublasLt.so.12")))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("libcublasLt.so.13 or libcublasLt.so.12");
    }

    @Test
    void withoutAGpuTheCudaBackendSaysWhyAndJavaStillWorks() {
        String reason = CudaGemm.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(reason != null, "a GPU is present here; CudaGemmGpuTest covers it");
        assertThatThrownBy(() -> Backends.byName("cuda"))
                .isInstanceOf(BackendUnavailableException.class)
                .satisfies(e -> assertThat(e.getMessage()).satisfiesAnyOf(
                        m -> assertThat(m).contains("libcudart.so"),
                        m -> assertThat(m).contains("no CUDA GPU"),
                        m -> assertThat(m).contains("libcublas.so")));
        float[] c = new float[1];
        Backends.byName("java").gemm(false, false, 1, 1, 1, new float[]{2}, 0, new float[]{3}, 0, c, 0, false);
        assertThat(c).containsExactly(6f);
    }
    @Test
    void whereTheCudaRuntimeIsInstalledItsStatusTextsComeThroughTheBinding() {
        // libcudart can be there without a GPU (a toolkit install): then the binding itself is
        // checked here, a call with no device needed
        CudaRuntime rt;
        try {
            rt = CudaRuntime.load();
        } catch (BackendUnavailableException e) {
            org.junit.jupiter.api.Assumptions.abort("skipped, no CUDA runtime: " + e.getMessage());
            return;
        }
        assertThat(rt.errorText(2)).containsIgnoringCase("memory"); // cudaErrorMemoryAllocation
        assertThatThrownBy(() -> rt.check("cudaMalloc(64 bytes)", 2))
                .isInstanceOf(NativeCallException.class)
                .hasMessageStartingWith("cudaMalloc(64 bytes) failed: status 2 (")
                .hasMessageContaining("memory");
        String problem = rt.deviceCountProblem();
        assertThat(problem == null ? rt.deviceCount() > 0 : rt.deviceCount() == 0).as(String.valueOf(problem)).isTrue();
    }
}
