package dev.tinyseek.generate;

import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Property;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {

    static final float[] LOGITS = {1.0f, 3.0f, 2.0f, -1.0f, 2.5f};

    @Test
    void greedyTopK1AndTinyTopPAllPickTheArgmax() {
        Rng r = new Rng(1);
        assertThat(Sampler.greedy().sample(LOGITS, 0, 5, r)).isEqualTo(1);
        for (int i = 0; i < 50; i++) {
            assertThat(new Sampler(1.0, 1, 1.0).sample(LOGITS, 0, 5, r)).isEqualTo(1);
            assertThat(new Sampler(1.0, 0, 1e-6).sample(LOGITS, 0, 5, r)).isEqualTo(1);
        }
    }

    /// Frequencies over many draws match softmax(logits / T) restricted to the top-k and
    /// renormalised (a sampling error of a few standard deviations at most).
    @Test
    void samplingFollowsTheTemperatureSoftmaxWithinTopK() {
        Rng r = new Rng(42);
        double temp = 0.7;
        int n = 200_000;
        int[] counts = new int[5];
        Sampler s = new Sampler(temp, 3, 1.0);
        for (int i = 0; i < n; i++) {
            counts[s.sample(LOGITS, 0, 5, r)]++;
        }
        int[] top3 = {1, 4, 2};
        double z = 0;
        for (int j : top3) {
            z += Math.exp(LOGITS[j] / temp);
        }
        for (int j : top3) {
            double p = Math.exp(LOGITS[j] / temp) / z;
            assertThat(counts[j] / (double) n).as("token %d", j).isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / n)));
        }
        assertThat(counts[0]).isZero();
        assertThat(counts[3]).isZero();
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // probabilities at T=1: token 1 ≈ 0.43, 4 ≈ 0.26, 2 ≈ 0.16, ...: top-p 0.5 keeps {1, 4}
        Rng r = new Rng(3);
        Sampler s = new Sampler(1.0, 0, 0.5);
        for (int i = 0; i < 2000; i++) {
            assertThat(s.sample(LOGITS, 0, 5, r)).isIn(1, 4);
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> new Sampler(-1, 0, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new Sampler(1, -2, 1)).hasMessageContaining("top-k");
        assertThatThrownBy(() -> new Sampler(1, 0, 1.5)).hasMessageContaining("top-p");
    }

    record Row(float[] logits, int off, int v, Sampler sampler) {
    }

    /// `[2, V]` logits with ties (values on a coarse grid), the second row read at its offset, and
    /// random temperature, top-k (0, inside and past V) and top-p (1 or a random mass).
    static Row row(dev.tinyseek.testkit.Gen g) {
        int v = g.dim(2, 12);
        float[] logits = new float[2 * v];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = g.intIn(-6, 6) * 0.5f;
        }
        double t = g.chance(0.2) ? 0 : g.doubleIn(0.2, 3);
        int k = g.oneOf(0, g.intIn(1, v), v + 2);
        double p = g.chance(0.3) ? 1 : g.doubleIn(0.05, 1);
        return new Row(logits, v, v, new Sampler(t, k, p));
    }

    /// The distribution by the definition, in double: one-hot at the first largest logit when
    /// greedy; else tokens by decreasing logit (lower id first on ties), the first top-k of them,
    /// then the shortest prefix whose softmax(logit / T) mass within the top-k reaches top-p,
    /// renormalised.
    static double[] byDefinition(Row r) {
        double[] out = new double[r.v()];
        Integer[] order = new Integer[r.v()];
        for (int j = 0; j < r.v(); j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -r.logits()[r.off() + j]).thenComparingInt(j -> j));
        if (r.sampler().temperature() == 0) {
            out[order[0]] = 1;
            return out;
        }
        int keep = r.sampler().topK() == 0 ? r.v() : Math.min(r.sampler().topK(), r.v());
        double[] w = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            w[i] = Math.exp((r.logits()[r.off() + order[i]] - r.logits()[r.off() + order[0]]) / r.sampler().temperature());
            sum += w[i];
        }
        int nucleus = keep;
        double mass = 0;
        for (int i = 0; i < keep; i++) {
            mass += w[i] / sum;
            if (mass >= r.sampler().topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double kept = 0;
        for (int i = 0; i < nucleus; i++) {
            kept += w[i];
        }
        for (int i = 0; i < nucleus; i++) {
            out[order[i]] = w[i] / kept;
        }
        return out;
    }

    @Test
    void probabilitiesAreTheDefinitionOnARowAtAnOffset() {
        Property.forAll("probabilities == top-k, top-p softmax(logits / T)", SamplerTest::row, r -> {
            double[] want = byDefinition(r);
            double[] got = r.sampler().probabilities(r.logits(), r.off(), r.v());
            for (int j = 0; j < r.v(); j++) {
                assertThat(got[j]).as("p[%d] of %s, logits %s", j, r.sampler(), Arrays.toString(r.logits())).isCloseTo(want[j], within(1e-12));
            }
            if (r.sampler().temperature() == 0) {
                assertThat(Sampler.argmax(r.logits(), r.off(), r.v())).isEqualTo(r.sampler().sample(r.logits(), r.off(), r.v(), new Rng(1)));
            }
        });
    }

    /// `sample` and `draw` pick only tokens of positive probability, with frequencies within
    /// five standard deviations of it over 20,000 draws.
    @Test
    void sampleAndDrawFollowTheDistribution() {
        Property.forAll("sample and draw frequencies follow probabilities", SamplerTest::row, r -> {
            double[] p = byDefinition(r);
            double[] scaled = new double[p.length]; // draw needs no normalisation
            for (int j = 0; j < p.length; j++) {
                scaled[j] = 3.5 * p[j];
            }
            int n = 20_000;
            int[] sampled = new int[r.v()], drawn = new int[r.v()];
            Rng rng = new Rng(r.v() * 31L + r.sampler().topK());
            for (int i = 0; i < n; i++) {
                sampled[r.sampler().sample(r.logits(), r.off(), r.v(), rng)]++;
                drawn[Sampler.draw(scaled, rng)]++;
            }
            for (int j = 0; j < r.v(); j++) {
                double sd = Math.sqrt(p[j] * (1 - p[j]) / n);
                assertThat(sampled[j] / (double) n).as("sample, token %d of %s", j, r.sampler()).isCloseTo(p[j], within(5 * sd + 1e-9));
                assertThat(drawn[j] / (double) n).as("draw, token %d", j).isCloseTo(p[j], within(5 * sd + 1e-9));
            }
        });
    }

    @Test
    void theEdgesOfEachSettingAreAcceptedAndJustPastThemRefused() {
        new Sampler(0, 0, 1); // greedy, no top-k, no top-p
        new Sampler(1, 0, Double.MIN_VALUE);
        for (double t : new double[] {-Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new Sampler(t, 0, 1)).as("T %s", t).hasMessageContaining("temperature = " + t);
        }
        assertThatThrownBy(() -> new Sampler(1, -1, 1)).hasMessageContaining("top-k = -1");
        for (double p : new double[] {0, -0.5, Math.nextUp(1.0), Double.NaN}) {
            assertThatThrownBy(() -> new Sampler(1, 0, p)).as("top-p %s", p).hasMessageContaining("top-p = " + p);
        }
        assertThatThrownBy(() -> Sampler.draw(new double[] {0, 0, 0}, new Rng(1))).hasMessageContaining("no positive entry");
        assertThat(Sampler.draw(new double[] {0, 0, 2}, new Rng(1))).isEqualTo(2);
        assertThat(Sampler.draw(new double[] {0, 5, 0}, new Rng(1))).isEqualTo(1);
    }
}
