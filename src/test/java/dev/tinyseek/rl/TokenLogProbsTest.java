package dev.tinyseek.rl;

import dev.tinyseek.generate.Sampler;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/// Log-probabilities at a temperature: value, entropy and backward (finite differences), and
/// the sampler draws from exactly that distribution (`docs/grpo-r1.md#log-probabilities-and-temperature`).
class TokenLogProbsTest {

    record Case(float[] logits, int[] rows, int[] tokens, double[] dlogp, int v, double temp) {
    }

    static Case make(Gen g) {
        int n = g.dim(1, 4), v = g.dim(2, 9), k = g.dim(1, 6);
        int[] rows = new int[k], tokens = new int[k];
        double[] d = new double[k];
        for (int i = 0; i < k; i++) {
            rows[i] = g.intIn(0, n - 1);
            tokens[i] = g.intIn(0, v - 1);
            d[i] = g.gaussian();
        }
        return new Case(g.normal(n * v, 2), rows, tokens, d, v, g.oneOf(0.5, 1.0, 1.7));
    }

    @Test
    void valueEntropyAndGradientAgainstADoubleReference() {
        Property.forAll("log-probs at temperature T", TokenLogProbsTest::make, c -> {
            int k = c.rows().length, v = c.v();
            double[] lp = new double[k], ent = new double[k];
            TokenLogProbs.forward(lp, ent, c.logits(), c.rows(), c.tokens(), v, c.temp());
            for (int i = 0; i < k; i++) {
                double[] p = new double[v];
                double z = 0;
                for (int j = 0; j < v; j++) {
                    z += p[j] = Math.exp(c.logits()[c.rows()[i] * v + j] / c.temp());
                }
                double h = 0;
                for (int j = 0; j < v; j++) {
                    p[j] /= z;
                    h -= p[j] * Math.log(p[j]);
                }
                assertThat(lp[i]).isCloseTo(Math.log(p[c.tokens()[i]]), within(1e-9));
                assertThat(ent[i]).isCloseTo(h, within(1e-9));
            }
            // backward: d(Σ dlogp·logp)/dlogits by central differences in double
            float[] dl = new float[c.logits().length];
            TokenLogProbs.backward(dl, c.logits(), c.rows(), c.tokens(), c.dlogp(), v, c.temp());
            double[] x = new double[c.logits().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = c.logits()[i];
            }
            for (int q = 0; q < x.length; q++) {
                double keep = x[q], hh = 1e-5;
                x[q] = keep + hh;
                double up = objective(x, c);
                x[q] = keep - hh;
                double down = objective(x, c);
                x[q] = keep;
                double fd = (up - down) / (2 * hh);
                assertThat((double) dl[q]).isCloseTo(fd, within(1e-5 + 1e-5 * Math.abs(fd)));
            }
        });
    }

    private static double objective(double[] x, Case c) {
        double s = 0;
        int v = c.v();
        for (int i = 0; i < c.rows().length; i++) {
            double z = 0;
            for (int j = 0; j < v; j++) {
                z += Math.exp(x[c.rows()[i] * v + j] / c.temp());
            }
            s += c.dlogp()[i] * (x[c.rows()[i] * v + c.tokens()[i]] / c.temp() - Math.log(z));
        }
        return s;
    }

    @Test
    void theSamplerDrawsFromTheDistributionTheLogProbsDescribe() {
        float[] logits = {1.0f, 3.0f, 2.0f, -1.0f, 2.5f, 0.0f};
        int v = logits.length, n = 120_000;
        for (double temp : new double[] {0.6, 1.0, 1.5}) {
            int[] counts = new int[v];
            Rng r = new Rng(7);
            Sampler s = new Sampler(temp, 0, 1);
            for (int i = 0; i < n; i++) {
                counts[s.sample(logits, 0, v, r)]++;
            }
            double chi2 = 0;
            for (int j = 0; j < v; j++) {
                double[] lp = new double[1];
                TokenLogProbs.forward(lp, null, logits, new int[] {0}, new int[] {j}, v, temp);
                double expect = n * Math.exp(lp[0]);
                chi2 += (counts[j] - expect) * (counts[j] - expect) / expect;
            }
            assertThat(chi2).as("chi-square, 5 degrees of freedom, T = " + temp).isLessThan(20.5); // p ≈ 0.001
        }
    }
}
