package dev.tinyseek.tensor;

/// Rotary position embedding in the official DeepSeek layout: interleaved pairs.
///
/// A RoPE vector of `Dr` dims is read as `Dr/2` complex numbers `(x[2j], x[2j+1])`, and pair `j`
/// at position `pos` is rotated by the angle `pos · f_j` (DeepSeek-V3 `apply_rotary_emb`;
/// `docs/mla.md#rope-interleaved-pairs`):
///
///     y[2j]   = x[2j] cos − x[2j+1] sin
///     y[2j+1] = x[2j] sin + x[2j+1] cos
///
/// Plain RoPE has `f_j = θ^(−2j/Dr)`; YaRN changes the frequencies (see `attention.Yarn`) and
/// passes them to the constructor. A rotation keeps norms, and its backward is the rotation by
/// the opposite angle. Not the NeoX/Llama "rotate_half" layout, which pairs `j` with `j + Dr/2`.
public final class Rope {

    private final int dim;       // Dr
    private final int maxPos;
    private final float[] cos;   // [maxPos, Dr/2]
    private final float[] sin;   // [maxPos, Dr/2]
    private final double[] freqs; // [Dr/2]

    /// A table for positions `[0, maxPos)` with the given per-pair frequencies `f_j` (radians per position).
    public Rope(double[] freqs, int maxPos) {
        if (freqs.length == 0 || maxPos <= 0) {
            throw new IllegalArgumentException("rope: needs at least one frequency pair and maxPos > 0, got "
                    + freqs.length + " pairs and maxPos " + maxPos);
        }
        this.dim = 2 * freqs.length;
        this.maxPos = maxPos;
        this.freqs = freqs.clone();
        int half = freqs.length;
        cos = new float[maxPos * half];
        sin = new float[maxPos * half];
        for (int p = 0; p < maxPos; p++) {
            for (int j = 0; j < half; j++) {
                double angle = p * freqs[j];
                cos[p * half + j] = (float) Math.cos(angle);
                sin[p * half + j] = (float) Math.sin(angle);
            }
        }
    }

    /// Plain RoPE frequencies `f_j = θ^(−2j/Dr)`, j = 0 .. Dr/2 − 1.
    public static double[] plainFrequencies(int dim, double theta) {
        if (dim <= 0 || dim % 2 != 0) {
            throw new IllegalArgumentException("rope: the RoPE dimension must be even and positive, got " + dim);
        }
        double[] f = new double[dim / 2];
        for (int j = 0; j < dim / 2; j++) {
            f[j] = Math.pow(theta, -2.0 * j / dim);
        }
        return f;
    }

    /// Plain RoPE over `dim` dims for positions `[0, maxPos)`.
    public static Rope plain(int dim, double theta, int maxPos) {
        return new Rope(plainFrequencies(dim, theta), maxPos);
    }

    public int dim() {
        return dim;
    }

    public int maxPos() {
        return maxPos;
    }

    /// The per-pair frequencies `f_j`.
    public double[] frequencies() {
        return freqs.clone();
    }

    /// Rotates, in place, the RoPE part of each head of `t` tokens.
    ///
    /// `x` holds rows of `H` heads of `headStride` floats, starting at float `off`; the RoPE dims
    /// of a head start at `ropeOff` within it. Token `i` sits at position `pos0 + i`.
    public void forward(float[] x,   // [.., T, H, headStride]
                        int off, int t, int h, int headStride, int ropeOff, int pos0) {
        rotate(x, off, t, h, headStride, ropeOff, pos0, 1f);
    }

    /// Backward of [#forward]: rotates the gradient, in place, by the opposite angle.
    public void backward(float[] dx, // [.., T, H, headStride]
                         int off, int t, int h, int headStride, int ropeOff, int pos0) {
        rotate(dx, off, t, h, headStride, ropeOff, pos0, -1f);
    }

    /// [#forward] over a whole `[T, H, headStride]` array.
    public void forward(float[] x, int t, int h, int headStride, int ropeOff, int pos0) {
        Shapes.check("rope", "x", x, t, h, headStride);
        forward(x, 0, t, h, headStride, ropeOff, pos0);
    }

    /// [#backward] over a whole `[T, H, headStride]` array.
    public void backward(float[] dx, int t, int h, int headStride, int ropeOff, int pos0) {
        Shapes.check("rope backward", "dx", dx, t, h, headStride);
        backward(dx, 0, t, h, headStride, ropeOff, pos0);
    }

    /// [#forward] over `B` sequences of `T` tokens, each starting at position 0.
    public void forwardBatch(float[] x, // [B, T, H, headStride]
                             int b, int t, int h, int headStride, int ropeOff) {
        checkLength(x, (long) b * t * h * headStride);
        for (int bi = 0; bi < b; bi++) {
            forward(x, bi * t * h * headStride, t, h, headStride, ropeOff, 0);
        }
    }

    /// [#backward] over `B` sequences of `T` tokens, each starting at position 0.
    public void backwardBatch(float[] dx, // [B, T, H, headStride]
                              int b, int t, int h, int headStride, int ropeOff) {
        checkLength(dx, (long) b * t * h * headStride);
        for (int bi = 0; bi < b; bi++) {
            backward(dx, bi * t * h * headStride, t, h, headStride, ropeOff, 0);
        }
    }

    private static void checkLength(float[] x, long need) {
        if (x.length != need) {
            throw new IllegalArgumentException("rope: x has " + x.length + " floats but [B, T, H, headStride] needs " + need);
        }
    }

    private void rotate(float[] x, int off, int t, int h, int headStride, int ropeOff, int pos0, float sign) {
        if (off < 0 || (long) off + (long) t * h * headStride > x.length) {
            throw new IllegalArgumentException("rope: " + t + " tokens of " + h + " heads of " + headStride
                    + " floats from offset " + off + " do not fit in an array of " + x.length);
        }
        if (ropeOff < 0 || ropeOff + dim > headStride) {
            throw new IllegalArgumentException("rope: RoPE dims [" + ropeOff + ", " + (ropeOff + dim)
                    + ") do not fit in a head of " + headStride);
        }
        if (pos0 < 0 || pos0 + t > maxPos) {
            throw new IllegalArgumentException("rope: positions [" + pos0 + ", " + (pos0 + t)
                    + ") are outside the table [0, " + maxPos + "); raise the context length (max_position_embeddings)");
        }
        int half = dim / 2;
        for (int i = 0; i < t; i++) {
            int tab = (pos0 + i) * half;
            for (int hh = 0; hh < h; hh++) {
                int base = off + (i * h + hh) * headStride + ropeOff;
                for (int j = 0; j < half; j++) {
                    float c = cos[tab + j];
                    float s = sign * sin[tab + j];
                    float a = x[base + 2 * j];
                    float b = x[base + 2 * j + 1];
                    x[base + 2 * j] = a * c - b * s;
                    x[base + 2 * j + 1] = a * s + b * c;
                }
            }
        }
    }
}
