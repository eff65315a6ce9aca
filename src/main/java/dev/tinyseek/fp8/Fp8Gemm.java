package dev.tinyseek.fp8;

import java.util.stream.IntStream;

/// A simulated FP8 GEMM with fine-grained scales, as DeepSeek-V3 runs it (§3.3.2) and as
/// DeepGEMM implements it: `C = A·Bᵀ` for quantised activations `A [M, K]` and weights
/// `B [N, K]` (PyTorch layout, `y = x Wᵀ`), computed as
///
/// `C[m, n] = Σ_chunks  s_a(m, chunk) · s_b(n, chunk) · P(m, n, chunk)`,
/// `P = Σ_{k in chunk} q_a[m, k] · q_b[n, k]`
///
/// where the chunks are the promotion intervals of `N_C` elements along K (`docs/fp8.md#the-fp8-gemm`):
/// 1. inside a chunk the FP8 products are summed by the "tensor core", modelled by [Accumulation];
/// 2. at the end of each chunk the partial sum `P` is promoted: scaled by the two dequantisation
///    scales and added to an fp32 accumulator on the "CUDA cores", in the [ScaleOrder] chosen;
/// 3. the output is that fp32 accumulator (round it with [Bf16#round] for a bf16 output).
///
/// `N_C = 128` with 1x128 / 128x128 scales is DeepSeek's recipe. [#NEVER] promotes only once,
/// at the end of K: with [Accumulation#HOPPER_E8M13] that is cuBLAS `use_fast_accum=True`, and
/// it needs one scale per row of each operand along K (per-tensor or row-wise scaling), because
/// the tensor core cannot apply scales. In general every chunk must lie inside one scale block of
/// both operands.
///
/// Determinism: each output is computed by one thread in a fixed order, so the result is the
/// same to the bit for any number of threads. Speed: operands are decoded once through the
/// 256-entry tables; [Accumulation#EXACT] and [Accumulation#FP32_SEQUENTIAL] run as row-times-
/// matrix "axpy" loops that the JIT vectorises (for EXACT the chunk sum is exact, so the loop
/// order cannot change it; for FP32_SEQUENTIAL each output still adds in `k` order);
/// [Accumulation#HOPPER_E8M13] runs one [TensorCoreAccumulator] step per 32 products.
///
/// @param accumulation      the tensor-core model inside a chunk
/// @param promotionInterval N_C, elements of K per promotion (> 0, a multiple of 32 for Hopper), or [#NEVER]
/// @param scaleOrder        the order of the promotion's two multiplies and add
/// @param parallel          whether output rows are spread over the common fork-join pool
public record Fp8Gemm(Accumulation accumulation, int promotionInterval, ScaleOrder scaleOrder, boolean parallel) {

    /// Promotion interval meaning "never promote inside K".
    public static final int NEVER = 0;

    /// Checks the parameters.
    public Fp8Gemm {
        if (accumulation == null || scaleOrder == null) {
            throw new IllegalArgumentException("Fp8Gemm: accumulation and scaleOrder must be given, got " + accumulation + ", " + scaleOrder);
        }
        if (promotionInterval < 0) {
            throw new IllegalArgumentException("Fp8Gemm: promotionInterval = " + promotionInterval + " must be positive, or NEVER (0)");
        }
        if (accumulation == Accumulation.HOPPER_E8M13 && promotionInterval % TensorCoreAccumulator.K_STEP != 0) {
            throw new IllegalArgumentException("Fp8Gemm: promotionInterval = " + promotionInterval
                    + " must be a multiple of 32 (one wgmma step) with HOPPER_E8M13, or NEVER (0)");
        }
    }

    /// The ideal FP8 GEMM: exact chunk sums, promotion every 128, DeepGEMM's scale order, parallel.
    public static Fp8Gemm exact() {
        return new Fp8Gemm(Accumulation.EXACT, 128, ScaleOrder.SCALES_FIRST, true);
    }

    /// What an H800/H200 runs for DeepSeek: Hopper e8m13 accumulation, promotion every 128, DeepGEMM order.
    public static Fp8Gemm hopper() {
        return new Fp8Gemm(Accumulation.HOPPER_E8M13, 128, ScaleOrder.SCALES_FIRST, true);
    }

    /// The same GEMM with another promotion interval.
    public Fp8Gemm withPromotionInterval(int nc) {
        return new Fp8Gemm(accumulation, nc, scaleOrder, parallel);
    }

    /// The same GEMM with another accumulation model.
    public Fp8Gemm withAccumulation(Accumulation acc) {
        return new Fp8Gemm(acc, promotionInterval, scaleOrder, parallel);
    }

    /// The same GEMM with another scale order.
    public Fp8Gemm withScaleOrder(ScaleOrder order) {
        return new Fp8Gemm(accumulation, promotionInterval, order, parallel);
    }

    /// The same GEMM, parallel over rows or not (the result is the same either way).
    public Fp8Gemm withParallel(boolean on) {
        return new Fp8Gemm(accumulation, promotionInterval, scaleOrder, on);
    }

    /// `C = A·Bᵀ`, `[M, N]` in fp32, for `a` `[M, K]` and `b` `[N, K]`.
    public float[] multiply(BlockQuantized a, BlockQuantized b) {
        // 1. shapes and scale blocks
        int m = a.rows();
        int n = b.rows();
        int k = a.cols();
        if (b.cols() != k) {
            throw new IllegalArgumentException("Fp8Gemm.multiply: A is [" + m + ", " + k + "] and B is [" + n + ", "
                    + b.cols() + "]; C = A·Bᵀ needs equal K (columns)");
        }
        int nc = promotionInterval == NEVER ? Math.max(k, 1) : promotionInterval;
        checkChunksInsideScaleBlocks("A", a, nc, k);
        checkChunksInsideScaleBlocks("B", b, nc, k);
        float[] c = new float[m * n]; // [M, N]
        if (m == 0 || n == 0) {
            return c;
        }
        // 2. decode the operands once
        float[] da = new float[m * k]; // [M, K]
        float[] db = new float[n * k]; // [N, K]
        a.format().decode(a.codes(), da);
        b.format().decode(b.codes(), db);
        // 3. one task per output row
        IntStream rows = IntStream.range(0, m);
        if (accumulation == Accumulation.HOPPER_E8M13) {
            int[] ea = exponents(a);
            int[] eb = exponents(b);
            (parallel ? rows.parallel() : rows).forEach(i -> hopperRow(i, a, b, da, ea, db, eb, nc, c));
        } else {
            float[] bt = transpose(db, n, k); // [K, N]
            (parallel ? rows.parallel() : rows).forEach(i -> axpyRow(i, a, b, da, bt, nc, c));
        }
        return c;
    }

    /// EXACT / FP32_SEQUENTIAL: for each chunk, `part[j] += a[i,kk] · B[j,kk]` over `kk` in order,
    /// then promote `part` into the output row.
    private void axpyRow(int i, BlockQuantized a, BlockQuantized b, float[] da, float[] bt, int nc, float[] c) {
        int n = b.rows();
        int k = a.cols();
        int cRow = i * n;
        boolean exact = accumulation == Accumulation.EXACT;
        double[] partD = exact ? new double[n] : null; // [N]
        float[] partF = exact ? null : new float[n];   // [N]
        float[] part32 = new float[n];                 // [N] the fp32 partial the tensor core hands over
        for (int k0 = 0; k0 < k; k0 += nc) {
            int k1 = Math.min(k, k0 + nc);
            // tensor-core part of the chunk
            if (exact) {
                java.util.Arrays.fill(partD, 0.0);
                for (int kk = k0; kk < k1; kk++) {
                    float av = da[i * k + kk];
                    int off = kk * n;
                    for (int j = 0; j < n; j++) {
                        partD[j] += (double) (av * bt[off + j]); // FP8 products are exact in float
                    }
                }
                for (int j = 0; j < n; j++) {
                    part32[j] = (float) partD[j];
                }
            } else {
                java.util.Arrays.fill(partF, 0f);
                for (int kk = k0; kk < k1; kk++) {
                    float av = da[i * k + kk];
                    int off = kk * n;
                    for (int j = 0; j < n; j++) {
                        partF[j] += av * bt[off + j];
                    }
                }
                System.arraycopy(partF, 0, part32, 0, n);
            }
            // promotion: scale and add into the fp32 accumulator
            float sa = a.scaleAt(i, k0);
            for (int j = 0; j < n; j++) {
                c[cRow + j] = promote(c[cRow + j], part32[j], sa, b.scaleAt(j, k0));
            }
        }
    }

    /// HOPPER_E8M13: per output, chunks of [TensorCoreAccumulator#block] steps, each promoted.
    private void hopperRow(int i, BlockQuantized a, BlockQuantized b, float[] da, int[] ea, float[] db, int[] eb,
                           int nc, float[] c) {
        int n = b.rows();
        int k = a.cols();
        for (int j = 0; j < n; j++) {
            float acc = 0f;
            for (int k0 = 0; k0 < k; k0 += nc) {
                int len = Math.min(k, k0 + nc) - k0;
                float part = TensorCoreAccumulator.block(da, ea, i * k + k0, db, eb, j * k + k0, len);
                acc = promote(acc, part, a.scaleAt(i, k0), b.scaleAt(j, k0));
            }
            c[i * n + j] = acc;
        }
    }

    private float promote(float acc, float part, float sa, float sb) {
        return switch (scaleOrder) {
            case SCALES_FIRST -> Math.fma(sa * sb, part, acc);
            case PARTIAL_FIRST -> Math.fma(part * sa, sb, acc);
            case PARTIAL_FIRST_UNFUSED -> acc + (part * sa) * sb;
        };
    }

    static void checkChunksInsideScaleBlocks(String name, BlockQuantized q, int nc, int k) {
        if (q.blockCols() < k && q.blockCols() % nc != 0) {
            throw new IllegalArgumentException("Fp8Gemm.multiply: " + name + " has scale blocks " + q.blockCols()
                    + " wide along K = " + k + ", but promotion chunks are " + nc + " wide; each chunk must lie in one "
                    + "scale block (blockCols a multiple of N_C, or blockCols >= K)");
        }
    }

    private static int[] exponents(BlockQuantized q) {
        int[] table = TensorCoreAccumulator.exponentTable(q.format());
        byte[] codes = q.codes();
        int[] e = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
            e[i] = table[codes[i] & 0xFF];
        }
        return e;
    }

    private static float[] transpose(float[] x, int rows, int cols) { // x: [rows, cols] -> [cols, rows]
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = x[r * cols + col];
            }
        }
        return t;
    }
}
