package dev.tinyseek.rl;

import dev.tinyseek.rl.Advantages.Scale;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/// Advantages: the properties of `docs/grpo-r1.md#tests`, and agreement with the formula computed in `BigDecimal`.
class AdvantagesTest {

    /// Rewards for `groups` groups of `g`: from {0, 0.1, 1} (often all equal) or continuous.
    record Case(double[] rewards, int g) {
    }

    static Case rewards(Gen gen) {
        int g = gen.intIn(2, 16), groups = gen.intIn(1, 4);
        double[] r = new double[g * groups];
        boolean discrete = gen.bool();
        for (int k = 0; k < groups; k++) {
            boolean constant = gen.chance(0.2);
            double c = gen.oneOf(0.0, 0.1, 1.0);
            for (int i = k * g; i < (k + 1) * g; i++) {
                r[i] = constant ? c : discrete ? gen.oneOf(0.0, 0.1, 1.0) : gen.doubleIn(-3, 3);
            }
        }
        return new Case(r, g);
    }

    @Test
    void groupsSumToZeroForEveryScale() {
        Property.forAll(5, "advantages sum to zero in each group", AdvantagesTest::rewards, c -> {
            double maxR = Arrays.stream(c.rewards()).map(Math::abs).max().orElse(0);
            for (Scale s : Scale.values()) {
                double[] a = Advantages.compute(c.rewards(), c.g(), s);
                for (int g0 = 0; g0 < a.length; g0 += c.g()) {
                    double sum = 0, maxA = 0;
                    for (int i = g0; i < g0 + c.g(); i++) {
                        sum += a[i];
                        maxA = Math.max(maxA, Math.abs(a[i]));
                    }
                    assertThat(Math.abs(sum)).as(s.toString()).isLessThanOrEqualTo(1e-12 * c.g() * Math.max(maxR, maxA) + 1e-300);
                }
            }
        });
    }

    @Test
    void stdScaledGroupsHaveUnitSampleStd() {
        Property.forAll(5, "group std of advantages is std/(std+eps)", AdvantagesTest::rewards, c -> {
            double[] a = Advantages.compute(c.rewards(), c.g(), Scale.GROUP);
            for (int g0 = 0; g0 < a.length; g0 += c.g()) {
                if (Advantages.allEqual(c.rewards(), g0, c.g())) {
                    continue;
                }
                double std = Advantages.sampleStd(c.rewards(), g0, c.g());
                assertThat(Advantages.sampleStd(a, g0, c.g())).isCloseTo(std / (std + Advantages.EPS), within(1e-12));
            }
        });
    }

    @Test
    void affineInvarianceUnderStdScalingAndLinearScalingWithout() {
        Property.forAll(5, "r -> a r + b", AdvantagesTest::rewards, c -> {
            double scale = 0.5 + 2.5 * Math.abs(Math.sin(c.rewards().length)), shift = -1.7;
            double[] r2 = Arrays.stream(c.rewards()).map(x -> scale * x + shift).toArray();
            double[] a = Advantages.compute(c.rewards(), c.g(), Scale.GROUP);
            double[] b = Advantages.compute(r2, c.g(), Scale.GROUP);
            double[] n = Advantages.compute(c.rewards(), c.g(), Scale.NONE);
            double[] m = Advantages.compute(r2, c.g(), Scale.NONE);
            for (int i = 0; i < a.length; i++) {
                // only ε breaks invariance: |A| ≤ G, and the std of a non-constant group is ≥ 0.05 here
                assertThat(b[i]).isCloseTo(a[i], within(1e-3 * (1 + Math.abs(a[i]))));
                assertThat(m[i]).isCloseTo(scale * n[i], within(1e-9));
            }
        });
    }

    @Test
    void constantGroupsGiveExactlyZeroEvenForInexactRewards() {
        for (double c : new double[] {0.1, 0.35, 0.4, 1.0 / 3, 1e9 + 0.1, 0}) {
            for (int g : new int[] {1, 2, 3, 7, 16}) {
                double[] r = new double[g];
                Arrays.fill(r, c);
                for (Scale s : Scale.values()) {
                    assertThat(Advantages.compute(r, g, s)).containsOnly(0.0);
                }
            }
        }
        // G = 2, rewards {0, 1}: sample std √0.5, so ±0.5/(√0.5 + 1e-4) = ±0.70700 (population std would give ±0.9998)
        double want = 0.5 / (Math.sqrt(0.5) + 1e-4);
        assertThat(Advantages.compute(new double[] {0, 1}, 2, Scale.GROUP)).containsExactly(new double[] {-want, want}, within(1e-15));
    }

    @Test
    void groupsAreIsolatedUnderGroupScalingButNotUnderBatchScaling() {
        Property.forAll(5, "changing one group changes only that group (GROUP, NONE)", AdvantagesTest::rewards, c -> {
            if (c.rewards().length == c.g()) {
                return;
            }
            double[] r2 = c.rewards().clone();
            for (int i = 0; i < c.g(); i++) {
                r2[i] = 5 + i; // group 0 becomes non-constant and far larger
            }
            for (Scale s : new Scale[] {Scale.GROUP, Scale.NONE}) {
                double[] a = Advantages.compute(c.rewards(), c.g(), s), b = Advantages.compute(r2, c.g(), s);
                assertThat(Arrays.copyOfRange(b, c.g(), b.length)).containsExactly(Arrays.copyOfRange(a, c.g(), a.length));
            }
            double[] a = Advantages.compute(c.rewards(), c.g(), Scale.BATCH), b = Advantages.compute(r2, c.g(), Scale.BATCH);
            boolean otherNonConstant = false;
            for (int g0 = c.g(); g0 < a.length; g0 += c.g()) {
                otherNonConstant |= !Advantages.allEqual(c.rewards(), g0, c.g());
            }
            if (otherNonConstant) {
                assertThat(Arrays.copyOfRange(b, c.g(), b.length)).isNotEqualTo(Arrays.copyOfRange(a, c.g(), a.length));
            }
        });
    }

    @Test
    void permutingAGroupPermutesItsAdvantages() {
        Property.forAll(5, "permutation within a group", AdvantagesTest::rewards, c -> {
            int g = c.g();
            double[] r2 = c.rewards().clone();
            for (int i = 0; i < g; i++) { // reverse the first group
                r2[i] = c.rewards()[g - 1 - i];
            }
            double[] a = Advantages.compute(c.rewards(), g, Scale.GROUP), b = Advantages.compute(r2, g, Scale.GROUP);
            for (int i = 0; i < g; i++) {
                assertThat(b[i]).isCloseTo(a[g - 1 - i], within(1e-12));
            }
        });
    }

    /// An independent oracle: the same definition computed in `BigDecimal` (34 digits), the
    /// variance as `(Σr² − (Σr)²/G)/(G − 1)` rather than as a sum of squared deviations, so that
    /// neither the arithmetic nor the form is the library's.
    @Test
    void agreesWithTheFormulaInBigDecimal() {
        Property.forAll(10, "Advantages == BigDecimal oracle", AdvantagesTest::rewards, c -> {
            double[] ours = Advantages.compute(c.rewards(), c.g(), Scale.GROUP);
            for (int g0 = 0; g0 < ours.length; g0 += c.g()) {
                double[] want = bigDecimalAdvantages(Arrays.copyOfRange(c.rewards(), g0, g0 + c.g()));
                for (int i = 0; i < c.g(); i++) {
                    assertThat(ours[g0 + i]).as("reward %d", g0 + i).isCloseTo(want[i], within(1e-12 * (1 + Math.abs(want[i]))));
                }
            }
        });
        assertThat(Advantages.EPS).isEqualTo(1e-4);
    }

    static double[] bigDecimalAdvantages(double[] r) { // [G]
        java.math.MathContext mc = java.math.MathContext.DECIMAL128;
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO, squares = java.math.BigDecimal.ZERO;
        boolean equal = true;
        for (double x : r) {
            java.math.BigDecimal b = new java.math.BigDecimal(x);
            sum = sum.add(b, mc);
            squares = squares.add(b.multiply(b, mc), mc);
            equal &= x == r[0];
        }
        double[] a = new double[r.length];
        if (equal) {
            return a;
        }
        java.math.BigDecimal n = java.math.BigDecimal.valueOf(r.length);
        java.math.BigDecimal variance = squares.subtract(sum.multiply(sum, mc).divide(n, mc), mc)
                .divide(n.subtract(java.math.BigDecimal.ONE), mc);
        java.math.BigDecimal div = variance.max(java.math.BigDecimal.ZERO).sqrt(mc).add(new java.math.BigDecimal("0.0001"), mc);
        java.math.BigDecimal mean = sum.divide(n, mc);
        for (int i = 0; i < r.length; i++) {
            a[i] = new java.math.BigDecimal(r[i]).subtract(mean, mc).divide(div, mc).doubleValue();
        }
        return a;
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> Advantages.compute(new double[5], 2, Scale.GROUP)).hasMessageContaining("groups of 2");
        assertThatThrownBy(() -> Advantages.compute(new double[] {0, Double.NaN}, 2, Scale.GROUP)).hasMessageContaining("reward 1 is NaN");
        assertThatThrownBy(() -> Advantages.Scale.parse("std")).hasMessageContaining("group, batch or none");
    }
}
