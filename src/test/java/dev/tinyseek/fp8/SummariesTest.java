package dev.tinyseek.fp8;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// Quantised tensors print their format, shape and scales in jshell, not `[B@5b37e0d2`.
class SummariesTest {

    @Test
    void quantisedTensorsPrintFormatShapeAndScales() {
        BlockQuantized q = new BlockQuantized(Fp8Format.E4M3FN, 2, 3, 1, 2, new byte[6], new float[] {0.5f, 2f, 1f, 0.25f});
        assertThat(q.toString()).isEqualTo("E4M3FN [2, 3] in 1x2 blocks: 6 codes, 4 scales in [0.25, 2.0]");
        Fp8Values v = new Fp8Values(2, 3, 2, 3, new float[6], new float[] {4f});
        assertThat(v.toString()).isEqualTo("FP8 values [2, 3] in 2x3 blocks, 1 scales in [4.0, 4.0]");
    }
}
