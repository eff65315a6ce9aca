package dev.tinyseek.fp8;

/// A quantised `[rows, cols]` tensor kept as what the GEMM multiplies: each element's FP8 value
/// decoded to `float` (unscaled: a point of the FP8 grid), plus one scale per
/// `blockRows x blockCols` block, so that `x[r, c] ≈ values[r, c] · scales[r / blockRows, c / blockCols]`.
///
/// The same information as [BlockQuantized] without the byte codes: training never needs the
/// bytes, only the values they stand for, and skipping the table look-up keeps the FP8 path
/// close to the fp32 one in speed. [#of(BlockQuantized)] converts.
///
/// @param rows      number of rows
/// @param cols      number of columns (the GEMM's K)
/// @param blockRows rows per scale block
/// @param blockCols columns per scale block
/// @param values    `[rows, cols]` decoded FP8 values, row-major
/// @param scales    `[ceil(rows/blockRows), ceil(cols/blockCols)]` dequantisation scales
public record Fp8Values(int rows, int cols, int blockRows, int blockCols,
                        float[] values,   // [rows, cols]
                        float[] scales) { // [ceil(rows/blockRows), ceil(cols/blockCols)]

    /// A summary for jshell: shape, blocks, and the range of the scales.
    @Override
    public String toString() {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float s : scales) {
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
        }
        return "FP8 values [" + rows + ", " + cols + "] in " + blockRows + "x" + blockCols + " blocks, " + scales.length
                + " scales in [" + lo + ", " + hi + "]";
    }

    /// Checks the shape.
    public Fp8Values {
        if (rows < 0 || cols < 0 || blockRows < 1 || blockCols < 1) {
            throw new IllegalArgumentException("Fp8Values: shape [" + rows + ", " + cols + "] and block " + blockRows + "x"
                    + blockCols + " must be non-negative and at least 1x1");
        }
        if (values.length != rows * cols) {
            throw new IllegalArgumentException("Fp8Values: values has length " + values.length + " but shape [" + rows + ", "
                    + cols + "] needs " + rows * cols);
        }
        int need = BlockQuantized.ceilDiv(rows, blockRows) * BlockQuantized.ceilDiv(cols, blockCols);
        if (scales.length != need) {
            throw new IllegalArgumentException("Fp8Values: scales has length " + scales.length + " but shape [" + rows + ", "
                    + cols + "] with " + blockRows + "x" + blockCols + " blocks needs " + need);
        }
    }

    /// The values of a [BlockQuantized] tensor (its codes decoded through the format's table).
    public static Fp8Values of(BlockQuantized q) {
        float[] v = new float[q.rows() * q.cols()]; // [rows, cols]
        q.format().decode(q.codes(), v);
        return new Fp8Values(q.rows(), q.cols(), q.blockRows(), q.blockCols(), v, q.scales().clone());
    }

    /// Number of block columns, `ceil(cols / blockCols)`.
    public int scaleCols() {
        return BlockQuantized.ceilDiv(cols, blockCols);
    }

    /// The scale of the block holding element `[r, c]`.
    public float scaleAt(int r, int c) {
        return scales[(r / blockRows) * scaleCols() + c / blockCols];
    }

    /// The transposed tensor `[cols, rows]` with `blockCols x blockRows` blocks: the same
    /// elements in the same blocks, so the same values and scales, only laid out the other way.
    public Fp8Values transpose() {
        float[] t = new float[values.length]; // [cols, rows]
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = values[r * cols + c];
            }
        }
        int sr = BlockQuantized.ceilDiv(rows, blockRows);
        int sc = scaleCols();
        float[] st = new float[scales.length]; // [sc, sr]
        for (int i = 0; i < sr; i++) {
            for (int j = 0; j < sc; j++) {
                st[j * sr + i] = scales[i * sc + j];
            }
        }
        return new Fp8Values(cols, rows, blockCols, blockRows, t, st);
    }
}
