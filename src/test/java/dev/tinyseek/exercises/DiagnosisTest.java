package dev.tinyseek.exercises;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// The likely-bug names: each pattern is found where every entry shows it, and nothing is named
/// where the entries disagree.
class DiagnosisTest {

    static final double[] E = {0.5, -1.25, 2.0, 0.125, -3.0};

    static double[] map(double k, double c) {
        double[] a = new double[E.length];
        for (int i = 0; i < E.length; i++) {
            a[i] = k * E[i] + c;
        }
        return a;
    }

    @Test
    void aFlippedSignAFactorAnOffsetAndZerosAreNamed() {
        assertThat(Diagnosis.ofArrays(E, map(-1, 0), 1e-5, 1e-7)).contains("got ≈ −expected in every entry").contains("flipped sign");
        assertThat(Diagnosis.ofArrays(E, map(0.4, 0), 1e-5, 1e-7)).contains("got ≈ 0.4 × expected").contains("1/0.4 = 2.5")
                .contains("constant factor");
        assertThat(Diagnosis.ofArrays(E, map(2, 0), 1e-5, 1e-7)).contains("got ≈ 2 × expected");
        assertThat(Diagnosis.ofArrays(E, map(1, -0.75), 1e-5, 1e-7)).contains("got ≈ expected − 0.75").contains("missing or extra term");
        assertThat(Diagnosis.ofArrays(E, new double[E.length], 1e-5, 1e-7)).contains("every entry is 0");
    }

    @Test
    void oneValueNamesOnlyASignAndDisagreeingEntriesNameNothing() {
        assertThat(Diagnosis.ofArrays(new double[] {0.3}, new double[] {-0.3}, 1e-5, 1e-7)).contains("got ≈ −expected: a flipped sign?");
        assertThat(Diagnosis.ofArrays(new double[] {0.3}, new double[] {0.6}, 1e-5, 1e-7)).isNull(); // one value fits any factor
        double[] noisy = map(1, 0);
        noisy[1] += 0.5;
        noisy[3] *= 3;
        assertThat(Diagnosis.ofArrays(E, noisy, 1e-5, 1e-7)).isNull();
        double[] half = map(1, 0);
        half[0] = -half[0]; // one sign flipped, the others right: not "a flipped sign"
        assertThat(Diagnosis.ofArrays(E, half, 1e-5, 1e-7)).isNull();
        assertThat(Diagnosis.ofArrays(E, new double[] {Double.NaN, 0, 0, 0, 0}, 1e-5, 1e-7)).isNull();
    }

    @Test
    void roundingDirections() {
        assertThat(Diagnosis.ofRounding(12, 0, 0)).contains("12 of them").contains("truncation");
        assertThat(Diagnosis.ofRounding(0, 5, 0)).contains("away from zero");
        assertThat(Diagnosis.ofRounding(3, 4, 0)).isNull();
        assertThat(Diagnosis.ofRounding(3, 0, 1)).isNull();
        assertThat(Diagnosis.ofRounding(0, 0, 0)).isNull();
    }

    @Test
    void theTruncationOfAnEncoderIsSeenInItsDirection() {
        // 1.0625 lies between 1.0 (0x38) and 1.125 (0x39); nextUp of it must round up to 0x39
        float x = Math.nextUp(1.0625f);
        assertThat(E4m3Checks.direction(x, 0x39, 0x38)).isEqualTo(-1);
        assertThat(E4m3Checks.direction(-x, 0xB9, 0xB8)).isEqualTo(-1);
        assertThat(E4m3Checks.direction(1.0625f, 0x38, 0x39)).isEqualTo(1);
        assertThat(E4m3Checks.direction(500f, 0x7F, 0x7E)).isEqualTo(2);
        assertThat(E4m3Checks.direction(x, 0x39, 0xB8)).isZero();
    }
}
