package dev.tinyseek.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;
import dev.tinyseek.testkit.GradCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/// Standard multi-head attention, the baseline: cached decoding of each sequence of a batch
/// equals the batched forward, and backward matches central differences on every coordinate,
/// added to gradients that already hold something.
class MultiHeadAttentionTest {

    static final int C = 5, H = 2, DQK = 4, DV = 3, DR = 2;

    static MultiHeadAttention layer(long seed) {
        return new MultiHeadAttention("model.layers.0.self_attn", C, H, DQK, DV, DR, Rope.plain(DR, 1e4, 16), 0.45f,
                new Rng(seed), 0.5);
    }

    static float[] normal(int n, long seed) {
        float[] x = new float[n];
        new Rng(seed).fillNormal(x, 1.0);
        return x;
    }

    @Test
    void decodingEachSequenceOfABatchEqualsTheBatchedForward() {
        MultiHeadAttention m = layer(1);
        int b = 3, t = 6;
        float[] x = normal(b * t * C, 2);
        float[] y = m.forward(x, b, t).y();
        for (int bi = 0; bi < b; bi++) {
            KvCache cache = m.newCache(t);
            float[] first = m.decode(Arrays.copyOfRange(x, bi * t * C, (bi * t + 2) * C), 2, cache); // a chunk of 2
            assertThat(first).as("sequence %d, tokens 0-1", bi).containsExactly(Arrays.copyOfRange(y, bi * t * C, (bi * t + 2) * C));
            for (int tok = 2; tok < t; tok++) {
                float[] row = m.decode(Arrays.copyOfRange(x, (bi * t + tok) * C, (bi * t + tok + 1) * C), 1, cache);
                assertThat(row).as("sequence %d, token %d", bi, tok)
                        .containsExactly(Arrays.copyOfRange(y, (bi * t + tok) * C, (bi * t + tok + 1) * C));
            }
            assertThat(cache.length()).isEqualTo(t);
        }
    }

    static double objective(MultiHeadAttention m, float[] x, int b, int t, float[] dy) {
        float[] y = m.forward(x, b, t).y();
        double o = 0;
        for (int i = 0; i < y.length; i++) {
            o += (double) dy[i] * y[i];
        }
        return o;
    }

    @Test
    void backwardMatchesCentralDifferencesOnEveryCoordinate() {
        MultiHeadAttention m = layer(3);
        int b = 2, t = 3;
        float[] x = normal(b * t * C, 4), dy = normal(b * t * C, 5);
        List<float[]> before = new ArrayList<>();
        Rng fill = new Rng(6);
        for (Param p : m.params()) {
            fill.fillNormal(p.grad, 1.0);
            before.add(p.grad.clone());
        }
        float[] dx = m.backward(m.forward(x, b, t), dy);
        List<float[]> targets = new ArrayList<>(), grads = new ArrayList<>();
        List<String> names = new ArrayList<>();
        targets.add(x);
        grads.add(dx);
        names.add("x");
        for (int q = 0; q < m.params().size(); q++) {
            Param p = m.params().get(q);
            float[] g = p.grad.clone();
            for (int i = 0; i < g.length; i++) {
                g[i] -= before.get(q)[i];
            }
            targets.add(p.data);
            grads.add(g);
            names.add(p.name);
        }
        for (int q = 0; q < targets.size(); q++) {
            float[] v = targets.get(q);
            double[] numeric = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                float orig = v[i], h = 1e-2f;
                v[i] = orig + h;
                double up = objective(m, x, b, t, dy);
                v[i] = orig - h;
                double down = objective(m, x, b, t, dy);
                v[i] = orig;
                numeric[i] = (up - down) / (2 * h);
            }
            GradCheck.assertClose("d/d " + names.get(q), numeric, grads.get(q), 2e-2, 2e-3);
        }
    }

    @Test
    void cacheLimitsAndSizes() {
        MultiHeadAttention m = layer(7);
        KvCache cache = m.newCache(3);
        assertThat(cache.capacity()).isEqualTo(3);
        assertThat(cache.floatsPerToken()).isEqualTo(H * (DQK + DV));
        m.decode(normal(3 * C, 8), 3, cache); // exactly full
        assertThatThrownBy(() -> m.decode(normal(C, 9), 1, cache)).hasMessageContaining("cache holds 3 tokens");
        assertThatThrownBy(() -> cache.truncate(4)).hasMessageContaining("cannot truncate 3 tokens to 4");
        assertThatThrownBy(() -> cache.truncate(-1)).hasMessageContaining("to -1");
        cache.truncate(3);
        cache.truncate(0);
        assertThat(cache.length()).isZero();
        assertThat(m.linears()).containsExactly(m.qProj, m.kProj, m.vProj, m.oProj);
        assertThat(m.params()).extracting(p -> p.name).containsExactly("model.layers.0.self_attn.q_proj.weight",
                "model.layers.0.self_attn.k_proj.weight", "model.layers.0.self_attn.v_proj.weight",
                "model.layers.0.self_attn.o_proj.weight");
        assertThatThrownBy(() -> new MultiHeadAttention("a", C, H, DQK, DV, DR, Rope.plain(4, 1e4, 16), 0.5f, new Rng(1), 0.1))
                .hasMessageContaining("RoPE table of 4 dims");
        new MultiHeadAttention("a", C, H, 2, DV, 2, Rope.plain(2, 1e4, 16), 0.5f, new Rng(1), 0.1); // all of the head rotated
        assertThatThrownBy(() -> new MultiHeadAttention("a", C, H, 2, DV, 4, Rope.plain(4, 1e4, 16), 0.5f, new Rng(1), 0.1))
                .hasMessageContaining("RoPE part 4 of a 2-dim head");
    }
}
