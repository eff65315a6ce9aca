package dev.tinyseek.tensor;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/// RoPE in the official interleaved layout (`docs/mla.md#rope-interleaved-pairs`): pair `(x[2j], x[2j+1])`
/// at position `pos` is rotated by `pos·θ^(−2j/Dr)`.
class RopeTest {

    record Case(int t, int h, int headStride, int ropeOff, int dim, int pos0, double theta,
                float[] x,    // [T, H, headStride]
                float[] dy) { // [T, H, headStride]
    }

    static Case make(Gen g) {
        int dim = 2 * g.dim(1, 8);
        int ropeOff = g.dim(0, 5);
        int headStride = ropeOff + dim + g.dim(0, 5);
        int t = g.dim(1, 5), h = g.dim(1, 3);
        int n = t * h * headStride;
        return new Case(t, h, headStride, ropeOff, dim, g.intIn(0, 5000), g.oneOf(10000.0, 500.0, 1e6),
                g.floats(n), g.normal(n, 1));
    }

    static Rope rope(Case c) {
        return Rope.plain(c.dim(), c.theta(), c.pos0() + c.t());
    }

    /// The formula of the docs, in double, written out independently of the implementation.
    static double[] reference(double[] x, Case c) {
        double[] y = x.clone();
        for (int i = 0; i < c.t(); i++) {
            int pos = c.pos0() + i;
            for (int hh = 0; hh < c.h(); hh++) {
                int base = (i * c.h() + hh) * c.headStride() + c.ropeOff();
                for (int j = 0; j < c.dim() / 2; j++) {
                    double angle = pos * Math.pow(c.theta(), -2.0 * j / c.dim());
                    double a = x[base + 2 * j], b = x[base + 2 * j + 1];
                    y[base + 2 * j] = a * Math.cos(angle) - b * Math.sin(angle);
                    y[base + 2 * j + 1] = a * Math.sin(angle) + b * Math.cos(angle);
                }
            }
        }
        return y;
    }

    static float[] forward(Case c) {
        float[] y = c.x().clone();
        rope(c).forward(y, c.t(), c.h(), c.headStride(), c.ropeOff(), c.pos0());
        return y;
    }

    @Test
    void matchesTheSpecFormulaAndLeavesOtherDimsAlone() {
        Property.forAll("rope = the docs' formula", RopeTest::make, c -> {
            float[] y = forward(c);
            double[] ref = reference(toDouble(c.x()), c);
            // cos and sin are rounded to float (u each), then two products and a sum: every output
            // is within 4u·(|a| + |b|) of the exact rotation; 4u·max|x| bounds that for the array
            GradCheck.assertClose("y", ref, y, 0, 4 * 0x1p-24 * 2 * GradCheck.maxAbs(c.x()) + 1e-37);
            for (int e = 0; e < y.length; e++) {
                int inHead = e % c.headStride();
                if (inHead < c.ropeOff() || inHead >= c.ropeOff() + c.dim()) {
                    assertThat(Float.floatToIntBits(y[e])).as("non-RoPE dim %d", e).isEqualTo(Float.floatToIntBits(c.x()[e]));
                }
            }
        });
    }

    @Test
    void keepsNormsOfEveryPair() {
        Property.forAll("rope keeps norms", RopeTest::make, c -> {
            float[] y = forward(c);
            for (int e = c.ropeOff(); e < y.length; e += c.headStride()) {
                for (int j = 0; j < c.dim(); j += 2) {
                    double before = Math.hypot(c.x()[e + j], c.x()[e + j + 1]);
                    double after = Math.hypot(y[e + j], y[e + j + 1]);
                    assertThat(after).isCloseTo(before, within(5 * 0x1p-24 * before + 1e-37));
                }
            }
        });
    }

    @Test
    void dotProductsDependOnlyOnThePositionDifference() {
        // ⟨R_m q, R_n k⟩ = ⟨q, R_{n−m} k⟩: shifting both positions by s changes nothing
        Property.forAll("rope relative position", g -> {
            int dim = 2 * g.dim(1, 16);
            return new int[]{dim, g.intIn(0, 2000), g.intIn(0, 2000), g.intIn(0, 2000)};
        }, p -> {
            int dim = p[0], m = p[1], n = p[2], s = p[3];
            Gen g = new Gen(p[1] * 31L + p[2], 100);
            float[] q = g.normal(dim, 1), k = g.normal(dim, 1);
            Rope r = Rope.plain(dim, 10000, 4100);
            double a = rotatedDot(r, q, m, k, n), b = rotatedDot(r, q, m + s, k, n + s);
            // both are float rotations: each within ~4u·|q||k|·√dim of the exact common value
            double qk = Math.sqrt(GradCheck.dot(toDouble(q), toDouble(q)) * GradCheck.dot(toDouble(k), toDouble(k)));
            assertThat(a).isCloseTo(b, within(16 * 0x1p-24 * qk * Math.sqrt(dim)));
        });
    }

    private static double rotatedDot(Rope r, float[] q, int m, float[] k, int n) {
        float[] qr = q.clone(), kr = k.clone();
        r.forward(qr, 1, 1, q.length, 0, m);
        r.forward(kr, 1, 1, k.length, 0, n);
        return GradCheck.dot(toDouble(qr), toDouble(kr));
    }

    @Test
    void backwardIsTheInverseRotation() {
        Property.forAll("rope backward undoes forward", RopeTest::make, c -> {
            float[] y = forward(c);
            rope(c).backward(y, c.t(), c.h(), c.headStride(), c.ropeOff(), c.pos0());
            GradCheck.assertClose("R⁻¹ R x", toDouble(c.x()), y, 0, 8 * 0x1p-24 * 2 * GradCheck.maxAbs(c.x()) + 1e-37);
        });
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll("rope backward ≈ finite differences", RopeTest::make, c -> {
            float[] dx = c.dy().clone();
            rope(c).backward(dx, c.t(), c.h(), c.headStride(), c.ropeOff(), c.pos0());
            double[] dyD = toDouble(c.dy());
            GradCheck.assertGradient("dx", GradCheck.numeric(x -> GradCheck.dot(dyD, reference(x, c)), toDouble(c.x())), dx);
        });
    }

    @Test
    void backwardRotatesInPlaceRatherThanAccumulating() {
        // unlike the other ops, RoPE's backward has no separate output to `+=` into: it turns the
        // gradient of the rotated vector into that of the input, in place. Calling it twice
        // therefore rotates twice (by −2 angles), which is what this pins down.
        Case c = make(new Gen(5, 100));
        float[] twice = c.dy().clone();
        Rope r = rope(c);
        r.backward(twice, c.t(), c.h(), c.headStride(), c.ropeOff(), c.pos0());
        r.backward(twice, c.t(), c.h(), c.headStride(), c.ropeOff(), c.pos0());
        r.forward(twice, c.t(), c.h(), c.headStride(), c.ropeOff(), c.pos0());
        r.forward(twice, c.t(), c.h(), c.headStride(), c.ropeOff(), c.pos0());
        GradCheck.assertClose("R R R⁻¹ R⁻¹ dy", toDouble(c.dy()), twice, 0, 1e-5 * GradCheck.maxAbs(c.dy()));
    }

    @Test
    void frequenciesAreThetaToTheMinus2jOverD() {
        double[] f = Rope.plainFrequencies(64, 10000);
        assertThat(f).hasSize(32);
        for (int j = 0; j < 32; j++) {
            assertThat(f[j]).isCloseTo(Math.pow(10000, -2.0 * j / 64), within(1e-15));
        }
    }

    @Test
    void errorsNameWhatIsWrong() {
        Rope r = Rope.plain(4, 10000, 8);
        assertThatThrownBy(() -> r.forward(new float[12], 2, 1, 6, 3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RoPE dims [3, 7) do not fit in a head of 6");
        assertThatThrownBy(() -> r.forward(new float[12], 2, 1, 6, 0, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positions [7, 9) are outside the table [0, 8)");
        assertThatThrownBy(() -> r.forward(new float[11], 2, 1, 6, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x has 11 floats but shape [2, 1, 6] needs 12");
        assertThatThrownBy(() -> Rope.plain(5, 10000, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be even and positive, got 5");
    }
}
