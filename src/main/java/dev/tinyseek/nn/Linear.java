package dev.tinyseek.nn;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.FewRowGemm;
import dev.tinyseek.backend.JavaGemm;
import dev.tinyseek.tensor.MatMul;
import dev.tinyseek.tensor.Rng;

/// A linear layer without bias, `y = x Wᵀ`, with `W` stored `[out, in]` under its HF name
/// (`<prefix>.weight`). DeepSeek-V3 has no biases in any projection.
///
/// Its [Precision] is FP32 (plain GEMMs through the backend) unless set to FP8, where the three
/// GEMMs run in simulated FP8 by [Fp8Linear] with the given [Fp8Recipe]; the weight and its
/// gradient stay `float` either way (the fp32 master copy of DeepSeek-V3 §3.3.1).
///
/// While a model decodes ([#decoding]) and on the Java backend, products of a few rows (one new
/// token, or a verify step of speculative decoding) use a transposed copy of `W` ([FewRowGemm]):
/// the same bits, faster, and extra rows that cost less than the first. The copy is made on first use
/// and made again whenever the weight's [Param#version()] has moved since (the optimizer and
/// checkpoint loading announce their writes; write `weight.data` by hand, then call
/// `weight.changed()` before decoding). Training and every other forward pass read `W` itself.
public final class Linear {

    public final Param weight; // [out, in]
    public final int in;
    public final int out;
    private Precision precision = Precision.FP32;
    private Fp8Recipe recipe; // null in FP32
    /// `Wᵀ` for few-row products, and the weight version it was made from.
    private record Transposed(int version, float[][] wt) { // wt: [in][out]
    }
    private volatile Transposed transposed;

    /// Bound while a model decodes; only then do few-row products use `Wᵀ`.
    private static final ScopedValue<Boolean> DECODING = ScopedValue.newInstance();

    /// Whether decoding uses `Wᵀ` at all (on by default; `tinyseek bench` turns it off to measure
    /// the ordinary path in the same process).
    private static volatile boolean transposedDecoding = true;

    /// Turns the decoding path on or off for every layer (same results either way).
    public static void setTransposedDecoding(boolean on) {
        transposedDecoding = on;
    }

    /// Runs `body` (a decoding step) with the decoding path of every linear layer on.
    public static <T> T decoding(java.util.function.Supplier<T> body) {
        return ScopedValue.where(DECODING, Boolean.TRUE).call(body::get);
    }

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
        if (precision == Precision.FP8) {
            return Fp8Linear.forward(x, weight.data, n, in, out, recipe);
        }
        float[] y = new float[n * out];
        if (n >= 1 && n <= FewRowGemm.MAX_ROWS && transposedDecoding && DECODING.isBound() && Backends.gemm() instanceof JavaGemm
                && x.length == n * in) {
            FewRowGemm.multiply(y, x, transposed(), n);
        } else {
            MatMul.forward(y, x, weight.data, null, n, in, out);
        }
        return y;
    }

    /// `Wᵀ` `[in][out]`, remade when the weight has changed since the last one.
    private float[][] transposed() {
        Transposed t = transposed;
        int v = weight.version();
        if (t == null || t.version() != v) {
            t = new Transposed(v, FewRowGemm.transpose(weight.data, out, in));
            transposed = t;
        }
        return t.wt();
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
