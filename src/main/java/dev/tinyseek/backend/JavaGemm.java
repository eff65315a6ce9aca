package dev.tinyseek.backend;

/// The default GEMM: plain Java, about 3-4x the naive loops, bit-identical to [NaiveGemm].
///
/// How it is fast without giving up the summation order:
/// 1. `op(B)` is laid out as `[K, N]` (packed once per call when `transB`), so that for a fixed
///    `k` the row `B[k, j0..j1]` is contiguous.
/// 2. A micro-kernel takes 4 rows of `A` and a block of columns and runs, for `k = 0..K-1` in
///    order, `acc_r[j] += A[r,k] · B[k,j]`: an "axpy" over contiguous `j`, which the JIT turns
///    into SIMD instructions. Each `acc_r[j]` is still the same `float` sum in `k` order as the
///    naive dot product, so the results are the same to the bit.
/// 3. Tasks are (4 rows × column block) tiles: independent outputs, spread by [Parallel].
public final class JavaGemm implements Gemm {

    /// Columns per tile: 4 accumulator rows of this width stay in the L1 cache.
    static final int COLS = 512;
    /// Rows per micro-kernel call.
    static final int ROWS = 4;

    private static final ThreadLocal<float[][]> ACC = ThreadLocal.withInitial(() -> new float[ROWS][COLS]);
    private static final ThreadLocal<float[][][]> PANELS = ThreadLocal.withInitial(() -> new float[0][0][0]);

    @Override
    public String name() {
        return "java";
    }

    @Override
    public boolean naiveBits() {
        return true;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        Gemm.checkShapes(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
        if (Gemm.handledEmpty(m, n, k, c, cOff, accumulate)) { // empty C, or an empty sum (K = 0)
            return;
        }
        if (transB && m <= ROWS) { // up to 4 rows (decoding; verifying up to 3 drafts): dots beat packing B
            dots(transA, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
            return;
        }
        // 1. op(B) as panels: panel[cb][p] = B[p, cb*COLS ..] (its own array, indexed from 0)
        int colBlocks = (n + COLS - 1) / COLS;
        float[][][] panels = pack(transB, b, bOff, n, k, colBlocks);
        // 2-3. tiles of ROWS rows × COLS columns, independent outputs
        int rowBlocks = (m + ROWS - 1) / ROWS;
        int tiles = rowBlocks * colBlocks;
        int grain = Parallel.grainFor((long) Math.min(ROWS, m) * Math.min(n, COLS) * k);
        Parallel.forRange(tiles, grain, (from, to) -> {
            float[][] acc = ACC.get();
            for (int t = from; t < to; t++) {
                int cb = t % colBlocks;
                int i0 = (t / colBlocks) * ROWS;
                int j0 = cb * COLS;
                int rows = Math.min(ROWS, m - i0);
                int cols = Math.min(COLS, n - j0);
                tile(acc, transA, m, k, a, aOff, panels[cb], i0, rows, cols);
                for (int r = 0; r < rows; r++) {
                    float[] row = acc[r];
                    int ci = cOff + (i0 + r) * n + j0;
                    if (accumulate) {
                        for (int j = 0; j < cols; j++) {
                            c[ci + j] += row[j];
                        }
                    } else {
                        System.arraycopy(row, 0, c, ci, cols);
                    }
                }
            }
        });
    }

    /// Few rows (decoding one token, or a few in speculative decoding's verify step): packing B
    /// would cost as much as the product itself (measured: at 4 rows this path took 0.57-0.74 of
    /// the packed path's time at the presets' shapes), so
    /// each output is a plain dot product of a row of A with a row of B `[N, K]`, four outputs
    /// at a time so that four independent sums keep the CPU busy. Same order, same bits.
    static void dots(boolean transA, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                             float[] c, int cOff, boolean accumulate) {
        int groups = (n + 3) / 4;
        int grain = Parallel.grainFor(4L * k * m);
        int rowStride = transA ? 1 : k, pStride = transA ? m : 1;
        Parallel.forRange(groups, grain, (from, to) -> {
            for (int i = 0; i < m; i++) {
                int ar = aOff + i * rowStride;
                for (int g = from; g < to; g++) {
                    int j = g * 4;
                    int ci = cOff + i * n + j;
                    if (j + 4 <= n) {
                        int b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                        for (int p = 0; p < k; p++) {
                            float av = a[ar + p * pStride];
                            s0 += av * b[b0 + p];
                            s1 += av * b[b1 + p];
                            s2 += av * b[b2 + p];
                            s3 += av * b[b3 + p];
                        }
                        if (accumulate) {
                            c[ci] += s0; c[ci + 1] += s1; c[ci + 2] += s2; c[ci + 3] += s3;
                        } else {
                            c[ci] = s0; c[ci + 1] = s1; c[ci + 2] = s2; c[ci + 3] = s3;
                        }
                    } else {
                        for (int jj = j; jj < n; jj++) {
                            int bj = bOff + jj * k;
                            float sum = 0f;
                            for (int p = 0; p < k; p++) {
                                sum += a[ar + p * pStride] * b[bj + p];
                            }
                            int cj = cOff + i * n + jj;
                            c[cj] = accumulate ? c[cj] + sum : sum;
                        }
                    }
                }
            }
        });
    }

    /// acc[r][0..cols) = Σ_k A[i0+r, k] · panel[k][0..cols), k in order.
    ///
    /// Every array in the inner loops is indexed by the same `j` from 0: that is what lets the
    /// JIT prove the loop free of overlaps and use SIMD (with offsets it falls back to scalar).
    private static void tile(float[][] acc, boolean transA, int m, int k, float[] a, int aOff,
                             float[][] panel, int i0, int rows, int cols) {
        float[] c0 = acc[0], c1 = acc[1], c2 = acc[2], c3 = acc[3];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(acc[r], 0, cols, 0f);
        }
        // A[i, p] lives at aOff + i*k + p, or at aOff + p*m + i when transposed
        int rowStride = transA ? 1 : k;
        int pStride = transA ? m : 1;
        int base = aOff + i0 * rowStride;
        if (rows == ROWS) {
            for (int p = 0; p < k; p++) {
                int ap = base + p * pStride;
                float a0 = a[ap], a1 = a[ap + rowStride], a2 = a[ap + 2 * rowStride], a3 = a[ap + 3 * rowStride];
                float[] bp = panel[p];
                for (int j = 0; j < cols; j++) {
                    float bv = bp[j];
                    c0[j] += a0 * bv;
                    c1[j] += a1 * bv;
                    c2[j] += a2 * bv;
                    c3[j] += a3 * bv;
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                float[] cr = acc[r];
                int ar = base + r * rowStride;
                for (int p = 0; p < k; p++) {
                    float av = a[ar + p * pStride];
                    float[] bp = panel[p];
                    for (int j = 0; j < cols; j++) {
                        cr[j] += av * bp[j];
                    }
                }
            }
        }
    }

    /// Copies op(B) into column panels, reusing the calling thread's buffers.
    private static float[][][] pack(boolean transB, float[] b, int bOff, int n, int k, int colBlocks) {
        float[][][] panels = PANELS.get();
        if (panels.length < colBlocks || panels[0].length < k) {
            panels = new float[Math.max(colBlocks, panels.length)][Math.max(k, panels.length == 0 ? 0 : panels[0].length)][COLS];
            PANELS.set(panels);
        }
        final float[][][] dst = panels;
        Parallel.forRange(k, Parallel.grainFor(n), (from, to) -> {
            if (!transB) {
                for (int p = from; p < to; p++) {
                    for (int cb = 0; cb < colBlocks; cb++) {
                        int j0 = cb * COLS;
                        System.arraycopy(b, bOff + p * n + j0, dst[cb][p], 0, Math.min(COLS, n - j0));
                    }
                }
            } else {
                // B is [N, K]: gather a column of it; blocks of 8 p's keep the reads in cache lines
                for (int p0 = from; p0 < to; p0 += 8) {
                    int p1 = Math.min(to, p0 + 8);
                    for (int j = 0; j < n; j++) {
                        float[][] panel = dst[j / COLS];
                        int jj = j % COLS;
                        int src = bOff + j * k;
                        for (int p = p0; p < p1; p++) {
                            panel[p][jj] = b[src + p];
                        }
                    }
                }
            }
        });
        return dst;
    }
}
