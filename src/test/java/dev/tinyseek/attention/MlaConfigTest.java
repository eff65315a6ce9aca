package dev.tinyseek.attention;

import dev.tinyseek.attention.MultiHeadLatentAttention.Config;
import dev.tinyseek.attention.MultiHeadLatentAttention.Form;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// The named settings build exactly the layer of the positional constructor, and the layer and
/// its settings print their shape.
class MlaConfigTest {

    @Test
    void namedSettingsBuildTheSameLayerAsThePositionalConstructor() {
        Rope rope = Rope.plain(4, 100, 32);
        MultiHeadLatentAttention byName = Config.defaults().withHiddenSize(24).withHeads(3).withQLoraRank(0).withKvLoraRank(12)
                .withQkNopeHeadDim(6).withQkRopeHeadDim(4).withVHeadDim(5).withRope(rope).withSoftmaxScale(0.3f)
                .withRmsNormEps(1e-5f).withForm(Form.ABSORBED).withInitStd(0.7).build("p", new Rng(3));
        MultiHeadLatentAttention byPosition = new MultiHeadLatentAttention("p", 24, 3, 0, 12, 6, 4, 5, rope, 0.3f, 1e-5f,
                Form.ABSORBED, new Rng(3), 0.7);
        assertSameParams(byName.params(), byPosition.params());
        assertThat(byName.form()).isEqualTo(Form.ABSORBED);
        float[] x = new float[2 * 24];
        new Rng(9).fillNormal(x, 1);
        assertThat(byName.forward(x, 1, 2).y()).containsExactly(byPosition.forward(x, 1, 2).y());
    }

    @Test
    void defaultsAreTheTinyPresetsLayer() {
        Config d = Config.defaults();
        assertThat(List.of(d.hiddenSize(), d.heads(), d.qLoraRank(), d.kvLoraRank(), d.qkNopeHeadDim(), d.qkRopeHeadDim(), d.vHeadDim()))
                .containsExactly(64, 4, 32, 16, 16, 8, 16);
        assertThat(d.scale()).isEqualTo((float) (1 / Math.sqrt(24)));
        assertThat(d.ropeTable().dim()).isEqualTo(8);
        MultiHeadLatentAttention byName = d.build("a", new Rng(1));
        MultiHeadLatentAttention byPosition = new MultiHeadLatentAttention("a", 64, 4, 32, 16, 16, 8, 16,
                Rope.plain(8, 10000.0, Config.DEFAULT_POSITIONS), (float) (1 / Math.sqrt(24)), 1e-6f, Form.NAIVE, new Rng(1), 0.02);
        assertSameParams(byName.params(), byPosition.params());
    }

    @Test
    void layerAndSettingsPrintTheirShape() {
        MultiHeadLatentAttention m = Config.defaults().build("model.layers.0.self_attn", new Rng(1));
        long n = m.params().stream().mapToLong(Param::size).sum();
        assertThat(m.toString()).startsWith("MultiHeadLatentAttention model.layers.0.self_attn: width 64, 4 heads")
                .contains("q rank 32, kv rank 16, head dims 16/8/16").contains("NAIVE form")
                .contains(String.format("%,d parameters", n)).doesNotContain("@");
        assertThat(Config.defaults().withHeads(8).toString()).contains("width 64, 8 heads").contains("kv rank 16")
                .contains("plain RoPE").contains("scale " + (float) (1 / Math.sqrt(24))).doesNotContain("@");
    }

    static void assertSameParams(List<Param> a, List<Param> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).name).isEqualTo(b.get(i).name);
            assertThat(a.get(i).shape).isEqualTo(b.get(i).shape);
            assertThat(a.get(i).data).as(a.get(i).name).containsExactly(b.get(i).data);
        }
    }
}
