package dev.tinyseek.fp8;

/// A quantised `[rows, cols]` tensor: one FP8 code per element and one dequantisation scale per
/// `blockRows x blockCols` block, so that `x[r, c] ≈ decode(codes[r, c]) · scales[r / blockRows, c / blockCols]`.
///
/// One record covers every recipe of `docs/fp8.md#block-scaling`: a 1x128 activation tile (`blockRows = 1`),
/// a 128x128 weight block (DeepSeek-V3's `weight_scale_inv`, shape `[ceil(rows/128), ceil(cols/128)]`,
/// edge blocks partial), an MX 1x32 block (scales are powers of two, see [MxScaling#scaleCodes])
/// and a per-tensor scale (`blockRows = rows`, `blockCols = cols`, one scale).
///
/// @param format    the element format of `codes`
/// @param rows      number of rows
/// @param cols      number of columns (the GEMM's K for both operands)
/// @param blockRows rows per scale block (≥ 1)
/// @param blockCols columns per scale block (≥ 1)
/// @param codes     `[rows, cols]` FP8 codes, row-major
/// @param scales    `[ceil(rows/blockRows), ceil(cols/blockCols)]` dequantisation scales, row-major
public record BlockQuantized(Fp8Format format, int rows, int cols, int blockRows, int blockCols,
                             byte[] codes, // [rows, cols]
                             float[] scales) { // [ceil(rows/blockRows), ceil(cols/blockCols)]

    /// Checks the shape: names each value and what would be valid.
    public BlockQuantized {
        if (format == null) {
            throw new IllegalArgumentException("BlockQuantized: format is null");
        }
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("BlockQuantized: shape [" + rows + ", " + cols + "] must be non-negative");
        }
        if (blockRows < 1 || blockCols < 1) {
            throw new IllegalArgumentException("BlockQuantized: block " + blockRows + "x" + blockCols + " must be at least 1x1");
        }
        if (codes.length != rows * cols) {
            throw new IllegalArgumentException("BlockQuantized: codes has length " + codes.length
                    + " but shape [" + rows + ", " + cols + "] needs " + rows * cols);
        }
        int need = ceilDiv(rows, blockRows) * ceilDiv(cols, blockCols);
        if (scales.length != need) {
            throw new IllegalArgumentException("BlockQuantized: scales has length " + scales.length + " but shape ["
                    + rows + ", " + cols + "] with " + blockRows + "x" + blockCols + " blocks needs " + need);
        }
    }

    /// A summary for jshell: format, shape, blocks, and the range of the scales.
    @Override
    public String toString() {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float s : scales) {
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
        }
        return format + " [" + rows + ", " + cols + "] in " + blockRows + "x" + blockCols + " blocks: " + codes.length
                + " codes, " + scales.length + " scales in [" + lo + ", " + hi + "]";
    }

    /// Number of block rows, `ceil(rows / blockRows)`.
    public int scaleRows() {
        return ceilDiv(rows, blockRows);
    }

    /// Number of block columns, `ceil(cols / blockCols)`.
    public int scaleCols() {
        return ceilDiv(cols, blockCols);
    }

    /// The scale of the block holding element `[r, c]`.
    public float scaleAt(int r, int c) {
        return scales[(r / blockRows) * scaleCols() + c / blockCols];
    }

    /// `decode(codes[r, c]) · scale` as `float` (exact when the scale is a power of two).
    public float value(int r, int c) {
        return format.decode(codes[r * cols + c]) * scaleAt(r, c);
    }

    /// The dequantised tensor, `[rows, cols]`: each element `decode(code) · scale`, one `float` product.
    public float[] dequantize() {
        float[] table = format.decodeTable();
        float[] out = new float[rows * cols]; // [rows, cols]
        int sc = scaleCols();
        for (int r = 0; r < rows; r++) {
            int sRow = (r / blockRows) * sc;
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = table[codes[r * cols + c] & 0xFF] * scales[sRow + c / blockCols];
            }
        }
        return out;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
