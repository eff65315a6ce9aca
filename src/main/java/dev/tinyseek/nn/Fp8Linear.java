package dev.tinyseek.nn;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.fp8.BlockQuantized;
import dev.tinyseek.fp8.BlockScaling;
import dev.tinyseek.fp8.FastFp8Gemm;
import dev.tinyseek.fp8.Fp8Gemm;
import dev.tinyseek.fp8.Fp8Values;
import dev.tinyseek.fp8.ScaleOrder;

/// The three GEMMs of a linear layer `y = x Wᵀ` in simulated FP8, as DeepSeek-V3 trains
/// (§3.3.1-3.3.2, Figure 6 and 7; `docs/fp8.md#the-training-recipe`). The table of operands and tiles is
/// in [Fp8Recipe].
///
/// Each GEMM: 1. quantise both operands (E4M3, scales from each tile's own amax, computed now,
/// no history); 2. multiply the FP8 values, sum them per promotion interval of `T` along K,
/// promote each partial sum times its two scales into an fp32 accumulator. The output, and
/// everything outside the GEMMs (master weights, gradient accumulation with `+=`), is `float`.
///
/// Choices we made, not fixed by the paper:
/// - Wgrad re-quantises `x` and `dy` from their fp32 values in tiles along the tokens (DeepSeek
///   caches `x` in FP8 and re-tiles it from 1x128 to 128x1; that adds a second rounding we skip);
/// - Dgrad quantises `Wᵀ`, whose TxT blocks hold the same elements as `W`'s, so it has the same
///   codes and scales as Fprop's `W`, transposed;
/// - the fp32 accumulation inside a promotion interval is the default (fast, and a product of
///   two E4M3 values is exact in `float`); Hopper's truncating accumulator is an option.
public final class Fp8Linear {

    /// The FP8 GEMM's tiles go through the project's parallel helper, as the fp32 GEMM's do:
    /// the same thread count, and inline when already inside a parallel loop (MoE experts).
    static final FastFp8Gemm.TileRunner THREADS = (count, work, body) ->
            Parallel.forRange(count, Parallel.grainFor(work), (from, to) -> {
                for (int t = from; t < to; t++) {
                    body.accept(t);
                }
            });

    private Fp8Linear() {
    }

    /// Fprop: `y[N, out] = x[N, in] · Wᵀ`.
    public static float[] forward(float[] x, // [N, in]
                                  float[] w, // [out, in]
                                  int n, int in, int out, Fp8Recipe recipe) {
        checkShape("x", x, n, in);
        checkShape("W", w, out, in);
        return gemm(x, recipe.scaling(1, n, in), n, w, recipe.scaling(recipe.tile(), out, in), out, in, recipe);
    }

    /// Dgrad and Wgrad: returns `dx[N, in] = dy · W` and adds `dyᵀ · x` to `dw[out, in]`.
    public static float[] backward(float[] dw, // [out, in] gradient, accumulated with +=
                                   float[] dy, // [N, out]
                                   float[] x,  // [N, in], the forward input
                                   float[] w,  // [out, in]
                                   int n, int in, int out, Fp8Recipe recipe) {
        checkShape("dy", dy, n, out);
        checkShape("x", x, n, in);
        checkShape("W", w, out, in);
        checkShape("dW", dw, out, in);
        int t = recipe.tile();
        float[] dx; // [N, in]
        float[] g;  // [out, in]
        if (recipe.accumulation() == Accumulation.FP32_SEQUENTIAL) {
            // the fast path reads every operand as it is stored; the blocks of a transposed
            // operand are the same elements, so the same values and scales
            // 1. Dgrad: dx = dy · W = dy · (Wᵀ)ᵀ, K = out; Wᵀ [in, out] is W [out, in] read as [K, N]
            Fp8Values qdy = recipe.scaling(recipe.gradientBlockRows(), n, out).quantizeValues(dy, n, out);
            Fp8Values qw = recipe.scaling(t, out, in).quantizeValues(w, out, in);
            dx = FastFp8Gemm.multiply(qdy, false, qw, true, t, THREADS);
            // 2. Wgrad: dW = dyᵀ · x = dyᵀ · (xᵀ)ᵀ, K = N; dy and x read as [K, M] and [K, N],
            //    their 1xT tiles along the tokens are Tx1 blocks of the stored arrays
            Fp8Values qdyt = recipe.scalingAlongRows(n, out).quantizeValues(dy, n, out);
            Fp8Values qxt = recipe.scalingAlongRows(n, in).quantizeValues(x, n, in);
            g = FastFp8Gemm.multiply(qdyt, true, qxt, true, t, THREADS);
        } else {
            dx = gemm(dy, recipe.scaling(recipe.gradientBlockRows(), n, out), n,
                    transpose(w, out, in), recipe.scaling(t, in, out), in, out, recipe);
            g = gemm(transpose(dy, n, out), recipe.scaling(1, out, n), out,
                    transpose(x, n, in), recipe.scaling(1, in, n), in, n, recipe);
        }
        for (int i = 0; i < g.length; i++) {
            dw[i] += g[i];
        }
        return dx;
    }

    /// `A[M, K]·B[N, K]ᵀ`, each operand quantised by its scaling, with promotion every tile: the
    /// fast path (values, no bytes) for fp32 accumulation, the reference [Fp8Gemm] for the others.
    static float[] gemm(float[] a, BlockScaling scaleA, int m, float[] b, BlockScaling scaleB, int n, int k, Fp8Recipe recipe) {
        if (recipe.accumulation() == Accumulation.FP32_SEQUENTIAL) {
            return FastFp8Gemm.multiply(scaleA.quantizeValues(a, m, k), false, scaleB.quantizeValues(b, n, k), false, recipe.tile(), THREADS);
        }
        BlockQuantized qa = scaleA.quantize(a, m, k);
        BlockQuantized qb = scaleB.quantize(b, n, k);
        return new Fp8Gemm(recipe.accumulation(), recipe.tile(), ScaleOrder.SCALES_FIRST, true).multiply(qa, qb);
    }

    static float[] transpose(float[] x, int rows, int cols) { // x: [rows, cols] -> [cols, rows]
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[r * cols + c];
            }
        }
        return t;
    }

    private static void checkShape(String name, float[] a, int rows, int cols) {
        if (a == null || a.length != rows * cols) {
            throw new IllegalArgumentException("fp8 linear: " + name + " has length " + (a == null ? "null" : a.length)
                    + " but shape [" + rows + ", " + cols + "] needs " + rows * cols);
        }
    }
}
