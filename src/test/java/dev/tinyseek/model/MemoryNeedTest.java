package dev.tinyseek.model;

import dev.tinyseek.nn.Param;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The memory a config needs, counted before allocation, equals what a model of it allocates;
/// a config larger than the heap is refused with the figure.
class MemoryNeedTest {

    @Test
    void theCountFromTheConfigEqualsTheNumbersAModelAllocates() {
        for (ModelConfig c : List.of(ModelConfig.tiny(), ModelConfig.tiny().dense(), ModelConfig.tiny().withMtpDepth(2),
                ModelConfig.tiny().withNumHiddenLayers(5), ModelConfig.small())) {
            long allocated = 0;
            for (Param p : new Transformer(c, 1).paramsByName().values()) {
                allocated += p.size();
            }
            assertThat(MemoryNeed.numbers(c)).as(ConfigJson.write(c)).isEqualTo(allocated);
        }
    }

    @Test
    void aConfigBeyondTheHeapIsRefusedWithTheFigure() {
        ModelConfig huge = ModelConfig.tiny().withNumHiddenLayers(1_000_000_000);
        assertThat(MemoryNeed.bytes(huge)).isGreaterThan(Runtime.getRuntime().maxMemory());
        assertThatThrownBy(() -> new Transformer(huge, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model config: this model needs about").hasMessageContaining("TB")
                .hasMessageContaining("num_hidden_layers 1000000000").hasMessageContaining("-Xmx");
    }
}
