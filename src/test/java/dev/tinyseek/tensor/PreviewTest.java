package dev.tinyseek.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// An array's one-line preview: type and length, then at most [Preview#SHOWN] values, with an
/// ellipsis exactly when some are left out.
class PreviewTest {

    @Test
    void nullAndEmptyArrays() {
        assertThat(Preview.of((float[]) null)).isEqualTo("null");
        assertThat(Preview.of((double[]) null)).isEqualTo("null");
        assertThat(Preview.of((int[]) null)).isEqualTo("null");
        assertThat(Preview.of(new float[0])).isEqualTo("float[0] []");
        assertThat(Preview.of(new double[0])).isEqualTo("double[0] []");
        assertThat(Preview.of(new int[0])).isEqualTo("int[0] []");
    }

    @Test
    void valuesUpToTheLimitThenAnEllipsis() {
        assertThat(Preview.SHOWN).isEqualTo(6);
        assertThat(Preview.of(new float[] {0.125f, -0.5f})).isEqualTo("float[2] [0.1250, -0.5000]");
        assertThat(Preview.of(new float[] {1, 2, 3, 4, 5, 6})).isEqualTo("float[6] [1.000, 2.000, 3.000, 4.000, 5.000, 6.000]");
        assertThat(Preview.of(new float[] {1, 2, 3, 4, 5, 6, 7}))
                .isEqualTo("float[7] [1.000, 2.000, 3.000, 4.000, 5.000, 6.000, …]");
        assertThat(Preview.of(new double[] {2.5})).isEqualTo("double[1] [2.500]");
        assertThat(Preview.of(new double[] {1, 2, 3, 4, 5, 6})).isEqualTo("double[6] [1.000, 2.000, 3.000, 4.000, 5.000, 6.000]");
        assertThat(Preview.of(new double[] {1, 2, 3, 4, 5, 6, 7}))
                .isEqualTo("double[7] [1.000, 2.000, 3.000, 4.000, 5.000, 6.000, …]");
        assertThat(Preview.of(new int[] {-3})).isEqualTo("int[1] [-3]");
        assertThat(Preview.of(new int[] {1, 2, 3, 4, 5, 6})).isEqualTo("int[6] [1, 2, 3, 4, 5, 6]");
        assertThat(Preview.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8})).isEqualTo("int[8] [1, 2, 3, 4, 5, 6, …]");
    }
}
