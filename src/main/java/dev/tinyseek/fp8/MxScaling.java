package dev.tinyseek.fp8;

/// Microscaling (OCP MX v1.0): blocks of 32 consecutive elements along a row share one E8M0
/// scale `X = 2^k`, and each element is stored as an FP8 code `P` with `x ≈ X · P` (`docs/fp8.md#mx-scaling`).
///
/// Two rules choose `k` from the block's absolute maximum `amax` (`docs/fp8.md#mx-scaling`):
/// - [Rule#OCP_FLOOR], the MX spec's own algorithm (its §6.3, as the `microxcaling` emulator and
///   torchao's FLOOR mode): `k = floor(log2 amax) − emax_elem`, with `emax_elem` the exponent of
///   the element format's largest value (8 for E4M3FN, 15 for E5M2). Because of the floor,
///   `|x|/X` can reach just under `2^(emax_elem+1)` (512 for E4M3) and the largest elements of a
///   block are clipped to the max (448): a known property of this rule.
/// - [Rule#NVIDIA_RCEIL], cuBLAS / `cvt.rp.ue8m0`: `k = ceil(log2(amax / max_elem))`, the
///   division in `float`; nothing is clipped beyond the rounding of that division.
///
/// Both are computed exactly from the bits, never with a floating-point `log2`. `k` is clamped to
/// [-127, 127]; a block whose `k` would exceed 127, or whose amax is NaN or Inf, gets the NaN
/// scale (code 0xFF) and NaN elements. An all-zero block gets `k = -127` (code 0x00). Elements
/// are always encoded with round-to-nearest-even and [Overflow#SATURATE], as the spec requires
/// (the emulator's default round-half-away is *not* used).
///
/// @param blockCols elements per block along a row (32 in the MX spec)
/// @param format    element format (E4M3FN or E5M2 in MXFP8)
/// @param rule      how the shared exponent is chosen
public record MxScaling(int blockCols, Fp8Format format, Rule rule) {

    /// How the shared exponent of a block is chosen.
    public enum Rule {
        /// OCP MX: `floor(log2 amax) − emax_elem`.
        OCP_FLOOR,
        /// NVIDIA: `ceil(log2(amax / max_elem))`.
        NVIDIA_RCEIL
    }

    /// Checks the parameters.
    public MxScaling {
        if (blockCols < 1) {
            throw new IllegalArgumentException("MxScaling: blockCols = " + blockCols + " must be at least 1 (the MX spec uses 32)");
        }
        if (format == null || rule == null) {
            throw new IllegalArgumentException("MxScaling: format and rule must be given, got " + format + ", " + rule);
        }
    }

    /// MXFP8 as the spec defines it: 1x32 blocks of E4M3FN with the OCP floor rule.
    public static MxScaling mxfp8() {
        return new MxScaling(32, Fp8Format.E4M3FN, Rule.OCP_FLOOR);
    }

    /// The power-of-two scale for a block with absolute maximum `amax` (NaN for the NaN scale).
    public float scaleFor(float amax) {
        if (Float.isNaN(amax) || Float.isInfinite(amax)) {
            return Float.NaN;
        }
        if (amax == 0f) {
            return E8M0.decode(0);
        }
        int k = switch (rule) {
            case OCP_FLOOR -> ScaleMath.floorLog2(amax) - Math.getExponent(format.maxValue());
            case NVIDIA_RCEIL -> {
                float d = amax / format.maxValue();
                yield d == 0f ? -127 : ScaleMath.ceilLog2(d);
            }
        };
        if (k > 127) {
            return Float.NaN;
        }
        return E8M0.decode(Math.max(k, -127) + 127);
    }

    /// Quantises a row-major `[rows, cols]` tensor in 1 x `blockCols` blocks; the scales of the
    /// result are exact powers of two (or NaN), see [#scaleCodes].
    public BlockQuantized quantize(float[] x, // [rows, cols]
                                   int rows, int cols) {
        if (rows < 0 || cols < 0 || x.length != rows * cols) {
            throw new IllegalArgumentException("MxScaling.quantize: x has length " + x.length
                    + " but shape [" + rows + ", " + cols + "] needs " + rows * cols);
        }
        int sc = BlockQuantized.ceilDiv(cols, blockCols);
        byte[] codes = new byte[rows * cols]; // [rows, cols]
        float[] scales = new float[rows * sc]; // [rows, sc]
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < sc; b++) {
                int c0 = b * blockCols;
                int c1 = Math.min(cols, c0 + blockCols);
                // 1. shared exponent from the block amax
                float scale = scaleFor(ScaleMath.amax(x, cols, r, r + 1, c0, c1));
                scales[r * sc + b] = scale;
                // 2. elements: x / X is exact in double (X a power of two), then one rounding to float
                for (int c = c0; c < c1; c++) {
                    int i = r * cols + c;
                    float v = (float) ((double) x[i] / scale);
                    codes[i] = format.encodeByte(v, Overflow.SATURATE);
                }
            }
        }
        return new BlockQuantized(format, rows, cols, 1, blockCols, codes, scales);
    }

    /// The E8M0 codes of the scales of a tensor quantised by [#quantize] (`[rows, ceil(cols/blockCols)]`).
    public static byte[] scaleCodes(BlockQuantized q) {
        byte[] out = new byte[q.scales().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) E8M0.ofPowerOfTwo(q.scales()[i]);
        }
        return out;
    }
}
