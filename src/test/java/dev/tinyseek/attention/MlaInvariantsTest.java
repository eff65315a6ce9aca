package dev.tinyseek.attention;

import dev.tinyseek.attention.MlaCases.Case;
import dev.tinyseek.attention.MultiHeadLatentAttention.Form;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import dev.tinyseek.testkit.Threads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Where positions enter MLA, thread-count determinism, and the errors of its public API.
class MlaInvariantsTest {

    /// RoPE must act on the RoPE part only (`q_pe` and the shared `k_pe`), never on `q_nope`,
    /// the latent or `k_nope`. So with the RoPE rows of `q_b_proj`/`q_proj` and
    /// `kv_a_proj_with_mqa` set to zero, nothing positional is left: attention is a weighted
    /// average over a *set* of earlier tokens, and the last token's output must not change when
    /// the tokens before it are shuffled (up to the summation order: 1e-5 of the output terms, [MlaCases#outputScale]). With the RoPE
    /// rows in place the same shuffle does change it (checked, so the property can fail). This
    /// guards the key side (RoPE on `k_nope` or the latent would make the shuffle visible); the
    /// query side is guarded by the double reference, the query's own position being fixed here.
    @Test
    void withoutRopeWeightsTheLastOutputIgnoresTheOrderOfEarlierTokens() {
        Property.forAll("MLA: positions enter only through the RoPE part", g -> {
            Case c = MlaFormsTest.make(g);
            int t = Math.max(3, c.d().t());
            MlaRef.Dims d = new MlaRef.Dims(1, t, c.d().c(), c.d().h(), c.d().qRank(), c.d().r(), c.d().dn(), c.d().dr(), c.d().dv());
            int[] perm = shuffledPrefix(g, t);
            return new Shuffle(new Case(d, c.yarn(), c.seed(), g.normal(t * d.c(), 1), new float[0]), perm);
        }, s -> {
            Case c = s.c();
            MlaRef.Dims d = c.d();
            float[] shuffled = new float[c.x().length];
            for (int i = 0; i < d.t(); i++) {
                System.arraycopy(c.x(), s.perm()[i] * d.c(), shuffled, i * d.c(), d.c());
            }
            for (Form form : Form.values()) {
                MultiHeadLatentAttention m = MlaFormsTest.layer(c).withForm(form);
                zeroRopeRows(m, d);
                float[] a = last(m.forward(c.x(), 1, d.t()).y(), d), b = last(m.forward(shuffled, 1, d.t()).y(), d);
                GradCheck.assertClose(form + ": last output, earlier tokens shuffled", toDouble(a), b, 0,
                        1e-5 * MlaCases.outputScale(c, m) + 1e-30);
            }
        });
    }

    @Test
    void withRopeWeightsTheOrderOfEarlierTokensMatters() {
        MlaRef.Dims d = new MlaRef.Dims(1, 6, 16, 2, 8, 8, 4, 8, 4);
        Case c = new Case(d, false, 5, new Gen(5, 100).normal(6 * 16, 1), new float[0]);
        MultiHeadLatentAttention m = new MultiHeadLatentAttention("a", 16, 2, 8, 8, 4, 8, 4, Rope.plain(8, 10, 16), 0.3f,
                1e-6f, Form.ABSORBED, new Rng(5), 0.5);
        float[] shuffled = c.x().clone();
        System.arraycopy(c.x(), 0, shuffled, 16, 16); // swap tokens 0 and 1
        System.arraycopy(c.x(), 16, shuffled, 0, 16);
        float[] a = last(m.forward(c.x(), 1, 6).y(), d), b = last(m.forward(shuffled, 1, 6).y(), d);
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertThat(diff).isGreaterThan(1e-3 * GradCheck.maxAbs(a));
    }

    /// Positions enter the absorbed scores only through their differences: rotating every
    /// `q_pe` and `k_pe` as if the sequence started at position `s` instead of 0 (plain RoPE,
    /// YaRN off) leaves the attention output unchanged, up to the rounding of the float cos/sin
    /// tables at other angles (~1e-7 relative per score; compared at 1e-5·max|latent|).
    @Test
    void shiftingEveryPositionLeavesTheLatentAttentionUnchanged() {
        Property.forAll("MLA scores depend only on position differences", g -> {
            int t = g.dim(1, 10), h = g.dim(1, 4), r = g.dim(1, 16), dr = 2 * g.dim(1, 4);
            return new Shift(t, h, r, dr, g.intIn(1, 200), g.normal(t * h * r, 1), g.normal(t * h * dr, 1),
                    g.normal(t * r, 1), g.normal(t * dr, 1));
        }, c -> {
            Rope rope = Rope.plain(c.dr(), 10000, 256);
            float[] at0 = shifted(c, rope, 0), atS = shifted(c, rope, c.shift());
            // o_lat is a convex combination of latents: errors are relative to max|latent|
            GradCheck.assertClose("o_lat at positions s.. vs 0..", toDouble(at0), atS, 0, 1e-5 * GradCheck.maxAbs(c.latent()) + 1e-30);
        });
    }

    record Shift(int t, int h, int r, int dr, int shift, float[] qLat, float[] qPe, float[] latent, float[] kPe) {
    }

    private static float[] shifted(Shift c, Rope rope, int start) {
        float[] qPe = c.qPe().clone(), kPe = c.kPe().clone();
        rope.forward(qPe, 0, c.t(), c.h(), c.dr(), 0, start);
        rope.forward(kPe, 0, c.t(), 1, c.dr(), 0, start);
        return LatentAttention.forward(c.qLat(), qPe, c.latent(), kPe, 1, c.t(), c.h(), c.r(), c.dr(), 0, 0.5f);
    }

    record Shuffle(Case c, int[] perm) {
    }

    /// A permutation of `0..t-2` followed by `t-1` (the last token stays last).
    static int[] shuffledPrefix(Gen g, int t) {
        int[] p = new int[t];
        for (int i = 0; i < t; i++) {
            p[i] = i;
        }
        for (int i = t - 2; i > 0; i--) {
            int j = g.intIn(0, i);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    static void zeroRopeRows(MultiHeadLatentAttention m, MlaRef.Dims d) {
        Param q = d.qRank() > 0 ? m.qBProj.weight : m.qProj.weight; // [H·Dqk, in]
        int in = q.shape[1];
        for (int hh = 0; hh < d.h(); hh++) {
            int from = (hh * d.dqk() + d.dn()) * in;
            Arrays.fill(q.data, from, from + d.dr() * in, 0f);
        }
        int c = d.c();
        Arrays.fill(m.kvAProj.weight.data, d.r() * c, (d.r() + d.dr()) * c, 0f); // rows [R, R + Dr)
    }

    static float[] last(float[] y, MlaRef.Dims d) {
        return Arrays.copyOfRange(y, (d.t() - 1) * d.c(), d.t() * d.c());
    }

    // ---- determinism ----------------------------------------------------------------------

    /// Forward, backward (input and every gradient) and decoding, in both forms, with 1 and 4
    /// threads: the same bits. Shapes as the `tiny` preset, 2 × 40 tokens, so that every
    /// parallel loop (heads, score rows, GEMM tiles) really splits.
    @Test
    void sameBitsWithOneAndFourThreads() {
        int before = Parallel.threads();
        try {
            for (Form form : Form.values()) {
                Supplier<List<float[]>> run = () -> {
                    MultiHeadLatentAttention m = new MultiHeadLatentAttention("model.layers.0.self_attn", 64, 4, 32, 16, 16, 8, 16,
                            Rope.plain(8, 10000, 64), (float) Math.pow(24, -0.5), 1e-6f, form, new Rng(3), 0.1);
                    Gen g = new Gen(4, 100);
                    float[] x = g.normal(2 * 40 * 64, 1), dy = g.normal(2 * 40 * 64, 1);
                    List<float[]> out = new ArrayList<>();
                    Attention.Saved s = m.forward(x, 2, 40);
                    out.add(s.y());
                    out.add(m.backward(s, dy));
                    for (Param p : m.params()) {
                        out.add(p.grad);
                    }
                    KvCache cache = m.newCache(40);
                    out.add(m.decode(Arrays.copyOf(x, 30 * 64), 30, cache));
                    for (int i = 30; i < 40; i++) {
                        out.add(m.decode(Arrays.copyOfRange(x, i * 64, (i + 1) * 64), 1, cache));
                    }
                    return out;
                };
                List<float[]> one = Threads.with(1, run), four = Threads.with(4, run);
                for (int i = 0; i < one.size(); i++) {
                    GradCheck.assertBitEqual(form + " output " + i + " (1 vs 4 threads)", one.get(i), four.get(i));
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    // ---- errors ---------------------------------------------------------------------------

    static MultiHeadLatentAttention make(int qRank, int kvRank, int rope, Rope table, Form form) {
        return new MultiHeadLatentAttention("a", 8, 2, qRank, kvRank, 4, rope, 4, table, 0.3f, 1e-6f, form, new Rng(1), 0.1);
    }

    @Test
    void badRanksAndDimsNameTheKey() {
        Rope r4 = Rope.plain(4, 1e4, 8);
        assertThatThrownBy(() -> make(-1, 4, 4, r4, Form.NAIVE)).hasMessageContaining("q_lora_rank = -1");
        assertThatThrownBy(() -> make(4, 0, 4, r4, Form.NAIVE)).hasMessageContaining("kv_lora_rank = 0");
        assertThatThrownBy(() -> make(4, 4, 2, r4, Form.NAIVE)).hasMessageContaining("4 dims").hasMessageContaining("qk_rope_head_dim is 2");
        assertThatThrownBy(() -> make(4, 4, 4, r4, null)).hasMessageContaining("form");
        assertThatThrownBy(() -> new MultiHeadLatentAttention("a", 8, 0, 4, 4, 4, 4, 4, r4, 0.3f, 1e-6f, Form.NAIVE, new Rng(1), 0.1))
                .hasMessageContaining("num_attention_heads = 0");
        assertThatThrownBy(() -> new MultiHeadLatentAttention("a", 8, 2, 4, 4, 4, 4, 4, r4, Float.NaN, 1e-6f, Form.NAIVE, new Rng(1), 0.1))
                .hasMessageContaining("softmax scale = NaN");
        assertThatThrownBy(() -> new MultiHeadLatentAttention("a", 8, 2, 4, 4, 4, 4, 4, r4, 0.3f, 0f, Form.NAIVE, new Rng(1), 0.1))
                .hasMessageContaining("rms_norm_eps");
    }

    @Test
    void badShapesAndCachesSayWhatIsExpected() {
        Rope r4 = Rope.plain(4, 1e4, 8);
        MultiHeadLatentAttention naive = make(4, 4, 4, r4, Form.NAIVE), absorbed = naive.withForm(Form.ABSORBED);
        assertThatThrownBy(() -> naive.forward(new float[15], 2, 1)).hasMessageContaining("x has 15 floats")
                .hasMessageContaining("[2, 8]");
        assertThatThrownBy(() -> naive.forward(new float[8], 1, 0)).hasMessageContaining("T = 0");
        Attention.Saved s = naive.forward(new float[16], 1, 2);
        assertThatThrownBy(() -> naive.backward(s, new float[8])).hasMessageContaining("dy has 8 floats");
        // a cache of the other form, or of another layer shape
        assertThatThrownBy(() -> absorbed.decode(new float[8], 1, naive.newCache(4))).hasMessageContaining("newCache");
        assertThatThrownBy(() -> naive.decode(new float[8], 1, absorbed.newCache(4))).hasMessageContaining("newCache");
        KvCache other = make(4, 4, 4, r4, Form.NAIVE).newCache(4);
        naive.decode(new float[8], 1, other); // same shape: fine
        assertThatThrownBy(() -> naive.decode(new float[8], 1, new MultiHeadAttention("m", 8, 3, 8, 4, 4, r4, 0.3f, new Rng(1), 0.1).newCache(4)))
                .hasMessageContaining("newCache");
        // capacity and the RoPE table's positions
        KvCache small = absorbed.newCache(2);
        absorbed.decode(new float[16], 2, small);
        assertThatThrownBy(() -> absorbed.decode(new float[8], 1, small)).hasMessageContaining("cache holds 2 tokens");
        assertThatThrownBy(() -> naive.forward(new float[9 * 8], 1, 9)).hasMessageContaining("outside the table");
        assertThatThrownBy(() -> naive.newCache(0)).hasMessageContaining("maxTokens");
    }
}
