package dev.tinyseek.attention;

import dev.tinyseek.attention.MlaCases.Case;
import dev.tinyseek.attention.MultiHeadLatentAttention.Form;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

/// The two forms of MLA compute the same function, cached decoding equals the full forward,
/// and the cache holds what the paper says.
///
/// Tolerance between the forms: they differ only in the order of float roundings (naive rounds
/// `k_nope = W^UK c` then `q·k_nope`, absorbed rounds `q_lat = W^UKᵀ q` then `q_lat·c`; naive rounds
/// `v = W^UV c` then `Σ p v`, absorbed `Σ p c` then `W^UV ·`). So we hold each form to the exact
/// (double) reference at `1e-5·S`, where `S` bounds the terms every output adds up
/// ([MlaCases#outputScale]; `S ≥ max|y|`, and rounding errors are relative to `S`, not to a `y`
/// that cancels). That covers dot products of up to ~100 terms with scores of
/// size ~10 (relative error `n·u` ≈ 6e-6 in the worst case, far less on average); the two forms
/// are held to each other at twice that, by the triangle inequality. Measured over 300 cases of
/// [#make]: at most 1.0e-6·max|y| to the reference and 5.4e-7·max|y| between the forms; an
/// error in either form (RoPE on the wrong dims, an un-normalised latent) is O(1).
class MlaFormsTest {

    static final double REL = 1e-5;

    /// Larger dims than the gradient tests (ranks and head dims up to DeepSeek's tiny preset's),
    /// weights N(0, 0.2²) so that scores are O(1)..O(10), one sequence; latent ranks ≥ 2 (see
    /// [MlaCases#make]).
    static Case make(Gen g) {
        int t = g.dim(1, 12), c = g.dim(1, 32), h = g.dim(1, 4);
        int qRank = g.bool() ? 0 : g.dim(2, 32);
        int r = g.dim(2, 32), dn = g.dim(1, 16), dr = 2 * g.dim(1, 4), dv = g.dim(1, 16);
        MlaRef.Dims d = new MlaRef.Dims(1, t, c, h, qRank, r, dn, dr, dv);
        return new Case(d, g.bool(), g.nextSeed(), g.normal(t * c, 1), g.normal(t * c, 1));
    }

    static MultiHeadLatentAttention layer(Case c) {
        MlaRef.Dims d = c.d();
        return new MultiHeadLatentAttention("model.layers.0.self_attn", d.c(), d.h(), d.qRank(), d.r(), d.dn(), d.dr(), d.dv(),
                new Rope(MlaCases.freqs(c), MlaCases.MAX_POS), (float) MlaCases.scale(c), MlaCases.EPS, Form.NAIVE,
                new Rng(c.seed()), 0.2);
    }

    @Test
    void naiveEqualsAbsorbed() {
        Property.forAll("MLA naive forward = absorbed forward", MlaFormsTest::make, c -> {
            MultiHeadLatentAttention naive = layer(c), absorbed = naive.withForm(Form.ABSORBED);
            int t = c.d().t();
            float[] yn = naive.forward(c.x(), 1, t).y(), ya = absorbed.forward(c.x(), 1, t).y();
            double[] ref = MlaCases.reference(c, toDouble(c.x()), MlaCases.weights(naive));
            double atol = REL * MlaCases.outputScale(c, naive) + 1e-30;
            GradCheck.assertClose("naive vs reference", ref, yn, 0, atol);
            GradCheck.assertClose("absorbed vs reference", ref, ya, 0, atol);
            GradCheck.assertClose("absorbed vs naive", toDouble(yn), ya, 0, 2 * atol);
        });
    }

    @Test
    void naiveEqualsAbsorbedOnTheSpecTinyCaseAndCachesWhatItSays() {
        // a small case: d 64, H 4, q rank 48, kv rank 32, nope 16, rope 8, v 16, S 6 (in float64 the forms agree to 3.6e-16)
        MlaRef.Dims d = new MlaRef.Dims(1, 6, 64, 4, 48, 32, 16, 8, 16);
        Case c = new Case(d, false, 9, new Gen(9, 100).normal(6 * 64, 1), new float[6 * 64]);
        MultiHeadLatentAttention naive = layer(c), absorbed = naive.withForm(Form.ABSORBED);
        float[] yn = naive.forward(c.x(), 1, 6).y(), ya = absorbed.forward(c.x(), 1, 6).y();
        double atol = REL * MlaCases.outputScale(c, naive);
        GradCheck.assertClose("absorbed vs naive", toDouble(yn), ya, 0, 2 * atol);
        // cache per token per layer: 160 naive vs 40 absorbed (docs/mla.md#absorbed-form)
        assertThat(naive.newCache(8).floatsPerToken()).isEqualTo(160);
        assertThat(absorbed.newCache(8).floatsPerToken()).isEqualTo(40);
    }

    @Test
    void cacheSizesPerToken() {
        // the tiny preset: H 4, kv rank 16, nope/rope/v 16/8/16
        MultiHeadLatentAttention naive = new MultiHeadLatentAttention("a", 64, 4, 32, 16, 16, 8, 16, Rope.plain(8, 1e4, 16),
                0.2f, 1e-6f, Form.NAIVE, new Rng(1), 0.02);
        KvCache n = naive.newCache(10), a = naive.withForm(Form.ABSORBED).newCache(10);
        assertThat(n.floatsPerToken()).isEqualTo(4 * (24 + 16));   // H·(Dqk + Dv)
        assertThat(a.floatsPerToken()).isEqualTo(16 + 8);          // kv_lora_rank + qk_rope_head_dim
        LatentCache lc = (LatentCache) a;
        assertThat(lc.latent.length + lc.kPe.length).isEqualTo(10 * 24); // what is really allocated
        MultiHeadAttention.Cache mc = (MultiHeadAttention.Cache) n;
        assertThat(mc.k.length + mc.v.length).isEqualTo(10 * 160);
        // same width standard MHA caches as much as naive MLA
        assertThat(new MultiHeadAttention("m", 64, 4, 24, 16, 8, Rope.plain(8, 1e4, 16), 0.2f, new Rng(1), 0.02)
                .newCache(10).floatsPerToken()).isEqualTo(160);
    }

    /// Token-by-token (and chunked) decoding keeps every sum in the same order as the full
    /// forward (masked probabilities are exact zeros), so it must agree to the bit, in both forms;
    /// and the two forms' decode steps agree within the tolerance above.
    @Test
    void cachedDecodingEqualsFullForwardBitForBit() {
        Property.forAll("MLA cached decoding = full forward", g -> {
            Case c = make(g);
            int[] chunks = chunks(g, c.d().t());
            return new Decode(c, chunks);
        }, dc -> {
            Case c = dc.c();
            int t = c.d().t(), width = c.d().c();
            MultiHeadLatentAttention naive = layer(c);
            List<float[]> steps = new ArrayList<>();
            for (Form form : Form.values()) {
                MultiHeadLatentAttention m = naive.withForm(form);
                float[] full = m.forward(c.x(), 1, t).y();
                KvCache cache = m.newCache(t + 2);
                float[] dec = decodeInChunks(m, cache, c.x(), width, dc.chunks());
                GradCheck.assertBitEqual(form + " decode vs forward", full, dec);
                assertThat(cache.length()).isEqualTo(t);
                // speculative-decoding rollback: forget the last tokens and decode them again
                int keep = t / 2;
                cache.truncate(keep);
                float[] again = m.decode(Arrays.copyOfRange(c.x(), keep * width, t * width), t - keep, cache);
                GradCheck.assertBitEqual(form + " decode after truncate", Arrays.copyOfRange(full, keep * width, t * width), again);
                steps.add(dec);
            }
            GradCheck.assertClose("absorbed vs naive decode", toDouble(steps.get(0)), steps.get(1), 0,
                    2 * REL * MlaCases.outputScale(c, naive) + 1e-30);
        });
    }

    record Decode(Case c, int[] chunks) {
    }

    /// Chunk sizes summing to `t`: mostly single tokens, sometimes a prefill of several.
    static int[] chunks(Gen g, int t) {
        List<Integer> cs = new ArrayList<>();
        for (int left = t; left > 0; ) {
            int k = g.chance(0.7) ? 1 : g.intIn(1, left);
            cs.add(Math.min(k, left));
            left -= Math.min(k, left);
        }
        return cs.stream().mapToInt(Integer::intValue).toArray();
    }

    static float[] decodeInChunks(Attention m, KvCache cache, float[] x, int width, int[] chunks) {
        float[] out = new float[x.length];
        int pos = 0;
        for (int k : chunks) {
            float[] y = m.decode(Arrays.copyOfRange(x, pos * width, (pos + k) * width), k, cache);
            System.arraycopy(y, 0, out, pos * width, k * width);
            pos += k;
        }
        return out;
    }
}
