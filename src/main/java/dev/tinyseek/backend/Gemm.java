package dev.tinyseek.backend;

/// A general matrix multiply, the one operation every linear layer is made of.
///
/// `C[M,N] = op(A) · op(B)`, or `C += op(A)·op(B)` when `accumulate`, with row-major operands:
/// - `A` is `[M,K]`, or `[K,M]` read transposed when `transA`;
/// - `B` is `[K,N]`, or `[N,K]` read transposed when `transB` (a weight `[out, in]` in `y = x Wᵀ`).
///
/// The contract every implementation keeps, so that results do not depend on the backend's
/// thread count: each `C[i,j]` is one sum over `k` computed by one thread. The Java backends also
/// keep the order: the sum runs over `k = 0..K-1` in `float`, starting from zero, and is then
/// added to `C[i,j]` when accumulating. That makes [JavaGemm] bit-identical to [NaiveGemm].
/// Native backends (BLAS, cuBLAS) reorder the sum and are held to the Java ones by tolerance.
public interface Gemm {

    /// A short name for messages and benchmarks: `naive`, `java`, `blas`, `cuda`.
    String name();

    /// Whether every result is [NaiveGemm]'s to the bit (`naive`, `java`, `vector`: one `float` sum
    /// per output in `k` order). Where it is, a caller may run a product through another path that
    /// keeps that order, such as decoding's [FewRowGemm], and no result changes.
    default boolean naiveBits() {
        return false;
    }

    /// `C (+)= op(A)·op(B)`; see the interface comment for layouts.
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff,   // [M,K] or [K,M]
              float[] b, int bOff,   // [K,N] or [N,K]
              float[] c, int cOff,   // [M,N]
              boolean accumulate);

    /// Checks that each operand holds the elements its shape needs, naming the operand and shapes.
    static void checkShapes(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size M=" + m + " N=" + n + " K=" + k);
        }
        need("A", transA ? "[" + k + "," + m + "]" : "[" + m + "," + k + "]", a, aOff, (long) m * k);
        need("B", transB ? "[" + n + "," + k + "]" : "[" + k + "," + n + "]", b, bOff, (long) k * n);
        need("C", "[" + m + "," + n + "]", c, cOff, (long) m * n);
    }

    /// The shapes with nothing to multiply, answered the same way by every backend: an empty C
    /// is left alone, and an empty sum (K = 0) is `+0f`, added to C (`-0.0 + 0f = +0.0`) or
    /// stored, as the naive loops do. Returns whether the call was one of these.
    static boolean handledEmpty(int m, int n, int k, float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) {
            return true;
        }
        if (k != 0) {
            return false;
        }
        for (int i = cOff; i < cOff + m * n; i++) {
            c[i] = accumulate ? c[i] + 0f : 0f;
        }
        return true;
    }

    private static void need(String what, String shape, float[] x, int off, long count) {
        if (off < 0 || (long) off + count > x.length) {
            throw new IllegalArgumentException("gemm: operand " + what + " of shape " + shape
                    + " needs " + count + " floats from offset " + off + " but its array has " + x.length);
        }
    }
}
