package dev.tinyseek.nn;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.FewRowGemm;
import dev.tinyseek.tensor.MatMul;
import dev.tinyseek.tensor.Rng;

/// A linear layer without bias, `y = x Wᵀ`, with `W` stored `[out, in]` under its HF name
/// (`<prefix>.weight`). DeepSeek-V3 has no biases in any projection.
///
/// Its [Precision] is FP32 (plain GEMMs through the backend) unless set to FP8, where the three
/// GEMMs run in simulated FP8 by [Fp8Linear] with the given [Fp8Recipe]; the weight and its
/// gradient stay `float` either way (the fp32 master copy of DeepSeek-V3 §3.3.1).
///
/// While a model decodes, products of a few rows (one new token, or a verify step of speculative
/// decoding) on the Java backend can read a transposed copy of `W` ([FewRowGemm]): the same bits,
/// faster, and extra rows that cost less than the first. The copy belongs to the decoding state's
/// [DecodingWeights], passed to [#forward(float[], int, DecodingWeights)]; this layer keeps none,
/// so training and every other forward pass read `W` itself.
public final class Linear {

    public final Param weight; // [out, in]
    public final int in;
    public final int out;
    private Precision precision = Precision.FP32;
    private Fp8Recipe recipe; // null in FP32
    /// A layer whose weight is drawn from N(0, std²).
    public Linear(String prefix, int in, int out, Rng rng, double std) {
        this.in = in;
        this.out = out;
        this.weight = new Param(prefix + ".weight", true, out, in);
        rng.fillNormal(weight.data, std);
    }

    /// Sets the arithmetic of the three GEMMs; `recipe` is needed for FP8 and ignored for FP32.
    public void setPrecision(Precision p, Fp8Recipe fp8) {
        if (p == null || (p == Precision.FP8 && fp8 == null)) {
            throw new IllegalArgumentException(weight.name + ": precision " + p + " needs " + (p == null ? "FP32 or FP8" : "an Fp8Recipe"));
        }
        this.precision = p;
        this.recipe = p == Precision.FP8 ? fp8 : null;
    }

    /// The current precision (FP32 unless set).
    public Precision precision() {
        return precision;
    }

    /// The FP8 recipe, or null in FP32.
    public Fp8Recipe recipe() {
        return recipe;
    }

    /// y[N, out] = x[N, in] · Wᵀ.
    public float[] forward(float[] x, int n) {
        return forward(x, n, DecodingWeights.asStored());
    }

    /// y[N, out] = x[N, in] · Wᵀ, where a product of a few rows on a backend with the naive loops'
    /// bits (naive, java, vector) reads `Wᵀ`
    /// from `decoding` (made there on first use); FP8 layers and other products read `W`.
    public float[] forward(float[] x, int n, DecodingWeights decoding) {
        if (decoding == null) {
            throw new IllegalArgumentException(weight.name + ": decoding weights are null; pass DecodingWeights.asStored() to read W as stored");
        }
        if (precision == Precision.FP8) {
            return Fp8Linear.forward(x, weight.data, n, in, out, recipe);
        }
        float[] y = new float[n * out];
        if (n >= 1 && n <= FewRowGemm.MAX_ROWS && decoding.transposes() && Backends.gemm().naiveBits()
                && x.length == n * in) {
            FewRowGemm.multiply(y, x, decoding.of(this), n);
        } else {
            MatMul.forward(y, x, weight.data, null, n, in, out);
        }
        return y;
    }

    /// Adds `dyᵀ x` to `W`'s gradient and returns `dx[N, in] = dy · W`.
    public float[] backward(float[] dy, // [N, out]
                            float[] x,  // [N, in], the forward input
                            int n) {
        if (precision == Precision.FP8) {
            return Fp8Linear.backward(weight.grad, dy, x, weight.data, n, in, out, recipe);
        }
        float[] dx = new float[n * in];
        MatMul.backward(dx, weight.grad, null, dy, x, weight.data, n, in, out);
        return dx;
    }
}
