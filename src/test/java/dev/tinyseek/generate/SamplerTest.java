package dev.tinyseek.generate;

import dev.tinyseek.tensor.Rng;
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
}
