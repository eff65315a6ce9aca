package dev.tinyseek.nn;

import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.fp8.BlockScaling;

/// How a [Linear] layer in [Precision#FP8] quantises its GEMM operands (DeepSeek-V3 §3.3.2 and
/// App. B.2; `docs/fp8.md#the-training-recipe`). With tile size `T`:
///
/// | GEMM | product | first operand | second operand | K |
/// |---|---|---|---|---|
/// | Fprop | `y = x Wᵀ` | `x [N, in]`, 1xT tiles | `W [out, in]`, TxT blocks | in |
/// | Dgrad | `dx = dy W` | `dy [N, out]`, 1xT tiles | `Wᵀ [in, out]`, TxT blocks | out |
/// | Wgrad | `dW = dyᵀ x` | `dyᵀ [out, N]`, 1xT tiles | `xᵀ [in, N]`, 1xT tiles | N (tokens) |
///
/// so every scale runs along the GEMM's inner dimension K, and partial sums are promoted to the
/// fp32 accumulator every `T` elements of K (DeepSeek: `T = 128`, `N_C = 128`). All tensors use
/// E4M3FN with saturation; scales are fp32 `max(amax, 1e-4)/448`.
///
/// Two switches exist only for the ablations of `tinyseek fp8-ablation`:
/// `perTensor` replaces every tile and block by one scale per tensor, and `gradientBlockRows = T`
/// quantises the Dgrad input `dy` in TxT blocks instead of 1xT tiles (the setting that made
/// DeepSeek's 16B MoE diverge).
///
/// @param tile              T, the tile/block edge and the promotion interval (128 in DeepSeek; 32 suits tiny models)
/// @param accumulation      the tensor-core model inside a promotion interval; `FP32_SEQUENTIAL` (default) is fast
/// @param perTensor         one scale per tensor instead of tiles and blocks (ablation)
/// @param gradientBlockRows rows of the Dgrad input's scale blocks: 1 (V3) or T (ablation)
public record Fp8Recipe(int tile, Accumulation accumulation, boolean perTensor, int gradientBlockRows) {

    /// Checks the parameters.
    public Fp8Recipe {
        if (tile < 1) {
            throw new IllegalArgumentException("fp8 recipe: tile = " + tile + " must be >= 1 (DeepSeek uses 128; 32 suits the tiny model)");
        }
        if (accumulation == null) {
            throw new IllegalArgumentException("fp8 recipe: accumulation must be given (FP32_SEQUENTIAL, EXACT or HOPPER_E8M13)");
        }
        if (accumulation == Accumulation.HOPPER_E8M13 && tile % 32 != 0) {
            throw new IllegalArgumentException("fp8 recipe: tile = " + tile + " must be a multiple of 32 with HOPPER_E8M13 (one wgmma step)");
        }
        if (gradientBlockRows != 1 && gradientBlockRows != tile) {
            throw new IllegalArgumentException("fp8 recipe: gradientBlockRows = " + gradientBlockRows + " must be 1 (1xT tiles) or the tile "
                    + tile + " (TxT blocks)");
        }
    }

    /// DeepSeek-V3's recipe with tile `T`: 1xT / TxT scales, fp32 accumulation per promotion interval.
    public static Fp8Recipe deepseek(int tile) {
        return new Fp8Recipe(tile, Accumulation.FP32_SEQUENTIAL, false, 1);
    }

    /// The same recipe with another tensor-core model (HOPPER_E8M13 for ablations; slow).
    public Fp8Recipe withAccumulation(Accumulation acc) {
        return new Fp8Recipe(tile, acc, perTensor, gradientBlockRows);
    }

    /// The same recipe with one scale per tensor, or with tiles and blocks.
    public Fp8Recipe withPerTensor(boolean on) {
        return new Fp8Recipe(tile, accumulation, on, gradientBlockRows);
    }

    /// The same recipe with the Dgrad input in TxT blocks (`true`) or 1xT tiles (`false`).
    public Fp8Recipe withGradientBlocks(boolean blocks) {
        return new Fp8Recipe(tile, accumulation, perTensor, blocks ? tile : 1);
    }

    /// The scaling of a `[rows, cols]` operand whose blocks are `blockRows x tile` (K along cols).
    BlockScaling scaling(int blockRows, int rows, int cols) {
        return perTensor
                ? BlockScaling.tiles(Math.max(rows, 1), Math.max(cols, 1))
                : BlockScaling.tiles(blockRows, tile);
    }

    /// The scaling of a `[rows, cols]` array whose K runs down the rows (the tokens, for Wgrad):
    /// Tx1 blocks, which are the 1xT tiles of its transpose.
    BlockScaling scalingAlongRows(int rows, int cols) {
        return perTensor
                ? BlockScaling.tiles(Math.max(rows, 1), Math.max(cols, 1))
                : BlockScaling.tiles(tile, 1);
    }
}
