package dev.tinyseek.fp8;

import java.util.stream.IntStream;

/// The FP8 GEMM that training uses: the same numbers as
/// `new Fp8Gemm(Accumulation.FP32_SEQUENTIAL, nc, ScaleOrder.SCALES_FIRST, …)`, to the bit, at
/// close to the speed of the plain fp32 Java GEMM.
///
/// What it computes (DeepSeek-V3 §3.3.2, spec/fp8.md §4.5): for `A [M, K]` and `B [N, K]`,
///
/// `C[m, n] = Σ_chunks fma(s_a(m, chunk) · s_b(n, chunk), P(m, n, chunk), ·)`,
/// `P = Σ_{k in chunk} q_a[m, k] · q_b[n, k]` summed in `float` in `k` order.
///
/// A product of two E4M3 values has at most 8 significant bits, so it is exact in `float`;
/// only the running sum of a chunk rounds. That is "fp32 accumulation inside each promotion
/// interval", a slightly better tensor core than Hopper's (see [Accumulation#HOPPER_E8M13],
/// kept in [Fp8Gemm] for ablations).
///
/// Why it is fast, while giving the same bits as the straightforward [Fp8Gemm]:
/// 1. each operand is decoded once (unscaled values; [BlockScaling#quantizeValues] skips the bytes);
/// 2. `B` is laid out as column panels `[K][COLS]`, so that for a fixed `k` the row is contiguous;
/// 3. a micro-kernel runs 4 rows of `A` at once: `part_r[j] += a[r, k] · B[k, j]` over contiguous
///    `j` (the JIT vectorises it), and at the end of each chunk promotes
///    `acc_r[j] = fma(s_a · s_b[j], part_r[j], acc_r[j])`: every output still sees the same
///    sequence of roundings as in the reference;
/// 4. tiles of (4 rows × COLS columns) are independent outputs, spread over threads, so the
///    result is the same for any thread count.
public final class FastFp8Gemm {

    /// Columns per tile: 4 rows of partial sums and accumulators of this width stay in L1.
    static final int COLS = 256;
    /// Rows per micro-kernel call.
    static final int ROWS = 4;
    /// Below this many multiply-adds a GEMM runs on the calling thread (handing over costs more).
    static final long PARALLEL_WORK = 1L << 18;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2 * ROWS][COLS]);

    private FastFp8Gemm() {
    }

    /// `C = A·Bᵀ`, `[M, N]` in fp32, with promotion every `nc` elements of K (`Fp8Gemm.NEVER`
    /// for once at the end).
    public static float[] multiply(BlockQuantized a, // [M, K]
                                   BlockQuantized b, // [N, K]
                                   int nc) {
        int chunk = checkedChunk(a.rows(), a.cols(), b.rows(), b.cols(), nc);
        Fp8Gemm.checkChunksInsideScaleBlocks("A", a, chunk, a.cols());
        Fp8Gemm.checkChunksInsideScaleBlocks("B", b, chunk, a.cols());
        return multiply(Fp8Values.of(a), Fp8Values.of(b), nc);
    }

    /// The same product on decoded operands (what [BlockScaling#quantizeValues] returns).
    public static float[] multiply(Fp8Values a, // [M, K]
                                   Fp8Values b, // [N, K]
                                   int nc) {
        // 1. shapes and chunks, as the reference checks them
        int m = a.rows();
        int n = b.rows();
        int k = a.cols();
        int chunk = checkedChunk(m, k, n, b.cols(), nc);
        checkChunks("A", a.blockCols(), chunk, k);
        checkChunks("B", b.blockCols(), chunk, k);
        float[] c = new float[m * n]; // [M, N]
        if (m == 0 || n == 0) {
            return c;
        }
        int chunks = (k + chunk - 1) / chunk;
        int colBlocks = (n + COLS - 1) / COLS;
        // 2. A's values as they are; A's scale per (row, chunk)
        float[] da = a.values(); // [M, K]
        float[] sa = new float[m * chunks]; // [M, chunks]
        for (int i = 0; i < m; i++) {
            for (int ch = 0; ch < chunks; ch++) {
                sa[i * chunks + ch] = a.scaleAt(i, ch * chunk);
            }
        }
        // 3. B's values as column panels [cb][k][width], and its scales [cb][chunk][width]
        float[] bv = b.values();
        int width = Math.min(COLS, n); // panels as wide as B has rows, at most COLS
        float[][][] panels = new float[colBlocks][k][width];
        float[][][] sb = new float[colBlocks][chunks][width];
        for (int j = 0; j < n; j++) {
            float[][] panel = panels[j / COLS];
            int jj = j % COLS;
            int row = j * k;
            for (int p = 0; p < k; p++) {
                panel[p][jj] = bv[row + p];
            }
            for (int ch = 0; ch < chunks; ch++) {
                sb[j / COLS][ch][jj] = b.scaleAt(j, ch * chunk);
            }
        }
        // 4. independent tiles of ROWS × COLS outputs
        int rowBlocks = (m + ROWS - 1) / ROWS;
        int tiles = rowBlocks * colBlocks;
        IntStream range = IntStream.range(0, tiles);
        if ((long) m * n * k >= PARALLEL_WORK) {
            range = range.parallel();
        }
        range.forEach(t -> {
            int cb = t % colBlocks;
            int i0 = (t / colBlocks) * ROWS;
            int j0 = cb * COLS;
            tile(c, da, sa, panels[cb], sb[cb], i0, Math.min(ROWS, m - i0), j0, Math.min(COLS, n - j0), n, k, chunk, chunks);
        });
        return c;
    }

    private static int checkedChunk(int m, int k, int n, int bk, int nc) {
        if (bk != k) {
            throw new IllegalArgumentException("FastFp8Gemm.multiply: A is [" + m + ", " + k + "] and B is [" + n + ", "
                    + bk + "]; C = A·Bᵀ needs equal K (columns)");
        }
        if (nc < 0) {
            throw new IllegalArgumentException("FastFp8Gemm.multiply: promotion interval " + nc + " must be positive, or NEVER (0)");
        }
        return nc == Fp8Gemm.NEVER ? Math.max(k, 1) : nc;
    }

    private static void checkChunks(String name, int blockCols, int nc, int k) {
        if (blockCols < k && blockCols % nc != 0) {
            throw new IllegalArgumentException("FastFp8Gemm.multiply: " + name + " has scale blocks " + blockCols
                    + " wide along K = " + k + ", but promotion chunks are " + nc + " wide; each chunk must lie in one "
                    + "scale block (blockCols a multiple of N_C, or blockCols >= K)");
        }
    }

    /// One tile: rows `i0 .. i0+rows`, columns `j0 .. j0+cols` of C.
    private static void tile(float[] c, float[] da, float[] sa, float[][] panel, float[][] sb,
                             int i0, int rows, int j0, int cols, int n, int k, int chunk, int chunks) {
        float[][] s = SCRATCH.get();
        float[] acc0 = s[0], acc1 = s[1], acc2 = s[2], acc3 = s[3]; // [COLS] fp32 accumulators
        float[] p0 = s[4], p1 = s[5], p2 = s[6], p3 = s[7];         // [COLS] partial sums of a chunk
        for (int r = 0; r < ROWS; r++) {
            java.util.Arrays.fill(s[r], 0, cols, 0f);
        }
        for (int ch = 0; ch < chunks; ch++) {
            int k0 = ch * chunk;
            int k1 = Math.min(k, k0 + chunk);
            float[] sbc = sb[ch];
            if (rows == ROWS) {
                // tensor-core part: four partial sums, k in order
                java.util.Arrays.fill(p0, 0, cols, 0f);
                java.util.Arrays.fill(p1, 0, cols, 0f);
                java.util.Arrays.fill(p2, 0, cols, 0f);
                java.util.Arrays.fill(p3, 0, cols, 0f);
                int a0 = i0 * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
                for (int p = k0; p < k1; p++) {
                    float v0 = da[a0 + p], v1 = da[a1 + p], v2 = da[a2 + p], v3 = da[a3 + p];
                    float[] bp = panel[p];
                    for (int j = 0; j < cols; j++) {
                        float bv = bp[j];
                        p0[j] += v0 * bv;
                        p1[j] += v1 * bv;
                        p2[j] += v2 * bv;
                        p3[j] += v3 * bv;
                    }
                }
                // promotion: scale and add into the fp32 accumulators (DeepGEMM's order)
                promote(acc0, p0, sa[i0 * chunks + ch], sbc, cols);
                promote(acc1, p1, sa[(i0 + 1) * chunks + ch], sbc, cols);
                promote(acc2, p2, sa[(i0 + 2) * chunks + ch], sbc, cols);
                promote(acc3, p3, sa[(i0 + 3) * chunks + ch], sbc, cols);
            } else {
                for (int r = 0; r < rows; r++) {
                    float[] part = s[ROWS + r];
                    java.util.Arrays.fill(part, 0, cols, 0f);
                    int ar = (i0 + r) * k;
                    for (int p = k0; p < k1; p++) {
                        float v = da[ar + p];
                        float[] bp = panel[p];
                        for (int j = 0; j < cols; j++) {
                            part[j] += v * bp[j];
                        }
                    }
                    promote(s[r], part, sa[(i0 + r) * chunks + ch], sbc, cols);
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s[r], 0, c, (i0 + r) * n + j0, cols);
        }
    }

    /// `acc[j] = fma(sa · sb[j], part[j], acc[j])`: the reference's [ScaleOrder#SCALES_FIRST].
    private static void promote(float[] acc, float[] part, float sa, float[] sb, int cols) {
        for (int j = 0; j < cols; j++) {
            acc[j] = Math.fma(sa * sb[j], part[j], acc[j]);
        }
    }
}
