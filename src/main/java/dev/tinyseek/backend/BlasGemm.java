package dev.tinyseek.backend;

import java.util.concurrent.ForkJoinTask;

/// The GEMM of a CPU BLAS: every product is one `cblas_sgemm` call into OpenBLAS, on the Java
/// arrays themselves (no copies; see [OpenBlas]).
///
/// The mapping is direct, because CBLAS takes row-major operands too:
/// `C[M,N] = 1·op(A)·op(B) + β·C` with `β = 1` when accumulating and `β = 0` otherwise (then C is
/// not read, as in the Java backends), and leading dimensions equal to the stored row lengths:
/// `lda = transA ? M : K`, `ldb = transB ? K : N`, `ldc = N`.
///
/// **Threads.** OpenBLAS gets as many threads as the Java backends ([Parallel#threads()], i.e.
/// `--threads` or `-Dtinyseek.threads`), so that `--threads 1` means one core for every backend;
/// small products run on one thread by OpenBLAS's own rule. A call made from inside a parallel
/// loop (attention runs its heads, MoE its experts, in parallel) gets one OpenBLAS thread: the
/// loop already keeps every core busy, and OpenBLAS threads on top of it would fight over the
/// cores (measured on the `small` model before this rule: BLAS training at 0.18x the Java speed).
///
/// **Bits.** Its order of summation differs from the Java one (blocks of `k`, fused
/// multiply-adds), so results differ in the last bits and are held to the Java backend by the
/// float error bound in the tests. Unlike the Java backends, OpenBLAS also blocks `k`
/// differently for different thread counts: results are repeatable for one thread count, but
/// 1 and 2 threads may differ in the last bit (measured, see `BlasGemmTest`).
public final class BlasGemm implements Gemm {

    private final OpenBlas blas;

    /// Loads OpenBLAS; throws a [BackendUnavailableException] saying how to install it when missing.
    public BlasGemm() {
        this(OpenBlas.load());
    }

    BlasGemm(OpenBlas blas) {
        this.blas = blas;
    }

    @Override
    public String name() {
        return "blas";
    }

    /// The binding (the file it came from, its build, its thread count).
    public OpenBlas library() {
        return blas;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        Gemm.checkShapes(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // the empty sum, +0f, as in the Java backends (BLAS would reject lda = 0)
            for (int i = cOff; i < cOff + m * n; i++) {
                c[i] = accumulate ? c[i] + 0f : 0f;
            }
            return;
        }
        // one level of parallelism: a call from inside a parallel loop (a worker thread; the
        // loop's caller waits for it) runs on one OpenBLAS thread, a call from outside on all
        blas.useThreads(ForkJoinTask.inForkJoinPool() ? 1 : Parallel.threads());
        blas.sgemm(transA, transB, m, n, k, 1f,
                a, aOff, transA ? m : k,
                b, bOff, transB ? k : n,
                accumulate ? 1f : 0f,
                c, cOff, n);
    }
}
