package dev.tinyseek.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

/// The sequence-wise balance loss against the formula written out here in `double`, on batches
/// of several sequences whose `E` differs from `K·T`, with its gradient checked by central
/// differences and added to what the gradient array already holds.
class SequenceBalanceLossTest {

    record Case(int b, int t, int e, int k, int[] experts, float[] scores, double alpha, float[] prefill) {
    }

    /// `α · mean over sequences of Σ_i f_i P_i`, `f_i = E/(K·T)·count_i`, `P_i = mean_t s_it / Σ_j s_jt`.
    static double reference(Case c, double[] scores) {
        double total = 0;
        for (int bi = 0; bi < c.b; bi++) {
            double[] count = new double[c.e], p = new double[c.e];
            for (int tok = bi * c.t; tok < (bi + 1) * c.t; tok++) {
                for (int j = 0; j < c.k; j++) {
                    count[c.experts[tok * c.k + j]]++;
                }
                double sum = 0;
                for (int i = 0; i < c.e; i++) {
                    sum += scores[tok * c.e + i];
                }
                for (int i = 0; i < c.e; i++) {
                    p[i] += scores[tok * c.e + i] / sum / c.t;
                }
            }
            for (int i = 0; i < c.e; i++) {
                total += c.e * count[i] / ((double) c.k * c.t) * p[i];
            }
        }
        return c.alpha * total / c.b;
    }

    static Case draw(dev.tinyseek.testkit.Gen g) {
        int b = g.intIn(2, 4), t = g.intIn(1, 5), e = g.intIn(2, 7), k = g.intIn(1, e);
        int[] experts = new int[b * t * k];
        for (int tok = 0; tok < b * t; tok++) { // K distinct experts per token
            int start = g.intIn(0, e - 1);
            for (int j = 0; j < k; j++) {
                experts[tok * k + j] = (start + j) % e;
            }
        }
        return new Case(b, t, e, k, experts, g.uniform(b * t * e, 0.05, 1.0), g.doubleIn(0.1, 3.0),
                g.normal(b * t * e, 1.0));
    }

    @Test
    void lossIsTheFormulaAndItsGradientIsAddedToWhatIsThere() {
        Property.forAll("sequence balance loss vs double formula", SequenceBalanceLossTest::draw, c -> {
            int n = c.b * c.t;
            Gate.Routing r = new Gate.Routing(c.experts, new float[n * c.k], c.scores, n);
            float[] d = c.prefill.clone();
            double loss = SequenceBalanceLoss.lossAndGradient(r, c.b, c.t, c.alpha, d);
            double[] s = GradCheck.toDouble(c.scores);
            assertThat(loss).isCloseTo(reference(c, s), within(1e-5 * Math.abs(reference(c, s)) + 1e-9));
            double[] numeric = GradCheck.numeric(x -> reference(c, x), s);
            float[] added = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                added[i] = d[i] - c.prefill[i];
            }
            GradCheck.assertClose("dScores", numeric, added, 1e-3, 1e-5);
        });
    }
}
