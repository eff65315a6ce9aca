package dev.tinyseek.fp8;

/// Fine-grained scaling as in DeepSeek-V3 (§3.3.2): every `blockRows x blockCols` block gets its
/// own scale from its own current maximum, `s = max(amax, minAmax) / formatMax`, and each element
/// becomes `encode(x / s)`. No history: the scale is computed online from the block itself.
///
/// The two DeepSeek shapes are [#activationTiles()] (1x128: per token, per 128 channels, the
/// `act_quant` kernel) and [#weightBlocks()] (128x128, the released checkpoints'
/// `weight_scale_inv`). Sizes are parameters so tiny models can use smaller tiles. Edge blocks
/// that do not fill a whole block take their amax over the real elements only, which equals the
/// zero-padded block of the released weights (`docs/fp8.md#checkpoint-storage`), and the padding is
/// never stored.
///
/// Convention choices (`docs/fp8.md#block-scaling`):
/// - `s` is an IEEE `float` division `amax / 448f`, as `act_quant`; with `ue8m0` it is then
///   rounded *up* to a power of two by [ScaleMath#ceilPowerOfTwo] (DeepGEMM's `ceil_to_ue8m0`);
/// - elements are divided, `x / s`, as DeepSeek's `kernel.py`; `reciprocal = true` multiplies by
///   `1f / s` instead, as DeepGEMM's helpers and TransformerEngine (the two differ about once in
///   4 million elements, next to ties);
/// - the element cast uses [Overflow] (default: saturating, as Triton's `act_quant` cast on sm_90).
///   PyTorch 2.11's casts do not saturate (`docs/fp8.md#overflow-and-special-values`); here the choice never
///   shows: `|x/s|` is at most 448 plus two float roundings (< 464, which rounds to 448), UE8M0
///   scales only make it smaller, and an Inf input gives `s = Inf`, so `x/s` is NaN or ±0 in
///   both modes (pinned by `ScalingTest.overflowModeNeverChangesBlockScaling`).
///
/// @param blockRows  rows per block (1 for activation tiles)
/// @param blockCols  columns per block, along the GEMM's K (128)
/// @param format     element format (E4M3FN everywhere in DeepSeek-V3)
/// @param overflow   what an element that rounds past the max becomes
/// @param ue8m0      whether scales are rounded up to powers of two (DeepSeek-V3.1 `scale_fmt="ue8m0"`)
/// @param reciprocal whether to multiply by `1/s` (DeepGEMM) instead of dividing by `s` (DeepSeek)
/// @param minAmax    the floor on amax (1e-4 in DeepSeek), so all-zero blocks get a finite scale
public record BlockScaling(int blockRows, int blockCols, Fp8Format format, Overflow overflow,
                           boolean ue8m0, boolean reciprocal, float minAmax) {

    /// Checks the parameters.
    public BlockScaling {
        if (blockRows < 1 || blockCols < 1) {
            throw new IllegalArgumentException("BlockScaling: block " + blockRows + "x" + blockCols + " must be at least 1x1");
        }
        if (format == null || overflow == null) {
            throw new IllegalArgumentException("BlockScaling: format and overflow must be given, got " + format + ", " + overflow);
        }
        if (!(minAmax > 0) || Float.isInfinite(minAmax)) {
            throw new IllegalArgumentException("BlockScaling: minAmax = " + minAmax + " must be positive and finite");
        }
    }

    /// DeepSeek's activation tiles: 1x128, E4M3FN, saturating, fp32 scales, divide, floor 1e-4.
    public static BlockScaling activationTiles() {
        return tiles(1, 128);
    }

    /// DeepSeek's weight blocks: 128x128, otherwise as [#activationTiles()].
    public static BlockScaling weightBlocks() {
        return tiles(128, 128);
    }

    /// `blockRows x blockCols` blocks with DeepSeek's other settings.
    public static BlockScaling tiles(int blockRows, int blockCols) {
        return new BlockScaling(blockRows, blockCols, Fp8Format.E4M3FN, Overflow.SATURATE, false, false, 1e-4f);
    }

    /// The same scaling with power-of-two (UE8M0) scales on or off.
    public BlockScaling withUe8m0(boolean on) {
        return new BlockScaling(blockRows, blockCols, format, overflow, on, reciprocal, minAmax);
    }

    /// The same scaling with multiply-by-reciprocal on or off.
    public BlockScaling withReciprocal(boolean on) {
        return new BlockScaling(blockRows, blockCols, format, overflow, ue8m0, on, minAmax);
    }

    /// The scale of a block whose absolute maximum is `amax` (NaN stays NaN).
    public float scaleFor(float amax) {
        float s = Math.max(amax, minAmax) / format.maxValue();
        return ue8m0 ? ScaleMath.ceilPowerOfTwo(s) : s;
    }

    /// Quantises a row-major `[rows, cols]` tensor block by block.
    public BlockQuantized quantize(float[] x, // [rows, cols]
                                   int rows, int cols) {
        if (rows < 0 || cols < 0 || x.length != rows * cols) {
            throw new IllegalArgumentException("BlockScaling.quantize: x has length " + x.length
                    + " but shape [" + rows + ", " + cols + "] needs " + rows * cols);
        }
        int sr = BlockQuantized.ceilDiv(rows, blockRows);
        int sc = BlockQuantized.ceilDiv(cols, blockCols);
        byte[] codes = new byte[rows * cols]; // [rows, cols]
        float[] scales = new float[sr * sc];  // [sr, sc]
        for (int br = 0; br < sr; br++) {
            int r0 = br * blockRows;
            int r1 = Math.min(rows, r0 + blockRows);
            for (int bc = 0; bc < sc; bc++) {
                int c0 = bc * blockCols;
                int c1 = Math.min(cols, c0 + blockCols);
                // 1. scale from the block's own amax (edge blocks: real elements only)
                float s = scaleFor(ScaleMath.amax(x, cols, r0, r1, c0, c1));
                scales[br * sc + bc] = s;
                // 2. encode x / s (or x * (1/s))
                float inv = 1f / s;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        int i = r * cols + c;
                        float v = reciprocal ? x[i] * inv : x[i] / s;
                        codes[i] = format.encodeByte(v, overflow);
                    }
                }
            }
        }
        return new BlockQuantized(format, rows, cols, blockRows, blockCols, codes, scales);
    }

    /// The same quantisation as [#quantize], returned as decoded values ([Fp8Values]) in one
    /// pass: what training multiplies. Equal to `Fp8Values.of(quantize(x, rows, cols))` to the
    /// bit; for E4M3FN with saturation (DeepSeek's setting) the rounding is done by arithmetic
    /// on the float bits ([#roundE4m3Saturating]) instead of encoding and decoding a byte.
    public Fp8Values quantizeValues(float[] x, // [rows, cols]
                                    int rows, int cols) {
        if (rows < 0 || cols < 0 || x.length != rows * cols) {
            throw new IllegalArgumentException("BlockScaling.quantizeValues: x has length " + x.length
                    + " but shape [" + rows + ", " + cols + "] needs " + rows * cols);
        }
        boolean fast = format == Fp8Format.E4M3FN && overflow == Overflow.SATURATE;
        float[] table = format.decodeTable();
        int sr = BlockQuantized.ceilDiv(rows, blockRows);
        int sc = BlockQuantized.ceilDiv(cols, blockCols);
        float[] values = new float[rows * cols]; // [rows, cols]
        float[] scales = new float[sr * sc];     // [sr, sc]
        if (fast && blockCols == 1) {
            quantizeColumnTiles(x, rows, cols, values, scales);
            return new Fp8Values(rows, cols, blockRows, blockCols, values, scales);
        }
        for (int br = 0; br < sr; br++) {
            int r0 = br * blockRows;
            int r1 = Math.min(rows, r0 + blockRows);
            for (int bc = 0; bc < sc; bc++) {
                int c0 = bc * blockCols;
                int c1 = Math.min(cols, c0 + blockCols);
                float s = scaleFor(fast ? amaxNaNPropagating(x, cols, r0, r1, c0, c1) : ScaleMath.amax(x, cols, r0, r1, c0, c1));
                scales[br * sc + bc] = s;
                float inv = 1f / s;
                for (int r = r0; r < r1; r++) {
                    for (int i = r * cols + c0, end = r * cols + c1; i < end; i++) {
                        float v = reciprocal ? x[i] * inv : x[i] / s;
                        values[i] = fast ? roundE4m3Saturating(v) : table[format.encode(v, overflow) & 0xFF];
                    }
                }
            }
        }
        return new Fp8Values(rows, cols, blockRows, blockCols, values, scales);
    }

    /// `blockRows x 1` blocks (the Tx1 tiles of the weight gradient's operands, which run down the
    /// tokens): the same numbers as the general loop, computed a row at a time so that the inner
    /// loops run along contiguous memory.
    private void quantizeColumnTiles(float[] x, int rows, int cols, float[] values, float[] scales) {
        float[] amax = new float[cols]; // [cols] of the current block row
        float[] s = new float[cols];
        float[] inv = new float[cols];
        for (int br = 0, r0 = 0; r0 < rows; br++, r0 += blockRows) {
            int r1 = Math.min(rows, r0 + blockRows);
            java.util.Arrays.fill(amax, 0f);
            for (int r = r0; r < r1; r++) {
                int base = r * cols;
                for (int c = 0; c < cols; c++) {
                    amax[c] = Math.max(amax[c], Math.abs(x[base + c]));
                }
            }
            for (int c = 0; c < cols; c++) {
                s[c] = scaleFor(amax[c]);
                inv[c] = 1f / s[c];
            }
            System.arraycopy(s, 0, scales, br * cols, cols);
            for (int r = r0; r < r1; r++) {
                int base = r * cols;
                for (int c = 0; c < cols; c++) {
                    float v = reciprocal ? x[base + c] * inv[c] : x[base + c] / s[c];
                    values[base + c] = roundE4m3Saturating(v);
                }
            }
        }
    }

    /// [ScaleMath#amax] without its early exit: `Math.max` keeps a NaN by itself, and the loop
    /// has no branch (the same value, NaN for a block with a NaN).
    private static float amaxNaNPropagating(float[] x, int cols, int r0, int r1, int c0, int c1) {
        float m = 0f;
        for (int r = r0; r < r1; r++) {
            for (int i = r * cols + c0, end = r * cols + c1; i < end; i++) {
                m = Math.max(m, Math.abs(x[i]));
            }
        }
        return m;
    }

    /// `v` rounded to the nearest E4M3FN value, ties to even, saturating at ±448; NaN stays NaN.
    /// The same as `E4M3FN.round(v, SATURATE)` (tested on every midpoint and millions of floats),
    /// by one float addition instead of an encode and a decode:
    /// - the E4M3 values near `|v| = 2^e` are spaced `2^(e-3)` apart (3 mantissa bits), and
    ///   `2^-9` below the smallest normal `2^-6` (the subnormals: `e` counts as -6 there);
    /// - `c = 2^(e+20)` is a float whose neighbours are exactly that far apart, so the float
    ///   adder, rounding `|v| + c` to nearest-even, rounds `|v|` to the E4M3 grid; taking `c`
    ///   away again is exact;
    /// - `|v| ≥ 448` (the largest value; up to 464 would round to it, beyond it saturates): 448.
    public static float roundE4m3Saturating(float v) {
        float a = Math.abs(v);
        if (!(a < 448f)) {
            return Math.copySign(a != a ? Float.NaN : 448f, v); // the format's NaN, or ±max
        }
        int exp = Math.max(Float.floatToRawIntBits(a) & 0x7F800000, 121 << 23); // 2^e, at least 2^-6
        float c = Float.intBitsToFloat(exp + (20 << 23));                      // 2^(e+20)
        return Math.copySign(Math.min((a + c) - c, 448f), v);
    }
}
