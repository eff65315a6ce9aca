package dev.tinyseek.model;

import dev.tinyseek.io.Safetensors;
import dev.tinyseek.io.SafetensorsFile;
import dev.tinyseek.moe.MoeLayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/// Golden outputs of DeepSeek-V3's official `inference/model.py` (fp32, CPU), in the manner of
/// llm.c's `test_gpt2.c`: each comparison prints the first values side by side and the largest
/// difference, then checks it.
///
/// The fixtures in `src/test/resources/official/` are seeded random models built with the official
/// module tree (the `tiny` preset's layout at half its widths, YaRN on) with the official outputs
/// for two sequences of 16 tokens; `make_fixtures.py` there made them and says how. Two routers:
/// `routing-bias` (sigmoid, the selection bias, groups scored by their top two) and `no-bias`
/// (softmax, groups scored by their best). Checked: the logits of the full forward (naive MLA, what
/// training runs), every layer's output, the MoE layer's chosen experts and their gate values, and
/// the logits of cached decoding in the absorbed form (prefill 8 tokens, then one at a time).
class OfficialGoldenTest {

    /// fp32 against fp32 with other summation orders: logits are O(1), differences O(1e-6).
    static final float TOL = 1e-5f;

    @ParameterizedTest
    @ValueSource(strings = {"routing-bias", "no-bias"})
    void forwardLayersRoutingAndDecodingMatchTheOfficialCode(String name) throws Exception {
        Path dir = fixture(name);
        Transformer m = Transformer.load(dir);
        try (SafetensorsFile ref = Safetensors.open(dir.resolve("reference.safetensors"))) {
            long[] shape = ref.info("tokens").shape(); // [B, S]
            int b = (int) shape[0], s = (int) shape[1], v = m.config.vocabSize(), c = m.config.hiddenSize();
            int[] tokens = longs(ref.readBytes("tokens"));
            System.out.println(name + ": " + b + " sequences of " + s + " tokens; " + m.config.numHiddenLayers() + " layers");

            // 1. the full forward: logits, each layer's output, the MoE routing
            Transformer.Saved out = m.forward(tokens, b, s);
            compare(name + " logits [B,S,V]", ref.readFloats("naive.logits_all"), out.logits());
            int moeLayers = 0;
            for (int i = 0; i < m.layers.size(); i++) {
                compare(name + " layers." + i + ".out [B,S,C]", ref.readFloats("naive.layers." + i + ".out"), out.blocks().get(i).out());
                if (out.blocks().get(i).ffn() instanceof MoeLayer.Saved moe) {
                    checkRouting(name + " layers." + i, ref.readBytes("naive.layers." + i + ".gate.indices"),
                            ref.readFloats("naive.layers." + i + ".gate.weights"), moe, b * s);
                    moeLayers++;
                }
            }
            assertThat(moeLayers).as("MoE layers checked").isEqualTo(m.config.numHiddenLayers() - m.config.firstKDenseReplace());
            assertThat(c * b * s).isEqualTo(ref.readFloats("naive.layers.0.out").length);

            // 2. cached decoding (absorbed MLA): prefill P tokens, then one at a time; row j is position P-1+j
            int p = Integer.parseInt(ref.metadata().get("prefill"));
            float[] want = ref.readFloats("absorb.logits_decode"); // [B, S-P+1, V]
            int rows = s - p + 1;
            float[] got = new float[b * rows * v];
            for (int seq = 0; seq < b; seq++) {
                int[] mine = Arrays.copyOfRange(tokens, seq * s, (seq + 1) * s);
                Transformer.DecodeState st = m.newDecodeState(s);
                float[] prefill = m.decode(st, Arrays.copyOf(mine, p));
                System.arraycopy(prefill, (p - 1) * v, got, seq * rows * v, v);
                for (int j = 1; j < rows; j++) {
                    System.arraycopy(m.decode(st, new int[] {mine[p - 1 + j]}), 0, got, (seq * rows + j) * v, v);
                }
            }
            compare(name + " decoding logits [B,S-P+1,V]", want, got);
        }
    }

    /// Chosen experts as sets per token (the order of equal-rank picks is not part of the math),
    /// and each chosen expert's gate value.
    static void checkRouting(String what, byte[] indices, float[] weights, MoeLayer.Saved moe, int n) {
        int[] want = longs(indices); // [N, K]
        int k = want.length / n;
        int[] got = moe.routing().experts();
        float[] gotW = moe.routing().weights();
        float maxDiff = 0;
        for (int t = 0; t < n; t++) {
            Set<Integer> a = new TreeSet<>(), g = new TreeSet<>();
            for (int j = 0; j < k; j++) {
                a.add(want[t * k + j]);
                g.add(got[t * k + j]);
            }
            if (t < 3) {
                System.out.printf(Locale.ROOT, "  %s token %d: official experts %s, ours %s%n", what, t, a, g);
            }
            assertThat(g).as("%s: experts of token %d", what, t).isEqualTo(a);
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < k; i++) {
                    if (got[t * k + i] == want[t * k + j]) {
                        maxDiff = Math.max(maxDiff, Math.abs(gotW[t * k + i] - weights[t * k + j]));
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "  %s gate weights: max |diff| %.3g%n", what, maxDiff);
        assertThat(maxDiff).as("%s: gate weights' largest difference", what).isLessThanOrEqualTo(TOL);
    }

    /// Prints the first values side by side and the largest difference, then checks it.
    static void compare(String what, float[] official, float[] ours) {
        assertThat(ours).as(what + ": length").hasSize(official.length);
        System.out.println("  " + what + ": official | tinyseek");
        for (int i = 0; i < 5; i++) {
            System.out.printf(Locale.ROOT, "    %12.8f | %12.8f%n", official[i], ours[i]);
        }
        float maxDiff = 0;
        int at = 0;
        for (int i = 0; i < official.length; i++) {
            float d = Math.abs(official[i] - ours[i]);
            if (!(d <= maxDiff)) {
                maxDiff = d;
                at = i;
            }
        }
        System.out.printf(Locale.ROOT, "    max |diff| %.3g at %d (%s)%n", maxDiff, at, maxDiff <= TOL ? "OK" : "NOT OK");
        assertThat(maxDiff).as("%s: largest difference (at %d: official %s, ours %s)", what, at, official[at], ours[at])
                .isLessThanOrEqualTo(TOL);
    }

    static int[] longs(byte[] bytes) {
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[bytes.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(bb.getLong());
        }
        return out;
    }

    static Path fixture(String name) throws URISyntaxException {
        var url = OfficialGoldenTest.class.getResource("/official/" + name);
        assertThat(url).as("test resource official/" + name).isNotNull();
        return Path.of(url.toURI());
    }
}
