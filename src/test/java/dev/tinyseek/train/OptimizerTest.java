package dev.tinyseek.train;

import dev.tinyseek.nn.Param;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/// AdamW, the schedule and clipping against their formulas, computed here in double.
class OptimizerTest {

    @Test
    void adamwFollowsTheFormulaWithBiasCorrectionAndDecoupledDecay() {
        Param w = new Param("w", true, 3);
        Param g = new Param("norm", false, 1);
        float[] init = {0.5f, -1f, 2f};
        System.arraycopy(init, 0, w.data, 0, 3);
        g.data[0] = 1f;
        AdamW opt = new AdamW(List.of(w, g), 0.9, 0.95, 1e-8, 0.1);
        double[] m = new double[3], v = new double[3], p = {0.5, -1, 2};
        double lr = 0.01;
        float[][] grads = {{0.1f, -0.2f, 0.3f}, {0.05f, 0.4f, -0.1f}, {-0.3f, 0.1f, 0.2f}};
        for (int t = 1; t <= 3; t++) {
            System.arraycopy(grads[t - 1], 0, w.grad, 0, 3);
            g.grad[0] = 0.5f;
            opt.step(lr);
            for (int i = 0; i < 3; i++) {
                double gi = grads[t - 1][i];
                m[i] = 0.9 * m[i] + 0.1 * gi;
                v[i] = 0.95 * v[i] + 0.05 * gi * gi;
                double mh = m[i] / (1 - Math.pow(0.9, t)), vh = v[i] / (1 - Math.pow(0.95, t));
                p[i] -= lr * (mh / (Math.sqrt(vh) + 1e-8) + 0.1 * p[i]);
                assertThat((double) w.data[i]).as("step %d, entry %d", t, i).isCloseTo(p[i], within(1e-6));
            }
        }
        // no decay on a norm gain: three steps of size lr·m̂/sqrt(v̂) = lr (constant gradient)
        assertThat((double) g.data[0]).isCloseTo(1 - 3 * lr, within(1e-5));
    }

    @Test
    void bf16MomentsAreTheFloatUpdateRoundedToBf16AndWeightsStayFloat() {
        // an independent copy of the update, with the moments rounded to bf16 by bit arithmetic
        Param w = new Param("w", true, 4);
        float[] init = {0.5f, -1f, 2f, 0.123456f};
        System.arraycopy(init, 0, w.data, 0, 4);
        AdamW opt = new AdamW(List.of(w), 0.9, 0.95, 1e-8, 0.1).bf16Moments(true);
        float[] m = new float[4], v = new float[4], p = init.clone();
        float[][] grads = {{0.1f, -0.2f, 0.3f, 1e-3f}, {0.05f, 0.4f, -0.1f, 0.777f}, {-0.3f, 0.1f, 0.2f, -2e-5f}};
        double lr = 0.01;
        boolean differsFromFloat = false;
        for (int t = 1; t <= 3; t++) {
            System.arraycopy(grads[t - 1], 0, w.grad, 0, 4);
            opt.step(lr);
            float stepSize = (float) (lr / (1 - Math.pow(0.9, t)));
            float invC2 = (float) (1 / (1 - Math.pow(0.95, t)));
            for (int i = 0; i < 4; i++) {
                float g = grads[t - 1][i];
                float mf = 0.9f * m[i] + (1 - 0.9f) * g;
                float vf = 0.95f * v[i] + (1 - 0.95f) * g * g;
                m[i] = bf16(mf);
                v[i] = bf16(vf);
                differsFromFloat |= m[i] != mf;
                assertThat(Float.floatToRawIntBits(m[i]) & 0xFFFF).isZero(); // a bf16 value
                float denom = (float) Math.sqrt(v[i] * invC2) + 1e-8f;
                p[i] -= stepSize * m[i] / denom + (float) (lr * 0.1) * p[i];
                assertThat(opt.firstMoment(w)[i]).isEqualTo(m[i]);
                assertThat(opt.secondMoment(w)[i]).isEqualTo(v[i]);
                assertThat(w.data[i]).as("step %d, entry %d", t, i).isEqualTo(p[i]);
            }
        }
        assertThat(differsFromFloat).isTrue();
        assertThat(Float.floatToRawIntBits(w.data[3]) & 0xFFFF).isNotZero(); // master weights stay float
    }

    /// Round to nearest even on the top 16 bits (finite inputs).
    private static float bf16(float x) {
        int u = Float.floatToRawIntBits(x);
        return Float.intBitsToFloat(((u + 0x7FFF + ((u >>> 16) & 1)) >>> 16) << 16);
    }

    @Test
    void scheduleWarmsUpThenDecaysToTheMinimum() {
        LrSchedule s = new LrSchedule(1.0, 0.1, 10, 110);
        assertThat(s.at(0)).isCloseTo(0.1, within(1e-12));
        assertThat(s.at(9)).isCloseTo(1.0, within(1e-12));
        assertThat(s.at(10)).isCloseTo(1.0, within(1e-12));
        assertThat(s.at(60)).isCloseTo(0.55, within(1e-12)); // half way: the mean of peak and min
        assertThat(s.at(110)).isEqualTo(0.1);
        for (int i = 11; i < 110; i++) {
            assertThat(s.at(i)).isLessThanOrEqualTo(s.at(i - 1));
        }
    }

    @Test
    void clippingScalesTheGlobalNormDownAndLeavesSmallGradientsAlone() {
        Param a = new Param("a", true, 2), b = new Param("b", true, 1);
        a.grad[0] = 3;
        a.grad[1] = 0;
        b.grad[0] = 4;
        assertThat(GradClip.clip(List.of(a, b), 1.0)).isCloseTo(5.0, within(1e-12));
        assertThat(GradClip.norm(List.of(a, b))).isCloseTo(1.0, within(1e-6));
        assertThat(a.grad[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(GradClip.clip(List.of(a, b), 2.0)).isCloseTo(1.0, within(1e-6));
        assertThat(b.grad[0]).isCloseTo(0.8f, within(1e-6f));
    }
}
