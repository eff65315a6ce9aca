package dev.tinyseek.tensor;

import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The fused passes of a training step (`CrossEntropy.forwardBackward`, SwiGLU keeping `σ(g)`)
/// check every operand's length like their controls: an array one element short is refused with
/// an [IllegalArgumentException] naming it, before anything is written.
class FusedPassChecksTest {

    static final int N = 3, F = 4, V = 5;

    /// Runs `op` once per operand, with that operand one element short.
    static void eachShort(int operands, Consumer<Integer> op, String... names) {
        for (int i = 0; i < operands; i++) {
            int shortOne = i;
            assertThatThrownBy(() -> op.accept(shortOne)).as("operand " + names[i] + " one element short")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(names[i]);
        }
    }

    static float[] f(int size, int shortOne, int index) {
        return new float[size - (shortOne == index ? 1 : 0)];
    }

    @Test
    void swigluKeepingSigmoidChecksEveryOperand() {
        eachShort(4, s -> Swiglu.forwardKeepingSigmoid(f(N * F, s, 0), f(N * F, s, 1), f(N * F, s, 2), f(N * F, s, 3), N, F),
                "h", "sigma", "g", "u");
        eachShort(6, s -> Swiglu.backwardFromSigmoid(f(N * F, s, 0), f(N * F, s, 1), f(N * F, s, 2), f(N * F, s, 3),
                f(N * F, s, 4), f(N * F, s, 5), N, F), "dg", "du", "dh", "sigma", "g", "u");
    }

    @Test
    void fusedCrossEntropyChecksEveryOperand() {
        eachShort(3, s -> CrossEntropy.forwardBackward(f(N * V, s, 0), f(N * V, s, 1), new int[N - (s == 2 ? 1 : 0)], -1, N, V, 1f),
                "dlogits", "logits", "targets");
    }

    @Test
    void fusedCrossEntropyWithEveryTargetIgnoredIsZeroAndWritesNothing() {
        float[] dlogits = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        float[] before = dlogits.clone();
        CrossEntropy.Result r = CrossEntropy.forwardBackward(dlogits, new float[N * V], new int[] {-1, -1, -1}, -1, N, V, 1f);
        assertThat(r).isNotNull();
        assertThat(r.loss()).isZero();
        assertThat(r.count()).isZero();
        assertThat(dlogits).containsExactly(before);
    }
}
