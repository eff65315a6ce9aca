package dev.tinyseek.model;

import dev.tinyseek.io.Dtype;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// Multi-Token Prediction in training: the modules' names, and the gradient of the whole
/// objective `CE_main + (λ/D) Σ_k CE_k` against finite differences.
class MtpTest {

    static final double LAMBDA = 0.3;

    /// Depth-k targets: the main targets shifted by k (IGNORE past the end of a sequence).
    static int[] shifted(int[] targets, int b, int t, int k) {
        int[] out = new int[b * t];
        Arrays.fill(out, CrossEntropy.IGNORE);
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i + k < t; i++) {
                out[bi * t + i] = targets[bi * t + i + k];
            }
        }
        return out;
    }

    static double objective(Transformer m, int[] tok, int[] tgt, int b, int t) {
        int v = m.config.vocabSize(), n = b * t;
        Transformer.Saved s = m.forward(tok, b, t);
        double loss = CrossEntropy.forward(s.logits(), tgt, CrossEntropy.IGNORE, n, v).loss();
        List<MtpModule.Saved> ms = m.forwardMtp(s);
        for (int k = 1; k <= ms.size(); k++) {
            loss += LAMBDA / ms.size() * CrossEntropy.forward(ms.get(k - 1).logits(), shifted(tgt, b, t, k), CrossEntropy.IGNORE, n, v).loss();
        }
        return loss;
    }

    @Test
    void modulesCarryTheReleasedNames() {
        Transformer m = new Transformer(ModelConfig.tiny().withMtpDepth(2), 1);
        assertThat(m.paramsByName()).containsKeys("model.layers.2.enorm.weight", "model.layers.2.hnorm.weight",
                "model.layers.2.eh_proj.weight", "model.layers.2.shared_head.norm.weight",
                "model.layers.2.self_attn.kv_a_proj_with_mqa.weight", "model.layers.2.mlp.experts.0.up_proj.weight",
                "model.layers.3.eh_proj.weight", "model.layers.3.mlp.gate.e_score_correction_bias");
        assertThat(m.paramsByName().get("model.layers.2.eh_proj.weight").shape).containsExactly(64, 128);
        assertThat(m.mtp).hasSize(2);
        // every depth k = 1..D is layer num_hidden_layers + k - 1, with the four MTP tensors
        Transformer deep = new Transformer(ModelConfig.tiny().dense().withMtpDepth(3), 1);
        for (int k = 1; k <= 3; k++) {
            int layer = deep.config.numHiddenLayers() + k - 1;
            for (String t : new String[] {"enorm", "hnorm", "eh_proj", "shared_head.norm"}) {
                assertThat(deep.paramsByName()).containsKey("model.layers." + layer + "." + t + ".weight");
            }
            assertThat(deep.mtp.get(k - 1).depth).isEqualTo(k);
        }
        assertThat(deep.paramsByName()).doesNotContainKey("model.layers.5.eh_proj.weight");
    }

    @Test
    void wholeObjectiveGradientMatchesFiniteDifferences() {
        for (ModelConfig cfg : new ModelConfig[] {ModelConfig.tiny().dense().withMtpDepth(2), ModelConfig.tiny().withMtpDepth(2)}) {
            Transformer m = TransformerTest.model(cfg, 23);
            int b = 2, t = 6, v = cfg.vocabSize(), n = b * t;
            Rng r = new Rng(8);
            int[] tok = new int[n], tgt = new int[n];
            for (int i = 0; i < n; i++) {
                tok[i] = r.nextInt(v);
                tgt[i] = r.nextInt(v);
            }
            Transformer.Saved s = m.forward(tok, b, t);
            List<MtpModule.Saved> ms = m.forwardMtp(s);
            m.zeroGrad();
            float[] dl = new float[n * v];
            CrossEntropy.backward(dl, s.logits(), tgt, CrossEntropy.IGNORE, n, v, 1f);
            List<float[]> dms = new ArrayList<>();
            for (int k = 1; k <= ms.size(); k++) {
                float[] d = new float[n * v];
                CrossEntropy.backward(d, ms.get(k - 1).logits(), shifted(tgt, b, t, k), CrossEntropy.IGNORE, n, v,
                        (float) (LAMBDA / ms.size()));
                dms.add(d);
            }
            m.backward(s, dl, ms, dms);
            int route = routing(m, tok, b, t);
            for (Param p : m.params()) {
                for (int trial = 0; trial < 3; trial++) {
                    int i = trial == 0 ? argmaxAbs(p.grad) : r.nextInt(p.size());
                    float orig = p.data[i], h = 1e-2f;
                    p.data[i] = orig + h;
                    double lp = objective(m, tok, tgt, b, t);
                    int rp = routing(m, tok, b, t);
                    p.data[i] = orig - h;
                    double lm = objective(m, tok, tgt, b, t);
                    int rm = routing(m, tok, b, t);
                    p.data[i] = orig;
                    if (rp != route || rm != route) {
                        continue;
                    }
                    double fd = (lp - lm) / (2 * h), an = p.grad[i];
                    double scale = Math.max(Math.abs(fd), Math.abs(an));
                    if (scale < 1e-4) {
                        continue;
                    }
                    assertThat(Math.abs(fd - an) / scale).as("%s[%d]: backward %.6g, finite difference %.6g", p.name, i, an, fd)
                            .isLessThan(0.05);
                }
            }
        }
    }

    /// Expert choices of the main layers and of the MTP modules' blocks.
    static int routing(Transformer m, int[] tok, int b, int t) {
        Transformer.Saved s = m.forward(tok, b, t);
        int h = TransformerTest.routing(m, tok, b, t);
        for (MtpModule.Saved ms : m.forwardMtp(s)) {
            if (ms.blk().ffn() instanceof dev.tinyseek.moe.MoeLayer.Saved moe) {
                h = 31 * h + Arrays.hashCode(moe.routing().experts());
            }
        }
        return h;
    }

    static int argmaxAbs(float[] g) {
        int best = 0;
        for (int i = 1; i < g.length; i++) {
            if (Math.abs(g[i]) > Math.abs(g[best])) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void aModelWithMtpRoundTripsAndDecodesWithoutIt(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(ModelConfig.tiny().withMtpDepth(1), 5);
        Checkpoint.save(m, dir, Dtype.F32, Map.of());
        List<String> notes = new ArrayList<>();
        Transformer back = Checkpoint.load(dir, notes::add);
        assertThat(notes).isEmpty();
        assertThat(back.paramsByName().get("model.layers.2.eh_proj.weight").data)
                .containsExactly(m.paramsByName().get("model.layers.2.eh_proj.weight").data);
        int[] seq = {4, 8, 15, 16, 23, 42};
        assertThat(back.forward(seq, 1, 6).logits()).containsExactly(m.forward(seq, 1, 6).logits());
        // the main model alone decodes (MTP switched off at inference): cached decoding equals the full forward
        float[] decoded = back.decode(back.newDecodeState(seq.length), seq);
        float[] full = back.forward(seq, 1, seq.length).logits();
        assertThat(decoded).hasSameSizeAs(full);
        for (int i = 0; i < full.length; i++) {
            assertThat(decoded[i]).as("logit %d", i).isCloseTo(full[i], org.assertj.core.api.Assertions.within(1e-4f));
        }
    }

    /// Cached decoding of the modules, fed in two chunks, equals the training forward: depth k at
    /// position i reads `h^{k-1}_i` and `x_{i+k}` in both (so the drafter is the trained module),
    /// and `draftMtp` gives the last row of `decodeMtp`'s logits.
    @Test
    void cachedModuleDecodingEqualsTheTrainingForward() {
        Transformer m = TransformerTest.model(ModelConfig.tiny().withMtpDepth(2), 31);
        int t = 9, c = m.config.hiddenSize(), v = m.config.vocabSize();
        int[] tok = {5, 3, 200, 17, 17, 99, 4, 250, 8};
        Transformer.Saved s = m.forward(tok, 1, t);
        List<MtpModule.Saved> train = m.forwardMtp(s);
        Transformer.DecodeState st = m.newDecodeState(t);
        float[] h = m.decodeStep(st, tok).hidden(); // h^0 [T, C]
        for (int k = 1; k <= 2; k++) {
            int rows = t - k, split = rows / 2;
            float[] next = new float[rows * c];
            for (int[] part : new int[][] {{0, split}, {split, rows}}) {
                Transformer.Decoded d = m.decodeMtp(st, k, Arrays.copyOfRange(h, part[0] * c, part[1] * c),
                        Arrays.copyOfRange(tok, part[0] + k, part[1] + k));
                for (int i = part[0]; i < part[1]; i++) {
                    for (int j = 0; j < v; j++) {
                        assertThat((double) d.logits()[(i - part[0]) * v + j])
                                .as("depth %d position %d logit %d", k, i, j)
                                .isCloseTo(train.get(k - 1).logits()[i * v + j], org.assertj.core.api.Assertions.within(2e-4));
                    }
                }
                System.arraycopy(d.hidden(), 0, next, part[0] * c, (part[1] - part[0]) * c);
            }
            assertThat(st.mtpLength(k)).isEqualTo(rows);
            h = next;
        }
        Transformer.DecodeState a = m.newDecodeState(t), b = m.newDecodeState(t);
        float[] h0 = m.decodeStep(a, tok).hidden();
        m.decodeStep(b, tok);
        float[] all = m.decodeMtp(a, 1, Arrays.copyOf(h0, 3 * c), Arrays.copyOfRange(tok, 1, 4)).logits();
        float[] last = m.draftMtp(b, 1, Arrays.copyOf(h0, 3 * c), Arrays.copyOfRange(tok, 1, 4)).logits();
        assertThat(last).containsExactly(Arrays.copyOfRange(all, 2 * v, 3 * v));
    }
}
