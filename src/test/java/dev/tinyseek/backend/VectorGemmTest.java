package dev.tinyseek.backend;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import dev.tinyseek.testkit.Threads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/// The Vector API GEMM is held to the naive control bit for bit: its micro-kernel keeps the
/// `Gemm` contract's order (one float sum per output, `k` in order, a multiply then an add, then
/// added to `C`), so no tolerance is needed. The test JVM gets `--add-modules jdk.incubator.vector`
/// from the pom, so the module is there.
class VectorGemmTest {

    @BeforeEach
    void theTestJvmHasTheModule() {
        assertThat(Backends.vectorPresent())
                .as("the tests run with --add-modules jdk.incubator.vector (pom.xml, surefire argLine)").isTrue();
    }

    /// Shapes that cross the 8-row micro-kernel, the 2-vector panel and the few-row path, with
    /// offsets and padding around every operand.
    static JavaGemmTest.Case gemmCase(Gen g) {
        int m = g.chance(0.15) ? g.intIn(0, 1) : g.dim(0, g.chance(0.5) ? 9 : 40);
        int n = g.chance(0.15) ? g.intIn(0, 1) : g.dim(0, g.chance(0.5) ? 33 : 140);
        int k = g.chance(0.15) ? g.intIn(0, 1) : g.dim(0, 70);
        int aOff = g.intIn(0, 5), bOff = g.intIn(0, 5), cOff = g.intIn(0, 5);
        Gen.Dist d = g.oneOf(Gen.Dist.values());
        return new JavaGemmTest.Case(g.bool(), g.bool(), m, n, k, g.bool(), aOff, bOff, cOff,
                g.floats(aOff + m * k + g.intIn(0, 3), d),
                g.floats(bOff + k * n + g.intIn(0, 3), d),
                g.floats(cOff + m * n + g.intIn(0, 3), d));
    }

    @Test
    void vectorGemmEqualsNaiveGemmBitForBit() {
        Gemm naive = new NaiveGemm();
        Gemm vector = Backends.byName("vector");
        Property.forAll(2, "VectorGemm == NaiveGemm, bit for bit", VectorGemmTest::gemmCase, c -> {
            float[] expected = JavaGemmTest.run(naive, c);
            float[] actual = JavaGemmTest.run(vector, c);
            GradCheck.assertBitEqual("C (whole array, padding included)", expected, actual);
        });
    }

    @Test
    void everyTransposeAndAccumulateModeOnShapesWithTailsInBothDirections() {
        Gen g = new Gen(7, Gen.MAX_SIZE);
        int[][] shapes = {{17, 67, 13}, {8, 32, 5}, {9, 33, 1}, {5, 100, 40}, {40, 3, 64}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    for (boolean acc : new boolean[]{false, true}) {
                        int m = s[0], n = s[1], k = s[2];
                        var c = new JavaGemmTest.Case(ta, tb, m, n, k, acc, 3, 1, 2,
                                g.floats(3 + m * k), g.floats(1 + k * n + 2), g.floats(2 + m * n + 1));
                        GradCheck.assertBitEqual(Arrays.toString(s) + " transA=" + ta + " transB=" + tb + " accumulate=" + acc,
                                JavaGemmTest.run(new NaiveGemm(), c), JavaGemmTest.run(new VectorGemm(), c));
                    }
                }
            }
        }
    }

    @Test
    void signedZerosInfinitiesAndNaNsComeOutAsInTheNaiveLoops() {
        // -0 · x sums to +0 from the +0 start; ∞ − ∞ is NaN; a NaN in A spreads along its row only
        int m = 9, n = 35, k = 6;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        Arrays.fill(a, -0f);
        a[1 * k + 2] = Float.POSITIVE_INFINITY;
        a[1 * k + 3] = Float.NEGATIVE_INFINITY;
        a[3 * k] = Float.NaN;
        a[8 * k + 5] = Float.MAX_VALUE;
        Arrays.fill(b, 1f);
        b[5 * n + 34] = 4f; // overflows to ∞ in row 8, column 34
        Arrays.fill(c, -0f);
        for (boolean acc : new boolean[]{false, true}) {
            float[] expected = c.clone(), actual = c.clone();
            new NaiveGemm().gemm(false, false, m, n, k, a, 0, b, 0, expected, 0, acc);
            new VectorGemm().gemm(false, false, m, n, k, a, 0, b, 0, actual, 0, acc);
            GradCheck.assertBitEqual("special values, accumulate=" + acc, expected, actual);
            assertThat(Float.floatToRawIntBits(actual[0])).isZero(); // +0, not -0
            assertThat(actual[n]).isNaN();
            assertThat(actual[8 * n + 34]).isInfinite();
        }
    }

    @Test
    void theResultIsTheSameForOneTwoAndFourThreads() {
        Gen g = new Gen(11, Gen.MAX_SIZE);
        int m = 70, n = 150, k = 300; // enough tiles and packing work to be split across threads
        float[] a = g.floats(m * k), b = g.floats(n * k), c0 = g.floats(m * n);
        for (boolean tb : new boolean[]{false, true}) {
            float[][] byThreads = new float[3][];
            int[] counts = {1, 2, 4};
            for (int t = 0; t < counts.length; t++) {
                byThreads[t] = Threads.with(counts[t], () -> {
                    float[] c = c0.clone();
                    new VectorGemm().gemm(false, tb, m, n, k, a, 0, b, 0, c, 0, true);
                    return c;
                });
            }
            GradCheck.assertBitEqual("1 vs 2 threads, transB=" + tb, byThreads[0], byThreads[1]);
            GradCheck.assertBitEqual("1 vs 4 threads, transB=" + tb, byThreads[0], byThreads[2]);
        }
    }

    @Test
    void theDefaultBackendIsTheVectorOneWhenTheModuleIsThereAndItNamesItsVectorShape() {
        assertThat(Backends.defaultGemm().name()).isEqualTo("vector");
        assertThat(VectorGemm.shape()).matches("\\d+ floats \\(\\d+ bits\\)");
        // the Java backends say they give the naive bits (what the tests above check); a wrapper that
        // says nothing does not
        assertThat(new VectorGemm().naiveBits()).isTrue();
        assertThat(new JavaGemm().naiveBits()).isTrue();
        assertThat(new NaiveGemm().naiveBits()).isTrue();
        Gemm other = new Gemm() {
            @Override
            public String name() {
                return "other";
            }

            @Override
            public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                             float[] c, int cOff, boolean accumulate) {
                new NaiveGemm().gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
            }
        };
        assertThat(other.naiveBits()).isFalse();
    }
}
