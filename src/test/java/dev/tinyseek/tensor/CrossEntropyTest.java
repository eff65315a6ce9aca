package dev.tinyseek.tensor;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/// Cross-entropy from logits with an ignore index: double reference, ln V for uniform logits,
/// backward by finite differences, errors for targets outside the vocabulary.
class CrossEntropyTest {

    static final int IGNORE = CrossEntropy.IGNORE;

    record Case(int n, int v,
                float[] logits,  // [N, V]
                int[] targets,   // [N], in [0, V) or IGNORE
                float scale) {   // upstream gradient of the loss
    }

    static Case make(Gen g) {
        int n = g.dim(1, 6), v = g.dim(1, 10);
        int[] t = g.ints(n, 0, v - 1);
        for (int i = 0; i < n; i++) {
            if (g.chance(0.25)) {
                t[i] = IGNORE;
            }
        }
        return new Case(n, v, g.floats(n * v), t, (float) g.doubleIn(-2, 2));
    }

    /// Mean over counted rows of `logsumexp(z) − z[target]`, in double.
    static double reference(double[] z, int[] targets, int n, int v) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] == IGNORE) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, z[i * v + j]);
            }
            double s = 0;
            for (int j = 0; j < v; j++) {
                s += Math.exp(z[i * v + j] - max);
            }
            sum += max + Math.log(s) - z[i * v + targets[i]];
            count++;
        }
        return count == 0 ? 0 : sum / count;
    }

    @Test
    void forwardMatchesDoubleReference() {
        Property.forAll("cross-entropy forward ≈ double reference", CrossEntropyTest::make, c -> {
            CrossEntropy.Result r = CrossEntropy.forward(c.logits(), c.targets(), IGNORE, c.n(), c.v());
            double ref = reference(toDouble(c.logits()), c.targets(), c.n(), c.v());
            // the implementation sums in double but forms z − max in float: an error of u·|z − max|
            // inside each exp, so the loss is off by at most about u·(max|z| + 1) per row
            double tol = 2 * 0x1p-24 * (GradCheck.maxAbs(c.logits()) + 1);
            assertThat(r.loss()).isCloseTo(ref, within(tol));
            assertThat(r.count()).isEqualTo((int) Arrays.stream(c.targets()).filter(t -> t != IGNORE).count());
        });
    }

    @Test
    void uniformLogitsGiveLnV() {
        Property.forAll("cross-entropy of uniform logits = ln V", g -> {
            int n = g.dim(1, 6), v = g.dim(1, 1000);
            float[] z = new float[n * v];
            Arrays.fill(z, (float) g.doubleIn(-50, 50));
            return new Case(n, v, z, g.ints(n, 0, v - 1), 1f);
        }, c -> {
            CrossEntropy.Result r = CrossEntropy.forward(c.logits(), c.targets(), IGNORE, c.n(), c.v());
            // z − max = 0 exactly, so the loss is (c + ln V) − c in double
            assertThat(r.loss()).isCloseTo(Math.log(c.v()), within(1e-13 * (1 + Math.abs(c.logits()[0]))));
        });
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll("cross-entropy backward ≈ finite differences", CrossEntropyTest::make, c -> {
            float[] dz = new float[c.n() * c.v()];
            CrossEntropy.backward(dz, c.logits(), c.targets(), IGNORE, c.n(), c.v(), c.scale());
            double[] numeric = GradCheck.numeric(z -> c.scale() * reference(z, c.targets(), c.n(), c.v()), toDouble(c.logits()));
            GradCheck.assertGradient("dlogits", numeric, dz);
            for (int i = 0; i < c.n(); i++) {
                if (c.targets()[i] == IGNORE) {
                    for (int j = 0; j < c.v(); j++) {
                        assertThat(dz[i * c.v() + j]).as("ignored row %d gets no gradient", i).isZero();
                    }
                }
            }
        });
    }

    @Test
    void backwardAccumulates() {
        Property.forAll(0.5, "cross-entropy backward accumulates", CrossEntropyTest::make, c -> {
            float[] once = new float[c.n() * c.v()], twice = new float[c.n() * c.v()];
            CrossEntropy.backward(once, c.logits(), c.targets(), IGNORE, c.n(), c.v(), c.scale());
            CrossEntropy.backward(twice, c.logits(), c.targets(), IGNORE, c.n(), c.v(), c.scale());
            CrossEntropy.backward(twice, c.logits(), c.targets(), IGNORE, c.n(), c.v(), c.scale());
            GradCheck.assertAccumulates("dlogits", once, twice);
        });
    }

    @Test
    void largeLogitsStayFinite() {
        float[] z = {3e38f, -3e38f, 0f, 1e30f, 1e30f, 1e30f};
        CrossEntropy.Result r = CrossEntropy.forward(z, new int[]{1, 0}, IGNORE, 2, 3);
        // row 0: logsumexp ≈ 3e38, minus z[1] = −3e38; row 1: ln 3 (three equal logits of 1e30,
        // which a plain `max + ln Σ` in double would round away)
        CrossEntropy.Result row1 = CrossEntropy.forward(new float[]{1e30f, 1e30f, 1e30f}, new int[]{0}, IGNORE, 1, 3);
        assertThat(row1.loss()).isCloseTo(Math.log(3), within(1e-15));
        assertThat(r.loss()).isCloseTo((2.0 * 3e38f + Math.log(3)) / 2, within(1e26));
        float[] dz = new float[6];
        CrossEntropy.backward(dz, z, new int[]{1, 0}, IGNORE, 2, 3, 1f);
        assertThat(dz).containsExactly(new float[]{0.5f, -0.5f, 0f, (1f / 3 - 1) / 2, 1f / 6, 1f / 6}, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void allIgnoredGivesZeroLossAndNoGradient() {
        float[] z = {1f, 2f, 3f, 4f};
        CrossEntropy.Result r = CrossEntropy.forward(z, new int[]{IGNORE, IGNORE}, IGNORE, 2, 2);
        assertThat(r.loss()).isZero();
        assertThat(r.count()).isZero();
        float[] dz = {7f, 7f, 7f, 7f};
        CrossEntropy.backward(dz, z, new int[]{IGNORE, IGNORE}, IGNORE, 2, 2, 1f);
        assertThat(dz).containsExactly(7f, 7f, 7f, 7f);
    }

    @Test
    void targetsOutsideTheVocabularyThrowNamingTheTarget() {
        float[] z = new float[6];
        assertThatThrownBy(() -> CrossEntropy.forward(z, new int[]{0, 3}, IGNORE, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target 3 at row 1 is outside the vocabulary [0, 3)");
        assertThatThrownBy(() -> CrossEntropy.forward(z, new int[]{-1, 0}, IGNORE, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target -1 at row 0");
        assertThatThrownBy(() -> CrossEntropy.backward(new float[6], z, new int[]{0, 7}, IGNORE, 2, 3, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target 7 at row 1");
    }

    @Test
    void wrongShapesThrow() {
        assertThatThrownBy(() -> CrossEntropy.forward(new float[5], new int[2], IGNORE, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits has 5 floats but shape [2, 3] needs 6");
        assertThatThrownBy(() -> CrossEntropy.forward(new float[6], new int[3], IGNORE, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targets has 3 ints but needs 2");
        assertThatThrownBy(() -> CrossEntropy.backward(new float[6], new float[6], new int[1], IGNORE, 2, 3, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targets has 1 ints but needs 2");
    }

    /// The one-pass training form keeps the summation orders of the two methods, so it equals
    /// them bit for bit: the loss (a double), the count, and gradients added onto what was there.
    @Test
    void forwardBackwardInOnePassEqualsForwardThenBackwardBitForBit() {
        record WithStart(Case c, float[] start) { // start: [N, V] what dlogits holds before
        }
        Property.forAll("forwardBackward == forward + backward", g -> {
            Case c = make(g);
            return new WithStart(c, g.floats(c.n() * c.v()));
        }, o -> {
            Case c = o.c();
            float[] start = o.start();
            CrossEntropy.Result expected = CrossEntropy.forward(c.logits(), c.targets(), IGNORE, c.n(), c.v());
            float[] dExpected = start.clone();
            CrossEntropy.backward(dExpected, c.logits(), c.targets(), IGNORE, c.n(), c.v(), c.scale());
            float[] dActual = start.clone();
            CrossEntropy.Result actual = CrossEntropy.forwardBackward(dActual, c.logits(), c.targets(), IGNORE, c.n(), c.v(), c.scale());
            assertThat(Double.doubleToRawLongBits(actual.loss())).as("loss %s vs %s", actual.loss(), expected.loss())
                    .isEqualTo(Double.doubleToRawLongBits(expected.loss()));
            assertThat(actual.count()).isEqualTo(expected.count());
            GradCheck.assertBitEqual("dlogits", dExpected, dActual);
        });
    }

    @Test
    void forwardBackwardNamesATargetOutsideTheVocabulary() {
        assertThatThrownBy(() -> CrossEntropy.forwardBackward(new float[6], new float[6], new int[] {0, 3}, IGNORE, 2, 3, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target 3 at row 1");
    }
}
