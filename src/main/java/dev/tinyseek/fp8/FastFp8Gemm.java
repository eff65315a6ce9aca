package dev.tinyseek.fp8;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/// The FP8 GEMM that training uses: the same numbers as
/// `new Fp8Gemm(Accumulation.FP32_SEQUENTIAL, nc, ScaleOrder.SCALES_FIRST, …)`, to the bit, at
/// close to the speed of the plain fp32 Java GEMM.
///
/// What it computes (DeepSeek-V3 §3.3.2, `docs/fp8.md#the-fp8-gemm`): for `A [M, K]` and `B [N, K]`,
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
/// 1. the operands come decoded ([Fp8Values], from [BlockScaling#quantizeValues]: no bytes);
/// 2. either operand may be stored transposed, `[K, M]` or `[K, N]`, as the backward pass has
///    them (`dyᵀ·x` for the weight gradient reads `dy` and `x` as they are: no transposes);
/// 3. `B` is laid out as column panels `[K][COLS]`, so that for a fixed `k` the row is contiguous;
/// 4. a micro-kernel runs 4 rows of `A` at once: `part_r[j] += a[r, k] · B[k, j]` over contiguous
///    `j` (the JIT vectorises it), and at the end of each chunk promotes
///    `acc_r[j] = fma(s_a · s_b[j], part_r[j], acc_r[j])`: every output still sees the same
///    sequence of roundings as in the reference;
/// 5. tiles of (4 rows × COLS columns) are independent outputs, spread over threads, so the
///    result is the same for any thread count.
public final class FastFp8Gemm {

    /// Columns per tile: 4 rows of partial sums and accumulators of this width stay in L1.
    static final int COLS = 256;
    /// Rows per micro-kernel call.
    static final int ROWS = 4;
    /// Below this many multiply-adds a GEMM runs on the calling thread (handing over costs more).
    static final long PARALLEL_WORK = 1L << 18;

    /// How the independent tiles of one product are spread over threads: `run` must call
    /// `body.accept(t)` exactly once for every `t` in `[0, count)`, in any order, on any threads
    /// (each tile writes only its own outputs, so the result does not depend on it).
    @FunctionalInterface
    public interface TileRunner {
        void run(int count, long workPerTile, IntConsumer body);
    }

    /// Every tile on the calling thread.
    public static final TileRunner SEQUENTIAL = (count, work, body) -> {
        for (int t = 0; t < count; t++) {
            body.accept(t);
        }
    };

    /// Tiles on the common fork-join pool when the product is big enough (the default here;
    /// the model passes the project's own parallel helper, which runs nested loops inline).
    public static final TileRunner COMMON_POOL = (count, work, body) -> {
        if (count * work >= PARALLEL_WORK) {
            IntStream.range(0, count).parallel().forEach(body);
        } else {
            SEQUENTIAL.run(count, work, body);
        }
    };

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2 * ROWS][COLS]);

    private FastFp8Gemm() {
    }

    /// `C = A·Bᵀ`, `[M, N]` in fp32, with promotion every `nc` elements of K (`Fp8Gemm.NEVER`
    /// for once at the end).
    public static float[] multiply(BlockQuantized a, // [M, K]
                                   BlockQuantized b, // [N, K]
                                   int nc) {
        return multiply(Fp8Values.of(a), false, Fp8Values.of(b), false, nc, COMMON_POOL);
    }

    /// The same product on decoded operands `A [M, K]` and `B [N, K]`.
    public static float[] multiply(Fp8Values a, // [M, K]
                                   Fp8Values b, // [N, K]
                                   int nc) {
        return multiply(a, false, b, false, nc, COMMON_POOL);
    }

    /// `C = A·Bᵀ` where `A` is stored `[M, K]`, or `[K, M]` when `aStoredKByM`, and `B` is
    /// stored `[N, K]`, or `[K, N]` when `bStoredKByN`; scale blocks belong to the stored layout.
    /// `threads` spreads the tiles (the result is the same to the bit for any runner).
    public static float[] multiply(Fp8Values a, boolean aStoredKByM, Fp8Values b, boolean bStoredKByN, int nc, TileRunner threads) {
        // 1. shapes and chunks, as the reference checks them
        int m = aStoredKByM ? a.cols() : a.rows();
        int k = aStoredKByM ? a.rows() : a.cols();
        int n = bStoredKByN ? b.cols() : b.rows();
        int bk = bStoredKByN ? b.rows() : b.cols();
        if (bk != k) {
            throw new IllegalArgumentException("FastFp8Gemm.multiply: A is [" + m + ", " + k + "] and B is [" + n + ", "
                    + bk + "]; C = A·Bᵀ needs equal K (columns)");
        }
        if (nc < 0) {
            throw new IllegalArgumentException("FastFp8Gemm.multiply: promotion interval " + nc + " must be positive, or NEVER (0)");
        }
        int chunk = nc == Fp8Gemm.NEVER ? Math.max(k, 1) : nc;
        checkChunks("A", aStoredKByM ? a.blockRows() : a.blockCols(), chunk, k);
        checkChunks("B", bStoredKByN ? b.blockRows() : b.blockCols(), chunk, k);
        float[] c = new float[m * n]; // [M, N]
        if (m == 0 || n == 0) {
            return c;
        }
        int chunks = (k + chunk - 1) / chunk;
        int colBlocks = (n + COLS - 1) / COLS;
        // 2. A as stored: element (i, p) at i·rowStride + p·kStride; its scale per (row, chunk)
        float[] da = a.values();
        int rowStride = aStoredKByM ? 1 : k;
        int kStride = aStoredKByM ? m : 1;
        float[] sa = new float[m * chunks]; // [M, chunks]
        for (int i = 0; i < m; i++) {
            for (int ch = 0; ch < chunks; ch++) {
                sa[i * chunks + ch] = aStoredKByM ? a.scaleAt(ch * chunk, i) : a.scaleAt(i, ch * chunk);
            }
        }
        // 3. B as column panels [cb][k][width], and its scales [cb][chunk][width]
        float[] bv = b.values();
        int width = Math.min(COLS, n); // panels as wide as B has rows, at most COLS
        float[][][] panels = new float[colBlocks][k][width];
        float[][][] sb = new float[colBlocks][chunks][width];
        if (bStoredKByN) {
            for (int p = 0; p < k; p++) {
                for (int cb = 0; cb < colBlocks; cb++) {
                    System.arraycopy(bv, p * n + cb * COLS, panels[cb][p], 0, Math.min(COLS, n - cb * COLS));
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                float[][] panel = panels[j / COLS];
                int jj = j % COLS;
                for (int p = 0, row = j * k; p < k; p++) {
                    panel[p][jj] = bv[row + p];
                }
            }
        }
        for (int j = 0; j < n; j++) {
            for (int ch = 0; ch < chunks; ch++) {
                sb[j / COLS][ch][j % COLS] = bStoredKByN ? b.scaleAt(ch * chunk, j) : b.scaleAt(j, ch * chunk);
            }
        }
        // 4. independent tiles of ROWS × COLS outputs
        int rowBlocks = (m + ROWS - 1) / ROWS;
        int tiles = rowBlocks * colBlocks;
        threads.run(tiles, (long) Math.min(ROWS, m) * Math.min(COLS, n) * k, t -> {
            int cb = t % colBlocks;
            int i0 = (t / colBlocks) * ROWS;
            int j0 = cb * COLS;
            tile(c, da, rowStride, kStride, sa, panels[cb], sb[cb], i0, Math.min(ROWS, m - i0), j0, Math.min(COLS, n - j0),
                    n, k, chunk, chunks);
        });
        return c;
    }

    private static void checkChunks(String name, int blockAlongK, int nc, int k) {
        if (blockAlongK < k && blockAlongK % nc != 0) {
            throw new IllegalArgumentException("FastFp8Gemm.multiply: " + name + " has scale blocks " + blockAlongK
                    + " wide along K = " + k + ", but promotion chunks are " + nc + " wide; each chunk must lie in one "
                    + "scale block (blockCols a multiple of N_C, or blockCols >= K)");
        }
    }

    /// One tile: rows `i0 .. i0+rows`, columns `j0 .. j0+cols` of C.
    private static void tile(float[] c, float[] da, int rowStride, int kStride, float[] sa, float[][] panel, float[][] sb,
                             int i0, int rows, int j0, int cols, int n, int k, int chunk, int chunks) {
        float[][] s = SCRATCH.get();
        float[] acc0 = s[0], acc1 = s[1], acc2 = s[2], acc3 = s[3]; // [COLS] fp32 accumulators
        float[] p0 = s[4], p1 = s[5], p2 = s[6], p3 = s[7];         // [COLS] partial sums of a chunk
        for (int r = 0; r < ROWS; r++) {
            java.util.Arrays.fill(s[r], 0, cols, 0f);
        }
        int base = i0 * rowStride;
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
                for (int p = k0; p < k1; p++) {
                    int ap = base + p * kStride;
                    float v0 = da[ap], v1 = da[ap + rowStride], v2 = da[ap + 2 * rowStride], v3 = da[ap + 3 * rowStride];
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
                    int ar = base + r * rowStride;
                    for (int p = k0; p < k1; p++) {
                        float v = da[ar + p * kStride];
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
