package dev.tinyseek.testkit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/// The harness tested on itself: a true property passes every try, a false one is caught,
/// shrunk to a small case, and reported with a seed and a command that replays it.
class PropertyTest {

    private static final Property.Settings TWENTY = new Property.Settings(20, null, Gen.MAX_SIZE, false);

    record Shape(int[] dims) {
    }

    @Test
    void truePropertyRunsEveryTryWithSizesFromZeroToMax() {
        List<Integer> sizes = new ArrayList<>();
        Property.forAll(TWENTY, "dims stay in range",
                g -> {
                    sizes.add(g.size());
                    return new Shape(g.shape(3, 2, 9));
                },
                c -> assertThat(Arrays.stream(c.dims()).boxed().toList()).allSatisfy(d -> assertThat(d).isBetween(2, 9)));
        assertThat(sizes).hasSize(20).startsWith(0).endsWith(Gen.MAX_SIZE).isSorted();
    }

    @Test
    void falsePropertyIsCaughtShrunkAndReportedWithSeedAndReplayCommand() {
        // false: dims go up to 40. The smallest counterexample has one dim of exactly 5.
        AssertionError e = catchThrowableOfType(AssertionError.class, () ->
                Property.forAll(TWENTY, "every dim is below 5",
                        g -> new Shape(g.shape(3, 1, 40)),
                        c -> assertThat(Arrays.stream(c.dims()).max().orElse(0)).isLessThan(5)));
        assertThat(e).isNotNull();
        String m = e.getMessage();
        assertThat(m).contains("Property 'every dim is below 5' failed")
                .contains("seed ")
                .contains("./tinyseek test -Dtest=PropertyTest#falsePropertyIsCaughtShrunkAndReportedWithSeedAndReplayCommand")
                .contains("-Dtinyseek.seed=")
                .contains("-Dsurefire.failIfNoSpecifiedTests=false")
                .contains("Shape[dims=int[3]{");
        assertThat(e.getCause()).isInstanceOf(AssertionError.class);

        // the smallest case is small: its size bounds dims by 1 + 39·size/100, and only sizes whose
        // bound reaches 5 can fail
        Matcher sm = Pattern.compile("smallest failing case found: seed (-?\\d+), size (\\d+)").matcher(m);
        assertThat(sm.find()).isTrue();
        long seed = Long.parseLong(sm.group(1));
        int size = Integer.parseInt(sm.group(2));
        assertThat(size).isLessThanOrEqualTo(16);
        Matcher case_ = Pattern.compile("dims=int\\[3]\\{(\\d+), (\\d+), (\\d+)}").matcher(m);
        assertThat(case_.find()).isTrue();
        int max = Math.max(Integer.parseInt(case_.group(1)), Math.max(Integer.parseInt(case_.group(2)), Integer.parseInt(case_.group(3))));
        assertThat(max).isBetween(5, 7);

        // replaying that seed and size gives the same case and fails again
        List<int[]> replayed = new ArrayList<>();
        assertThatThrownBy(() -> Property.forAll(new Property.Settings(20, seed, size, false), "every dim is below 5",
                g -> {
                    Shape s = new Shape(g.shape(3, 1, 40));
                    replayed.add(s.dims());
                    return s;
                },
                c -> assertThat(Arrays.stream(c.dims()).max().orElse(0)).isLessThan(5)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("-Dtinyseek.seed=" + seed + " -Dtinyseek.size=" + size);
        assertThat(replayed).hasSize(1);
        assertThat(Arrays.stream(replayed.get(0)).max().orElse(0)).isEqualTo(max);
    }

    @Test
    void exceptionsThrownByTheCodeUnderTestAreFailuresToo() {
        assertThatThrownBy(() -> Property.forAll(TWENTY, "no exceptions",
                g -> g.dim(0, 10),
                n -> {
                    if (n > 3) {
                        throw new IllegalStateException("n too big: " + n);
                    }
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("IllegalStateException: n too big: 4")
                .hasRootCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void sameSeedSameCase() {
        for (Gen.Dist d : Gen.Dist.values()) {
            Gen a = new Gen(42, 50);
            Gen b = new Gen(42, 50);
            assertThat(a.floats(100, d)).containsExactly(b.floats(100, d));
            assertThat(a.shape(4, 1, 100)).containsExactly(b.shape(4, 1, 100));
        }
    }

    @Test
    void sizeZeroGivesLowerBoundsAndDimsStayInRange() {
        Gen g = new Gen(7, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(g.dim(3, 1000)).isEqualTo(3);
        }
        Gen h = new Gen(7, Gen.MAX_SIZE);
        int max = 0;
        for (int i = 0; i < 1000; i++) {
            int d = h.dim(3, 10);
            assertThat(d).isBetween(3, 10);
            max = Math.max(max, d);
        }
        assertThat(max).isEqualTo(10);
    }

    @Test
    void distributionsHaveTheirShape() {
        Gen g = new Gen(1, 100);
        float[] out = g.floats(200, Gen.Dist.OUTLIERS);
        assertThat(Arrays.stream(GradCheck.toDouble(out)).filter(v -> Math.abs(v) >= 100).count()).isBetween(1L, 40L);
        float[] zeros = g.floats(200, Gen.Dist.ZEROS);
        assertThat(Arrays.stream(GradCheck.toDouble(zeros)).filter(v -> v == 0).count()).isGreaterThan(20);
        float[] uni = g.floats(200, Gen.Dist.UNIFORM);
        assertThat(Arrays.stream(GradCheck.toDouble(uni)).boxed().toList()).allSatisfy(v -> assertThat(v).isBetween(-1.0, 1.0));
        assertThat(g.floats(0, Gen.Dist.OUTLIERS)).isEmpty();
    }

    @Test
    void gradCheckOfAKnownFunction() {
        // f(x) = Σ x_i³ + x_0 x_1, so ∂f/∂x_i = 3 x_i² (+ x_1 or x_0)
        double[] x = {0.5, -2, 30};
        double[] g = GradCheck.numeric(v -> v[0] * v[0] * v[0] + v[1] * v[1] * v[1] + v[2] * v[2] * v[2] + v[0] * v[1], x);
        // rounding error ≈ 1e-16·|f|/h: f ≈ 27000, h = 1e-5 → 3e-7
        GradCheck.assertClose("d/dx", new double[]{3 * 0.25 - 2, 12 + 0.5, 3 * 900}, g, 1e-8, 1e-6);
        assertThat(x).containsExactly(0.5, -2, 30); // restored
    }

    @Test
    void comparisonMessagesNameTheWorstIndexAndBothValues() {
        assertThatThrownBy(() -> GradCheck.assertClose("dx", new double[]{1, 2, 3, 4}, new float[]{1, 2, 3.5f, 4.01f}, 1e-3, 0))
                .hasMessageContaining("dx: worst at index 2 of 4")
                .hasMessageContaining("expected 3.00000000, actual 3.50000000")
                .hasMessageContaining("relative error 0.167");
        assertThatThrownBy(() -> GradCheck.assertClose("nan", new double[]{1}, new float[]{Float.NaN}, 1, 1))
                .hasMessageContaining("index 0");
        assertThatThrownBy(() -> GradCheck.assertBitEqual("c", new float[]{0f, 1f}, new float[]{-0f, 1f}))
                .hasMessageContaining("1 of 2 values differ; first at index 0");
    }
}
