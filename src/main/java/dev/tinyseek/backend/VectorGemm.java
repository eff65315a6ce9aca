package dev.tinyseek.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/// The GEMM written with the Vector API (`jdk.incubator.vector`): register-blocked micro-kernels,
/// bit-identical to [NaiveGemm] and [JavaGemm].
///
/// The module is an incubator module: the JVM resolves it only when asked
/// (`--add-modules jdk.incubator.vector`, which `./tinyseek`, `./tinyseek jshell` and the tests
/// pass). [Backends] checks for it before it touches this class; without it the plain-Java GEMM
/// runs instead. Construct this class only where [Backends#vectorPresent()] is true.
///
/// How it is fast without giving up the summation order:
/// 1. `op(B)` is packed into panels of `NR = 2 × lanes` columns (32 on AVX-512, 16 on AVX2),
///    `panel[p][0..NR)` = `B[p, j0..j0+NR)`, zero beyond the last column. A block of `MR = 8`
///    rows of `A` is read where it lies; only the last, shorter block is packed into
///    `ap[p][0..MR)`, zero beyond the last row.
/// 2. The micro-kernel holds the whole `MR × NR` tile of `C` in 16 vector registers and runs
///    `p = 0..K-1` in order: broadcast `A[r, p]`, load two vectors of `B[p, ·]`, and for each
///    accumulator `c = c + a · b` (a multiply, then an add: two roundings, exactly the naive
///    loop's `sum += a * b`, never a fused multiply-add). Each lane is one output's sum in `k`
///    order, so the result is [NaiveGemm]'s to the bit; only `C` is touched once per tile
///    instead of once per `p`.
/// 3. Tasks are tiles (8 rows × one panel), independent outputs, spread by [Parallel].
///
/// Few rows with `B` transposed (decoding a token: `y = x Wᵀ` with one row of `x`) go to
/// [JavaGemm]'s dot products: packing `W` would cost more than the product. A caller that keeps
/// `Wᵀ` can use [FewRowGemm] instead, with the same bits ([#naiveBits()]).
public final class VectorGemm implements Gemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /// Floats per vector register (16 with AVX-512, 8 with AVX2).
    static final int LANES = S.length();
    /// Rows of `A` per micro-kernel call.
    static final int MR = 8;
    /// Columns of `B` per panel: two vectors.
    static final int NR = 2 * LANES;

    /// The calling thread's packed `op(B)` (all panels), grown as needed.
    private static final ThreadLocal<float[][]> PACKED_B = ThreadLocal.withInitial(() -> new float[1][0]);
    /// Each worker's `MR × NR` block that a tile's sums go through on their way to `C`.
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);
    /// Each worker's packed rows of `A`, grown as needed.
    private static final ThreadLocal<float[][]> PACKED_A = ThreadLocal.withInitial(() -> new float[1][0]);

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public boolean naiveBits() {
        return true;
    }

    /// The vector shape this backend runs with, for messages: e.g. `16 floats (512 bits)`.
    public static String shape() {
        return LANES + " floats (" + S.vectorBitSize() + " bits)";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        Gemm.checkShapes(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
        if (Gemm.handledEmpty(m, n, k, c, cOff, accumulate)) { // empty C, or an empty sum (K = 0)
            return;
        }
        if (transB && m <= JavaGemm.ROWS) { // decoding: dot products beat packing B
            JavaGemm.dots(transA, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
            return;
        }
        // 1. op(B) as panels of NR columns, panel q at bp[q·K·NR ..]
        int panels = (n + NR - 1) / NR;
        float[] bp = packB(transB, b, bOff, n, k, panels);
        // 2-3. tiles of MR rows × one panel; consecutive tiles share their rows of A
        int rowBlocks = (m + MR - 1) / MR;
        int grain = Parallel.grainFor((long) MR * NR * k);
        Parallel.forRange(rowBlocks * panels, grain, (from, to) -> {
            float[] ap = packedA(k);
            float[] tile = TILE.get();
            int packedBlock = -1;
            for (int t = from; t < to; t++) {
                int rb = t / panels, q = t % panels;
                int i0 = rb * MR;
                int rows = Math.min(MR, m - i0), cols = n - q * NR;
                int cBase = cOff + i0 * n + q * NR;
                if (rows == MR) { // a full block of rows: A is read where it lies, element (r, p) at base + r·rowStep + p·kStep
                    int base = transA ? aOff + i0 : aOff + i0 * k;
                    kernel(a, base, transA ? 1 : k, transA ? m : 1, bp, q * k * NR, k, tile);
                } else { // the last rows: packed, zero-padded to MR
                    if (rb != packedBlock) {
                        packA(ap, transA, a, aOff, m, k, i0);
                        packedBlock = rb;
                    }
                    kernel(ap, 0, 1, MR, bp, q * k * NR, k, tile);
                }
                writeBack(tile, c, cBase, n, rows, cols, accumulate);
            }
        });
    }

    /// The micro-kernel: `Σ_p A[r, p] · bp[p][j]` for `r < MR`, `j < NR`, `p` in order, with the
    /// 8 × 2 vectors of the tile in registers. `A[r, p]` is `a[aBase + r·rowStep + p·kStep]`: the
    /// packed block (`rowStep` 1, `kStep` MR), or `A` itself (`[M, K]`: `K`, 1; `[K, M]`: 1, `M`).
    private static void kernel(float[] a, int aBase, int rowStep, int kStep, float[] bp, int bBase, int k, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int a0 = aBase, a1 = a0 + rowStep, a2 = a1 + rowStep, a3 = a2 + rowStep;
        int a4 = a3 + rowStep, a5 = a4 + rowStep, a6 = a5 + rowStep, a7 = a6 + rowStep;
        for (int p = 0, ai = 0, bi = bBase; p < k; p++, ai += kStep, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + LANES);
            FloatVector av = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = c00.add(av.mul(b0));
            c01 = c01.add(av.mul(b1));
            av = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = c10.add(av.mul(b0));
            c11 = c11.add(av.mul(b1));
            av = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = c20.add(av.mul(b0));
            c21 = c21.add(av.mul(b1));
            av = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = c30.add(av.mul(b0));
            c31 = c31.add(av.mul(b1));
            av = FloatVector.broadcast(S, a[a4 + ai]);
            c40 = c40.add(av.mul(b0));
            c41 = c41.add(av.mul(b1));
            av = FloatVector.broadcast(S, a[a5 + ai]);
            c50 = c50.add(av.mul(b0));
            c51 = c51.add(av.mul(b1));
            av = FloatVector.broadcast(S, a[a6 + ai]);
            c60 = c60.add(av.mul(b0));
            c61 = c61.add(av.mul(b1));
            av = FloatVector.broadcast(S, a[a7 + ai]);
            c70 = c70.add(av.mul(b0));
            c71 = c71.add(av.mul(b1));
        }
        // the tile goes to a scratch block first: one small method the JIT keeps in registers
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + LANES);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + LANES);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + LANES);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + LANES);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + LANES);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + LANES);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + LANES);
    }

    /// `C[rows, cols] (+)= tile[rows][0..cols)`: stored, or added to what is there (`C + sum`, as
    /// the naive loop does).
    private static void writeBack(float[] tile, float[] c, int cBase, int ldc, int rows, int cols, boolean accumulate) {
        int w = Math.min(cols, NR);
        for (int r = 0; r < rows; r++) {
            int ci = cBase + r * ldc, ti = r * NR;
            if (accumulate) {
                for (int j = 0; j < w; j++) {
                    c[ci + j] += tile[ti + j];
                }
            } else {
                System.arraycopy(tile, ti, c, ci, w);
            }
        }
    }

    /// `ap[p·MR + r] = A[i0 + r, p]`, zero for rows past `m`.
    private static void packA(float[] ap, boolean transA, float[] a, int aOff, int m, int k, int i0) {
        int rows = Math.min(MR, m - i0);
        if (transA) { // A is [K, M]: the MR rows of A at one p are contiguous
            for (int p = 0; p < k; p++) {
                System.arraycopy(a, aOff + p * m + i0, ap, p * MR, rows);
                for (int r = rows; r < MR; r++) {
                    ap[p * MR + r] = 0f;
                }
            }
        } else {
            for (int r = 0; r < MR; r++) {
                if (r < rows) {
                    int src = aOff + (i0 + r) * k;
                    for (int p = 0; p < k; p++) {
                        ap[p * MR + r] = a[src + p];
                    }
                } else {
                    for (int p = 0; p < k; p++) {
                        ap[p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    private static float[] packedA(int k) {
        float[][] holder = PACKED_A.get();
        if (holder[0].length < MR * k) {
            holder[0] = new float[MR * k];
        }
        return holder[0];
    }

    /// `bp[(q·K + p)·NR + jj] = op(B)[p, q·NR + jj]`, zero for columns past `n`; reuses the calling
    /// thread's buffer.
    private static float[] packB(boolean transB, float[] b, int bOff, int n, int k, int panels) {
        float[][] holder = PACKED_B.get();
        int size = panels * k * NR;
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        float[] bp = holder[0];
        Parallel.forRange(panels, Parallel.grainFor((long) k * NR), (from, to) -> {
            for (int q = from; q < to; q++) {
                int j0 = q * NR, cols = Math.min(NR, n - j0), base = q * k * NR;
                if (!transB) { // B is [K, N]: each panel row is a piece of a row of B
                    for (int p = 0; p < k; p++) {
                        int dst = base + p * NR;
                        System.arraycopy(b, bOff + p * n + j0, bp, dst, cols);
                        java.util.Arrays.fill(bp, dst + cols, dst + NR, 0f);
                    }
                } else { // B is [N, K]: each column of the panel is a piece of a row of B
                    for (int jj = 0; jj < NR; jj++) {
                        if (jj < cols) {
                            int src = bOff + (j0 + jj) * k;
                            for (int p = 0; p < k; p++) {
                                bp[base + p * NR + jj] = b[src + p];
                            }
                        } else {
                            for (int p = 0; p < k; p++) {
                                bp[base + p * NR + jj] = 0f;
                            }
                        }
                    }
                }
            }
        });
        return bp;
    }
}
