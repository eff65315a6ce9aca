package dev.tinyseek.moe;

import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// What the router's and the MoE layer's settings, routings and layers say in jshell, each
/// switch both ways; the layer's decoding entry point and its list of linear layers.
class MoeSummariesTest {

    static float[] normal(Rng rng, int size) {
        float[] x = new float[size];
        rng.fillNormal(x, 1.0);
        return x;
    }

    @Test
    void gateSettingsSayEachSwitchBothWays() {
        Gate.Config on = Gate.Config.defaults().withNormalize(true).withBias(true);
        Gate.Config off = on.withNormalize(false).withBias(false);
        assertThat(on.toString()).contains(", normalised").contains(", with selection bias").doesNotContain(", no selection");
        assertThat(off.toString()).doesNotContain("normalised").contains(", no selection bias").doesNotContain(", with selection");
    }

    @Test
    void moeSettingsSayEachSwitchBothWays() {
        MoeLayer.Config on = MoeLayer.Config.defaults().withNormalize(true).withBias(true);
        MoeLayer.Config off = on.withNormalize(false).withBias(false);
        assertThat(on.toString()).contains(", normalised").contains(", with selection bias");
        assertThat(off.toString()).doesNotContain("normalised").contains(", no selection bias");
    }

    @Test
    void aGateMayChooseEveryExpert() {
        Gate g = Gate.Config.defaults().withDim(8).withExperts(4).withTopK(4).withGroups(1).withTopkGroups(1).build("g", new Rng(3));
        Gate.Routing r = g.route(normal(new Rng(4), 2 * 8), 2);
        assertThat(r.experts()).hasSize(8);
        assertThat(java.util.Arrays.copyOf(r.experts(), 4)).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void aRoutingListsEightTokensThenCountsTheRest() {
        Gate g = Gate.Config.defaults().withDim(8).withExperts(4).withTopK(2).withGroups(1).withTopkGroups(1).build("g", new Rng(3));
        Rng rng = new Rng(6);
        String eight = g.route(normal(rng, 8 * 8), 8).toString();
        String nine = g.route(normal(rng, 9 * 8), 9).toString();
        assertThat(eight).startsWith("Routing of 8 tokens, top-2:").contains("token 7 →").doesNotContain("more");
        assertThat(nine).startsWith("Routing of 9 tokens, top-2:").contains("token 7 →").doesNotContain("token 8 →")
                .endsWith(" … 1 more");
    }

    @Test
    void aLayerSaysItsSizeAndItsBalanceLoss() {
        MoeLayer m = MoeLayer.Config.defaults().withDim(16).withRoutedExperts(4).withInner(8).build("model.layers.1.mlp", new Rng(5));
        long params = 0;
        for (Param p : m.params()) {
            params += (long) p.data.length;
        }
        assertThat(params).isPositive();
        assertThat(m.toString()).startsWith("MoeLayer model.layers.1.mlp: width 16, 4 routed experts")
                .contains(", " + String.format("%,d", params) + " parameters").doesNotContain("balance loss");
        m.setBalanceLossAlpha(0.0);
        assertThat(m.toString()).doesNotContain("balance loss");
        m.setBalanceLossAlpha(2.5e-4);
        assertThat(m.toString()).endsWith(", balance loss α 2.5E-4");
    }

    @Test
    void decodingIsTheForwardOfOneSequenceAndLinearsCountEveryExpert() {
        MoeLayer withShared = MoeLayer.Config.defaults().withDim(16).withRoutedExperts(4).withSharedExperts(1).withInner(8)
                .build("m", new Rng(7));
        MoeLayer noShared = MoeLayer.Config.defaults().withDim(16).withRoutedExperts(4).withSharedExperts(0).withInner(8)
                .build("m", new Rng(7));
        assertThat(withShared.linears()).hasSize(3 * 4 + 3);
        assertThat(noShared.linears()).hasSize(3 * 4);
        float[] x = normal(new Rng(8), 3 * 16);
        float[] decoded = withShared.decode(x, 3, DecodingWeights.asStored());
        assertThat(decoded).isNotNull().containsExactly(withShared.forward(x, 1, 3).y());
    }
}
