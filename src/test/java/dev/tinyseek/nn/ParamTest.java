package dev.tinyseek.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParamTest {

    @Test
    void shapeSizeNameAndGradient() {
        Param p = new Param("model.norm.weight", false, 1, 3);
        assertThat(p.size()).isEqualTo(3);
        assertThat(p.data).hasSize(3);
        assertThat(p.grad).hasSize(3);
        assertThat(p.toString()).isEqualTo("model.norm.weight[1, 3]");
        assertThat(p.decay).isFalse();
        p.grad[0] = 2f;
        p.grad[2] = -1f;
        p.zeroGrad();
        assertThat(p.grad).containsOnly(0f);
        assertThatThrownBy(() -> new Param("w", true, 2, 0)).hasMessage("param w: every dimension must be positive, got [2, 0]");
        assertThatThrownBy(() -> new Param("w", true, -1)).hasMessageContaining("got [-1]");
        assertThatThrownBy(() -> new Param("w", true, 65536, 65536)).hasMessageContaining("too large for one array");
    }
}
