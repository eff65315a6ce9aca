package dev.tinyseek.model;

import dev.tinyseek.io.Dtype;
import dev.tinyseek.nn.Param;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// Save then load, over random dense configs and seeds: the config comes back equal and every
/// weight and every logit to the bit.
class CheckpointRoundTripTest {

    record Case(ModelConfig config, long seed, int[] tokens) {
    }

    @Test
    void saveLoadRoundTripsToTheBit() {
        Property.forAll("checkpoint save/load round trip", g -> {
            int heads = g.dim(1, 4);
            int rope = 2 * g.dim(1, 4);
            int nope = g.dim(0, 8);
            ModelConfig c = new ModelConfig(g.dim(2, 300), 8 * g.dim(1, 6), g.dim(1, 3), heads, g.dim(1, 48),
                    g.dim(4, 32), 100 + g.intIn(0, 20000), 1e-6, 0, 0, nope, rope, g.dim(1, 8),
                    0, 0, 0, 1, 1, 1.0, 0, 0, "sigmoid", true, 0, 0.02, "mha", "dense", null);
            int t = g.dim(1, c.maxPositionEmbeddings());
            int[] tokens = g.ints(t, 0, c.vocabSize() - 1);
            return new Case(c, g.intIn(0, 1_000_000), tokens);
        }, k -> {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("tinyseek-roundtrip");
                Transformer m = new Transformer(k.config(), k.seed());
                Checkpoint.save(m, dir, Dtype.F32, Map.of());
                Transformer back = Checkpoint.load(dir);
                assertThat(back.config).isEqualTo(k.config());
                for (Param p : m.params()) {
                    assertThat(back.paramsByName().get(p.name).data).as(p.name).containsExactly(p.data);
                }
                int t = k.tokens().length;
                assertThat(back.forward(k.tokens(), 1, t).logits()).containsExactly(m.forward(k.tokens(), 1, t).logits());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            } finally {
                if (dir != null) {
                    try (var walk = Files.walk(dir)) {
                        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    } catch (java.io.IOException ignored) {
                        // a temp directory left behind is harmless
                    }
                }
            }
        });
    }
}
