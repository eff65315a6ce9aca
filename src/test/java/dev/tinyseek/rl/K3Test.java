package dev.tinyseek.rl;

import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/// The k3 estimator against computations that are not its own: the value in the form
/// `expm1(d) − d` (d = logp_ref − logp), and in `d²/2 + d³/6 + d⁴/24 + d⁵/120` for small d; its
/// exact mean over a categorical distribution equals `KL(π‖π_ref)`; its gradient equals central
/// finite differences of the value; and the clamp at ±20 (value held, gradient 0).
class K3Test {

    @Test
    void valueEqualsExpm1FormAndIsNeverNegative() {
        Property.forAll(20, "k3 = expm1(d) − d", g -> new double[] {g.doubleIn(-12, 0), g.doubleIn(-19, 19)}, c -> {
            double logp = c[0], d = c[1], logpRef = logp + d;
            double want = Math.expm1(logpRef - logp) - (logpRef - logp);
            assertThat(K3.value(logp, logpRef)).isCloseTo(want, within(1e-12 * (1 + Math.abs(want))));
            assertThat(K3.value(logp, logpRef)).isGreaterThanOrEqualTo(0);
        });
        for (double d : new double[] {1e-3, -1e-3, 1e-2, -2e-2}) {
            double series = d * d / 2 + d * d * d / 6 + d * d * d * d / 24 + d * d * d * d * d / 120;
            // within the next term d⁶/720 and the rounding of exp(d) − d − 1 near 1 (a few ulps of 1)
            assertThat(K3.value(-1, -1 + d)).as("d = %s", d).isCloseTo(series, within(Math.pow(d, 6) / 700 + 1e-15));
        }
        assertThat(K3.value(-0.7, -0.7)).isZero();
        assertThat(K3.value(Math.log(0.5), Math.log(0.25))).isCloseTo(0.5 + Math.log(2) - 1, within(1e-15));
    }

    @Test
    void meanOverACategoricalIsTheKlDivergence() {
        Property.forAll(20, "Σ π·k3 = KL(π‖π_ref)", g -> {
            int n = g.intIn(2, 12);
            double[][] pq = new double[2][n];
            for (double[] row : pq) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    row[i] = Math.exp(g.doubleIn(-3, 3));
                    sum += row[i];
                }
                for (int i = 0; i < n; i++) {
                    row[i] /= sum;
                }
            }
            return pq;
        }, pq -> {
            double mean = 0, kl = 0;
            for (int i = 0; i < pq[0].length; i++) {
                mean += pq[0][i] * K3.value(Math.log(pq[0][i]), Math.log(pq[1][i]));
                kl += pq[0][i] * Math.log(pq[0][i] / pq[1][i]);
            }
            assertThat(mean).isCloseTo(kl, within(1e-12));
        });
    }

    @Test
    void gradientEqualsCentralDifferences() {
        Property.forAll(20, "∂k3/∂logp = finite differences", g -> new double[] {g.doubleIn(-12, 0), g.doubleIn(-5, 5)}, c -> {
            double logp = c[0], logpRef = logp + c[1], h = 1e-5;
            double num = (K3.value(logp + h, logpRef) - K3.value(logp - h, logpRef)) / (2 * h);
            assertThat(K3.gradient(logp, logpRef)).isCloseTo(num, within(1e-6 * (1 + Math.abs(num))));
        });
    }

    @Test
    void theLogRatioIsClampedAtTwenty() {
        assertThat(K3.CLAMP).isEqualTo(20);
        double atClamp = Math.exp(20) - 20 - 1, belowClamp = Math.exp(-20) + 20 - 1;
        assertThat(K3.value(0, 30)).isCloseTo(atClamp, within(1e-6));
        assertThat(K3.value(0, 20)).isCloseTo(atClamp, within(1e-6));
        assertThat(K3.value(30, 0)).isCloseTo(belowClamp, within(1e-12));
        assertThat(K3.gradient(0, 30)).isZero();
        assertThat(K3.gradient(0, -30)).isZero();
        assertThat(K3.gradient(0, 19.5)).isCloseTo(1 - Math.exp(19.5), within(1e-3));
    }
}
