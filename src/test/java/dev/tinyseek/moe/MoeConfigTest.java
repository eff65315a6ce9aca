package dev.tinyseek.moe;

import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The named settings of the router and the MoE layer build exactly what the positional
/// constructors build; layers, settings and routings print what they are.
class MoeConfigTest {

    @Test
    void gateByNameEqualsGateByPosition() {
        Gate byName = Gate.Config.defaults().withDim(12).withExperts(6).withTopK(3).withGroups(3).withTopkGroups(2)
                .withScoring(Gate.Scoring.SOFTMAX).withNormalize(false).withRouteScale(1.5).withBias(false).withInitStd(0.4)
                .build("g", new Rng(2));
        Gate byPosition = new Gate("g", 12, 6, 3, 3, 2, Gate.Scoring.SOFTMAX, false, 1.5, false, new Rng(2), 0.4);
        assertThat(byName.weight.data).containsExactly(byPosition.weight.data);
        assertThat(byName.bias).isNull();
        assertThat(List.of(byName.dim, byName.experts, byName.topK, byName.groups, byName.topkGroups))
                .containsExactly(12, 6, 3, 3, 2);
        assertThat(byName.scoring).isEqualTo(Gate.Scoring.SOFTMAX);
        assertThat(byName.normalize).isFalse();
        assertThat(byName.routeScale).isEqualTo(1.5f);
    }

    @Test
    void moeLayerByNameEqualsMoeLayerByPosition() {
        MoeLayer byName = MoeLayer.Config.defaults().withDim(16).withRoutedExperts(4).withSharedExperts(2).withInner(8)
                .withTopK(2).withGroups(2).withTopkGroups(2).withScoring(Gate.Scoring.SIGMOID).withNormalize(true)
                .withRouteScale(2.0).withBias(true).withInitStd(0.3).build("model.layers.1.mlp", new Rng(5));
        MoeLayer byPosition = new MoeLayer("model.layers.1.mlp", 16, 4, 2, 8, 2, 2, 2, "sigmoid", true, 2.0, true, new Rng(5), 0.3);
        assertSameParams(byName.params(), byPosition.params());
        assertSameParams(byName.buffers(), byPosition.buffers());
        MoeLayer defaults = MoeLayer.Config.defaults().build("m", new Rng(1));
        MoeLayer tiny = new MoeLayer("m", 64, 8, 1, 32, 2, 2, 1, "sigmoid", true, 2.5, true, new Rng(1), 0.02);
        assertSameParams(defaults.params(), tiny.params());
        assertThat(MoeLayer.Config.defaults().gate()).isEqualTo(Gate.Config.defaults());
    }

    @Test
    void scoringIsParsedFromItsHfName() {
        assertThat(Gate.Scoring.parse("sigmoid")).isEqualTo(Gate.Scoring.SIGMOID);
        assertThat(Gate.Scoring.parse("softmax")).isEqualTo(Gate.Scoring.SOFTMAX);
        assertThatThrownBy(() -> Gate.Scoring.parse("relu")).hasMessageContaining("scoring_func = relu; expected sigmoid or softmax");
        assertThatThrownBy(() -> Gate.Scoring.parse(null)).hasMessageContaining("scoring_func = null");
    }

    @Test
    void layersSettingsAndRoutingsPrintWhatTheyAre() {
        MoeLayer m = MoeLayer.Config.defaults().build("model.layers.1.mlp", new Rng(1));
        long n = m.params().stream().mapToLong(Param::size).sum();
        assertThat(m.toString()).startsWith("MoeLayer model.layers.1.mlp: width 64, 8 routed experts + a shared one, top-2 of 2 groups keeping 1")
                .contains(String.format("%,d parameters", n)).doesNotContain("@");
        assertThat(m.gate.toString()).isEqualTo("Gate model.layers.1.mlp.gate: top-2 of 8 experts in 2 groups keeping 1, sigmoid, "
                + "normalised, scale 2.5, with selection bias");
        assertThat(Gate.Config.defaults().toString()).contains("top-2 of 8 experts in 2 groups keeping 1").doesNotContain("@");
        assertThat(MoeLayer.Config.defaults().toString()).contains("8 routed experts of inner 32 + 1 shared").doesNotContain("@");

        Gate.Routing r = new Gate.Routing(new int[] {3, 5, 0, 7}, new float[] {1.5f, 1f, 2f, 0.5f}, new float[16], 2);
        assertThat(r.toString()).isEqualTo("Routing of 2 tokens, top-2: token 0 → expert 3 (1.500), expert 5 (1.000);"
                + " token 1 → expert 0 (2.000), expert 7 (0.500);");
        float[] x = new float[10 * 64];
        new Rng(4).fillNormal(x, 1);
        Gate.Routing many = m.gate.route(x, 10);
        assertThat(many.toString()).startsWith("Routing of 10 tokens, top-2: token 0 → expert " + many.experts()[0])
                .endsWith("… 2 more").doesNotContain("@");
    }

    static void assertSameParams(List<Param> a, List<Param> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).name).isEqualTo(b.get(i).name);
            assertThat(a.get(i).data).as(a.get(i).name).containsExactly(b.get(i).data);
        }
    }
}
