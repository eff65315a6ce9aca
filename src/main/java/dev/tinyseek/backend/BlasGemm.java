package dev.tinyseek.backend;

/// The GEMM of a CPU BLAS: every product is one `cblas_sgemm` call into OpenBLAS, on the Java
/// arrays themselves (no copies; see [OpenBlas]).
///
/// The mapping is direct, because CBLAS takes row-major operands too:
/// `C[M,N] = 1·op(A)·op(B) + β·C` with `β = 1` when accumulating and `β = 0` otherwise (then C is
/// not read, as in the Java backends), and leading dimensions equal to the stored row lengths:
/// `lda = transA ? M : K`, `ldb = transB ? K : N`, `ldc = N`.
///
/// **Threads.** OpenBLAS runs on one thread (`openblas_set_num_threads(1)`), and the parallelism
/// is ours, as in [JavaGemm]: [Parallel] splits C into independent blocks of rows (or of columns
/// when there are fewer rows than columns, e.g. decoding's one-row products), and each block is
/// one `cblas_sgemm` call, so `--threads N` means N cores for every backend, and a product called
/// from inside a parallel loop (attention's heads, MoE's experts) runs inline, not on more
/// threads. Why not OpenBLAS's own threads: they busy-wait for work, and calls from parallel
/// loops stacked them on top of ours. Measured on the `small` model (2 cores shared with other
/// work): OpenBLAS threads everywhere gave 0.18x the Java backend's training speed; OpenBLAS
/// threads only outside parallel loops, 0.61x - 1.28x depending on the load; this split, see
/// the README's "Native backends".
///
/// **Bits.** Its order of summation differs from the Java one (blocks of `k`, fused
/// multiply-adds), so results differ in the last bits and are held to the Java backend by the
/// float error bound in the tests. They do not depend on the thread count: the blocks, and so
/// OpenBLAS's calls, depend on the shape only. (Blocks sized by the thread count would change the
/// last bits, and so would OpenBLAS's own threads.)
public final class BlasGemm implements Gemm {

    /// At most this many blocks per product: enough for 8 cores, few enough that OpenBLAS's
    /// packing of the shared operand (once per call) stays a small part of the work.
    static final int MAX_BLOCKS = 8;

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
        if (Gemm.handledEmpty(m, n, k, c, cOff, accumulate)) { // empty C, or K = 0 (which BLAS would reject: lda = 0)
            return;
        }
        // OpenBLAS on one thread; the parallelism is ours: independent row blocks of C (or
        // column blocks, for a product with fewer rows than columns such as decoding's GEMVs),
        // one call each. The blocks depend on the shape only, never on the thread count, so every
        // thread count computes the same calls and gets the same bits.
        blas.useThreads(1);
        int lda = transA ? m : k, ldb = transB ? k : n;
        float beta = accumulate ? 1f : 0f;
        boolean byRows = m >= n;
        int extent = byRows ? m : n;
        int blocks = (int) Math.min(MAX_BLOCKS, Math.max(1, extent / Parallel.grainFor((long) (byRows ? n : m) * k)));
        int per = (extent + blocks - 1) / blocks;
        Parallel.forRange(blocks, 1, (first, last) -> {
            for (int blk = first; blk < last; blk++) {
                int from = blk * per, to = Math.min(extent, from + per);
                if (from >= to) {
                    continue;
                }
                if (byRows) {
                    blas.sgemm(transA, transB, to - from, n, k, 1f,
                            a, aOff + (transA ? from : from * k), lda,   // rows from.. of op(A)
                            b, bOff, ldb,
                            beta, c, cOff + from * n, n);
                } else {
                    blas.sgemm(transA, transB, m, to - from, k, 1f,
                            a, aOff, lda,
                            b, bOff + (transB ? from * k : from), ldb,  // columns from.. of op(B)
                            beta, c, cOff + from, n);
                }
            }
        });
    }
}
