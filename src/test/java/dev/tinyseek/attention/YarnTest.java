package dev.tinyseek.attention;

import dev.tinyseek.tensor.Rope;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/// YaRN against the verification values of `docs/mla.md#yarn`, computed in float64 from
/// the official `precompute_freqs_cis`.
class YarnTest {

    @Test
    void deepSeekV3PerPairMultipliersMatchTheSpecTable() {
        double[] plain = Rope.plainFrequencies(64, 10000);
        double[] yarn = Yarn.DEEPSEEK_V3.frequencies(64, 10000);
        double[] expected = new double[32];
        for (int j = 0; j <= 10; j++) {
            expected[j] = 1.0;
        }
        double[] middle = {0.925, 0.85, 0.775, 0.7, 0.625, 0.55, 0.475, 0.4, 0.325, 0.25, 0.175, 0.1};
        System.arraycopy(middle, 0, expected, 11, 12);
        for (int j = 23; j < 32; j++) {
            expected[j] = 1.0 / 40;
        }
        for (int j = 0; j < 32; j++) {
            assertThat(yarn[j] / plain[j]).as("multiplier of pair %d", j).isCloseTo(expected[j], within(1e-12));
        }
    }

    @Test
    void correctionDimsAreThoseOfTheSpec() {
        Yarn y = Yarn.DEEPSEEK_V3;
        assertThat(y.correctionDim(32, 64, 10000)).isCloseTo(10.472, within(5e-4));
        assertThat(y.correctionDim(1, 64, 10000)).isCloseTo(22.513, within(5e-4));
    }

    @Test
    void mscaleAndSoftmaxScaleMatchTheSpec() {
        Yarn y = Yarn.DEEPSEEK_V3;
        assertThat(y.attentionMscale()).isCloseTo(1.3688879, within(1e-7));
        assertThat(y.softmaxScaleFactor()).isCloseTo(1.3688879 * 1.3688879, within(1e-6));
        assertThat(y.softmaxScale(192, 163840)).isCloseTo(0.1352338, within(1e-7));
        assertThat(y.softmaxScale(192, 4096)).isCloseTo(0.0721688, within(1e-7)); // off at the original context
    }

    @Test
    void activeOnlyBeyondTheOriginalContextAsInTheOfficialCode() {
        Yarn y = Yarn.DEEPSEEK_V3;
        assertThat(y.activeFor(4096)).isFalse();
        assertThat(y.activeFor(4097)).isTrue();
        assertThat(y.rope(64, 10000, 4096).frequencies()).containsExactly(Rope.plainFrequencies(64, 10000));
        assertThat(y.rope(64, 10000, 8192).frequencies()).containsExactly(y.frequencies(64, 10000));
    }

    @Test
    void factorOneChangesNothing() {
        Yarn y = new Yarn(1, 16, 32, 1, 1, 1);
        assertThat(y.frequencies(8, 10000)).containsExactly(Rope.plainFrequencies(8, 10000));
        assertThat(y.softmaxScaleFactor()).isEqualTo(1.0);
    }

    @Test
    void badParametersNameTheKey() {
        assertThatThrownBy(() -> new Yarn(0.5, 4096, 32, 1, 1, 1)).hasMessageContaining("factor").hasMessageContaining("0.5");
        assertThatThrownBy(() -> new Yarn(40, 0, 32, 1, 1, 1)).hasMessageContaining("original_max_position_embeddings");
        assertThatThrownBy(() -> new Yarn(40, 4096, 1, 32, 1, 1)).hasMessageContaining("beta_fast");
        assertThatThrownBy(() -> new Yarn(40, 4096, 32, 1, 1, -1)).hasMessageContaining("mscale_all_dim");
        assertThatThrownBy(() -> new Yarn(40, 4096, 32, 1, 0.707, 1)).hasMessageContaining("mscale");
        assertThatThrownBy(() -> Yarn.DEEPSEEK_V3.frequencies(63, 10000)).hasMessageContaining("63");
        assertThatThrownBy(() -> Yarn.DEEPSEEK_V3.frequencies(64, 1)).hasMessageContaining("rope_theta");
    }
}
