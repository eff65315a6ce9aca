package dev.tinyseek.backend;

import dev.tinyseek.testkit.Describe;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The Java GEMM is held to the naive control bit for bit (the `Gemm` contract: one float sum per
/// output, `k` in order, then added to `C`), and the control to a double reference by an error bound.
class JavaGemmTest {

    /// One GEMM call: `C (+)= op(A)·op(B)` on arrays with leading offsets and trailing padding.
    record Case(boolean transA, boolean transB, int m, int n, int k, boolean accumulate,
                int aOff, int bOff, int cOff,
                float[] a,   // [aOff + M·K + pad]
                float[] b,   // [bOff + K·N + pad]
                float[] c) { // [cOff + M·N + pad], C's contents before the call
    }

    /// A size that is often 0 or 1, else up to `hi` (shrinking with the generator's size).
    private static int edgeDim(Gen g, int hi) {
        return g.chance(0.15) ? g.intIn(0, 1) : g.dim(0, hi);
    }

    static Case gemmCase(Gen g) {
        int m = edgeDim(g, 13);                                       // crosses the 4-row micro-kernel
        int n = g.chance(0.3) ? g.dim(0, 1100) : edgeDim(g, 40);     // sometimes crosses 512-column blocks
        int k = edgeDim(g, 70);
        int aOff = g.intIn(0, 5), bOff = g.intIn(0, 5), cOff = g.intIn(0, 5);
        return new Case(g.bool(), g.bool(), m, n, k, g.bool(), aOff, bOff, cOff,
                g.floats(aOff + m * k + g.intIn(0, 3)),
                g.floats(bOff + k * n + g.intIn(0, 3)),
                g.floats(cOff + m * n + g.intIn(0, 3)));
    }

    static float[] run(Gemm gemm, Case c) {
        float[] out = c.c().clone();
        gemm.gemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.a(), c.aOff(), c.b(), c.bOff(), out, c.cOff(), c.accumulate());
        return out;
    }

    @Test
    void javaGemmEqualsNaiveGemmBitForBit() {
        Gemm naive = new NaiveGemm();
        Gemm java = new JavaGemm();
        Property.forAll(2, "JavaGemm == NaiveGemm, bit for bit", JavaGemmTest::gemmCase, c -> {
            float[] expected = run(naive, c);
            float[] actual = run(java, c);
            GradCheck.assertBitEqual("C (whole array, padding included)", expected, actual);
            // and neither touched what lies outside C's window
            assertThat(Arrays.copyOf(actual, c.cOff())).containsExactly(Arrays.copyOf(c.c(), c.cOff()));
            int end = c.cOff() + c.m() * c.n();
            assertThat(Arrays.copyOfRange(actual, end, actual.length)).containsExactly(Arrays.copyOfRange(c.c(), end, c.c().length));
        });
    }

    @Test
    void allFourTransposeCombinationsAndAccumulateModesAreCovered() {
        // the property above draws them at random; here each combination runs on a fixed awkward shape
        Gen g = new Gen(99, Gen.MAX_SIZE);
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                for (boolean acc : new boolean[]{false, true}) {
                    int m = 7, n = 515, k = 13;
                    Case c = new Case(ta, tb, m, n, k, acc, 3, 1, 2,
                            g.floats(3 + m * k), g.floats(1 + k * n + 2), g.floats(2 + m * n + 1));
                    GradCheck.assertBitEqual("transA=" + ta + " transB=" + tb + " accumulate=" + acc,
                            run(new NaiveGemm(), c), run(new JavaGemm(), c));
                }
            }
        }
    }

    @Test
    void emptySumAddsPlusZeroToC() {
        // K = 0: each C[i,j] gets the empty sum +0f added, so a -0.0 in C becomes +0.0, as in the
        // naive control (a kernel that skips the empty loop would leave C untouched)
        float[] c = {-0f, 1f, -0f, -2f};
        float[] expected = c.clone();
        new NaiveGemm().gemm(false, true, 2, 2, 0, new float[0], 0, new float[0], 0, expected, 0, true);
        float[] actual = c.clone();
        new JavaGemm().gemm(false, true, 2, 2, 0, new float[0], 0, new float[0], 0, actual, 0, true);
        GradCheck.assertBitEqual("C after an empty accumulate", expected, actual);
        assertThat(actual).containsExactly(0f, 1f, 0f, -2f);
    }

    @Test
    void naiveGemmIsWithinTheFloatErrorBoundOfADoubleReference() {
        // a float dot product of length K is within γ_K·Σ|a_p b_p| of the exact one, γ_K = K·u/(1 − K·u),
        // u = 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, §3.1); one more rounding
        // when adding to C costs u·|result|
        Property.forAll("NaiveGemm ≈ double reference", JavaGemmTest::gemmCase, c -> {
            float[] actual = run(new NaiveGemm(), c);
            double u = 0x1p-24;
            double gamma = c.k() * u / (1 - c.k() * u);
            for (int i = 0; i < c.m(); i++) {
                for (int j = 0; j < c.n(); j++) {
                    double exact = 0, abs = 0;
                    for (int p = 0; p < c.k(); p++) {
                        double av = c.transA() ? c.a()[c.aOff() + p * c.m() + i] : c.a()[c.aOff() + i * c.k() + p];
                        double bv = c.transB() ? c.b()[c.bOff() + j * c.k() + p] : c.b()[c.bOff() + p * c.n() + j];
                        exact += av * bv;
                        abs += Math.abs(av * bv);
                    }
                    int ci = c.cOff() + i * c.n() + j;
                    double before = c.accumulate() ? c.c()[ci] : 0;
                    double want = before + exact;
                    double bound = gamma * abs * (1 + u) + u * (Math.abs(before) + abs) + 1e-40;
                    assertThat(Math.abs(actual[ci] - want)).as("C[%d,%d]", i, j).isLessThanOrEqualTo(bound);
                }
            }
        });
    }

    @Test
    void operandsTooShortThrowNamingTheOperandAndShape() {
        Gemm java = new JavaGemm();
        assertThatThrownBy(() -> java.gemm(false, true, 2, 3, 4, new float[8], 0, new float[11], 0, new float[6], 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operand B of shape [3,4]")
                .hasMessageContaining("needs 12 floats from offset 0 but its array has 11");
        assertThatThrownBy(() -> java.gemm(true, false, 2, 3, 4, new float[8], 1, new float[12], 0, new float[6], 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operand A of shape [4,2]");
        assertThatThrownBy(() -> new NaiveGemm().gemm(false, false, 2, 3, 4, new float[8], 0, new float[12], 0, new float[5], 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operand C of shape [2,3]");
    }

    @Test
    void describeShowsTheCase() {
        // the failure report of the properties above prints cases like this
        assertThat(Describe.of(gemmCase(new Gen(1, 0)))).startsWith("Case[transA=");
    }
}
