package dev.tinyseek.backend;

/// `y = x Wᵀ` for a few rows of `x` (decoding one token, or verifying a few drafts), from a
/// weight kept transposed: `Wᵀ` as rows `[in][out]`, made once by [#transpose] and reused for
/// every token.
///
/// Why a second layout. Decoding multiplies one row (or `D + 1` rows when speculative decoding
/// verifies `D` drafts) by every weight of the model. With `W` stored `[out, in]`, each output is
/// a dot product, a chain of dependent additions that cannot use SIMD without changing the sum's
/// order. With `Wᵀ` the same sums become "axpy" updates over contiguous outputs,
/// `acc[j] += x[p] · Wᵀ[p][j]` for `p = 0..K-1`, which the JIT runs as SIMD, still one `float` sum
/// per output in `p` order, so the results are [NaiveGemm]'s to the bit.
///
/// And why extra rows cost less than the first: each row of `Wᵀ` is read from memory once and used
/// for all the rows of `x` while it sits in the L1 cache. When the weights do not fit in the
/// caches, one row is bound by memory bandwidth, and a second, third or fourth row mostly reuses
/// what was fetched for the first. That is the effect speculative decoding lives on
/// (`generate.SpeculativeDecoder`): checking `D` drafts in one step costs less than `D` steps.
/// How much less depends on the machine and the model: each extra row still pays its own
/// multiplies and adds, and on a 2-core CPU with 0.4 - 36 MB of weights a second row measured
/// 0.36 - 0.74 of the first (`tinyseek bench --mtp`).
///
/// The update of four `p` at once, `acc[j] = (((acc[j] + x0·w0[j]) + x1·w1[j]) + x2·w2[j]) + x3·w3[j]`,
/// is the same sequence of roundings as four separate updates; it only loads and stores `acc`
/// a quarter as often.
public final class FewRowGemm {

    /// The most rows this path takes; more rows go to the ordinary GEMM.
    public static final int MAX_ROWS = 8;
    /// Output columns per task: a thread's accumulators for [#MAX_ROWS] rows stay in L1.
    static final int COLS = 512;

    /// Each thread's accumulator rows, as long as the widest output seen (indexed like the output).
    private static final ThreadLocal<float[][]> ACC = ThreadLocal.withInitial(() -> new float[MAX_ROWS][0]);

    private FewRowGemm() {
    }

    /// `Wᵀ` as `[in][out]` rows, from `W[out, in]` row-major.
    public static float[][] transpose(float[] w, int out, int in) {
        if (out <= 0 || in <= 0 || w.length != (long) out * in) {
            throw new IllegalArgumentException("transpose: W has " + w.length + " numbers, not [" + out + ", " + in + "]");
        }
        float[][] wt = new float[in][out];
        // blocks of 8 inputs keep the reads of W within cache lines
        for (int p0 = 0; p0 < in; p0 += 8) {
            int p1 = Math.min(in, p0 + 8);
            for (int j = 0; j < out; j++) {
                int src = j * in;
                for (int p = p0; p < p1; p++) {
                    wt[p][j] = w[src + p];
                }
            }
        }
        return wt;
    }

    /// `y[M, out] = x[M, in] · W` with `W` given transposed as `wt[in][out]`; `1 ≤ M ≤ MAX_ROWS`.
    public static void multiply(float[] y,    // [M, out]
                                float[] x,    // [M, in]
                                float[][] wt, // [in][out]
                                int m) {
        int in = wt.length, out = in == 0 ? 0 : wt[0].length;
        if (m < 1 || m > MAX_ROWS || in == 0 || x.length != m * in || y.length != m * out) {
            throw new IllegalArgumentException("few-row gemm: x has " + x.length + " numbers and y " + y.length
                    + ", need x [" + m + ", " + in + "] and y [" + m + ", " + out + "] with 1 <= M <= " + MAX_ROWS);
        }
        int blocks = (out + COLS - 1) / COLS;
        Parallel.forRange(blocks, Parallel.grainFor((long) m * in * Math.min(out, COLS)), (from, to) -> {
            float[][] acc = ACC.get();
            if (acc[0].length < out) {
                acc = new float[MAX_ROWS][out];
                ACC.set(acc);
            }
            for (int cb = from; cb < to; cb++) {
                int j0 = cb * COLS, j1 = Math.min(out, j0 + COLS);
                block(acc, x, wt, m, in, j0, j1);
                for (int r = 0; r < m; r++) {
                    System.arraycopy(acc[r], j0, y, r * out + j0, j1 - j0);
                }
            }
        });
    }

    /// acc[r][j0 .. j1) = Σ_p x[r, p] · wt[p][j0 .. j1), `p` in order.
    ///
    /// The inner loops index every array by the same `j`, which lets the JIT prove them free of
    /// overlaps and use SIMD.
    private static void block(float[][] acc, float[] x, float[][] wt, int m, int in, int j0, int j1) {
        for (int r = 0; r < m; r++) {
            java.util.Arrays.fill(acc[r], j0, j1, 0f);
        }
        int p = 0;
        for (; p + 4 <= in; p += 4) {
            float[] w0 = wt[p], w1 = wt[p + 1], w2 = wt[p + 2], w3 = wt[p + 3];
            for (int r = 0; r < m; r++) {
                int xr = r * in + p;
                float x0 = x[xr], x1 = x[xr + 1], x2 = x[xr + 2], x3 = x[xr + 3];
                float[] c = acc[r];
                for (int j = j0; j < j1; j++) {
                    c[j] = (((c[j] + x0 * w0[j]) + x1 * w1[j]) + x2 * w2[j]) + x3 * w3[j];
                }
            }
        }
        for (; p < in; p++) {
            float[] wp = wt[p];
            for (int r = 0; r < m; r++) {
                float xv = x[r * in + p];
                float[] c = acc[r];
                for (int j = j0; j < j1; j++) {
                    c[j] += xv * wp[j];
                }
            }
        }
    }
}
