package dev.tinyseek.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// A model prints its shape and its parameter counts in jshell, not `Transformer@12bb4df8`.
class TransformerSummaryTest {

    @Test
    void deepseekShapedModelPrintsItsShapeAndCounts() {
        Transformer m = new Transformer(ModelConfig.tiny(), 1);
        CostModel counts = new CostModel(m.config);
        assertThat(counts.totalParameters()).isEqualTo(m.parameterCount());
        assertThat(m.toString()).isEqualTo("Transformer: 2 layers (1 dense), width 64, 4 heads, MLA (q rank 32, kv rank 16, "
                + "head dims 16/8/16), MoE (8 routed experts of inner 32 + 1 shared, top-2), vocabulary 256, context 256, no MTP; "
                + String.format("%,d parameters, %,d activated per token", m.parameterCount(), counts.activatedParameters()));
    }

    @Test
    void denseModelWithMtpPrintsItsModules() {
        Transformer m = new Transformer(ModelConfig.tiny().dense().withMtpDepth(1), 1);
        CostModel counts = new CostModel(m.config);
        assertThat(counts.mtpParameters()).isPositive();
        assertThat(m.toString()).startsWith("Transformer: 2 layers, width 64, 4 heads, ")
                .contains("dense MLP (inner 128)").contains("MTP depth 1")
                .endsWith(String.format("%,d parameters, %,d activated per token, plus %,d in the MTP modules",
                        counts.totalParameters(), counts.activatedParameters(), counts.mtpParameters()));
    }
}
