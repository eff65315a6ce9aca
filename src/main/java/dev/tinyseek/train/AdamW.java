package dev.tinyseek.train;

import dev.tinyseek.fp8.Bf16;
import dev.tinyseek.nn.Param;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/// AdamW (Loshchilov and Hutter): Adam's moment estimates with bias correction, and weight
/// decay applied directly to the weights rather than through the gradient ("decoupled").
///
/// For each parameter `p` with gradient `g`, at step `t = 1, 2, ...`:
///
///     m = β1 m + (1 − β1) g                 first moment
///     v = β2 v + (1 − β2) g²                second moment
///     m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)   bias correction
///     p = p − lr · (m̂ / (sqrt(v̂) + eps) + wd · p)   (wd only for `Param.decay` parameters)
///
/// DeepSeek-V3 trains with β1 = 0.9, β2 = 0.95, weight decay 0.1 (`docs/model.md#training-settings`): the defaults here.
///
/// Optionally the moments are stored in BF16, as in DeepSeek-V3's FP8 training (§3.3.3): each
/// new `m` and `v` is computed in `float` and rounded to bf16 (nearest-even) before it is stored
/// and used; the weights (the fp32 master copy) are not rounded.
public final class AdamW {

    public final double beta1, beta2, eps, weightDecay;
    private final List<Param> params;
    private final Map<Param, float[]> m = new IdentityHashMap<>();
    private final Map<Param, float[]> v = new IdentityHashMap<>();
    private int step;
    private boolean bf16Moments;

    public AdamW(List<Param> params, double beta1, double beta2, double eps, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("adamw: betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("adamw: eps must be > 0 and weight decay >= 0, got " + eps + ", " + weightDecay);
        }
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Param p : params) {
            m.put(p, new float[p.size()]);
            v.put(p, new float[p.size()]);
        }
    }

    /// DeepSeek-V3's settings: β = (0.9, 0.95), eps 1e-8, weight decay 0.1.
    public static AdamW deepseek(List<Param> params) {
        return new AdamW(params, 0.9, 0.95, 1e-8, 0.1);
    }

    /// Stores the moments in BF16 from the next step on (`false`: `float`, the default).
    public AdamW bf16Moments(boolean on) {
        this.bf16Moments = on;
        return this;
    }

    /// Whether the moments are stored in BF16.
    public boolean bf16Moments() {
        return bf16Moments;
    }

    /// Steps taken so far.
    public int steps() {
        return step;
    }

    /// One update of every parameter from its gradient, at learning rate `lr`.
    public void step(double lr) {
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        float b1 = (float) beta1, b2 = (float) beta2;
        for (Param p : params) {
            float[] mp = m.get(p), vp = v.get(p), w = p.data, g = p.grad;
            float decay = p.decay ? (float) (lr * weightDecay) : 0f;
            float stepSize = (float) (lr / c1);
            float invC2 = (float) (1 / c2);
            float e = (float) eps;
            for (int i = 0; i < w.length; i++) {
                mp[i] = b1 * mp[i] + (1 - b1) * g[i];
                vp[i] = b2 * vp[i] + (1 - b2) * g[i] * g[i];
                if (bf16Moments) {
                    mp[i] = Bf16.round(mp[i]);
                    vp[i] = Bf16.round(vp[i]);
                }
                float denom = (float) Math.sqrt(vp[i] * invC2) + e;
                w[i] -= stepSize * mp[i] / denom + decay * w[i];
            }
        }
    }

    /// The moment arrays of a parameter (for checkpoints and tests).
    public float[] firstMoment(Param p) {
        return m.get(p);
    }

    public float[] secondMoment(Param p) {
        return v.get(p);
    }

    /// Restores the step counter (moments are restored through [#firstMoment]/[#secondMoment]).
    public void setSteps(int steps) {
        this.step = steps;
    }
}
