package dev.tinyseek.attention;

import dev.tinyseek.attention.MlaCases.Case;
import dev.tinyseek.attention.MultiHeadLatentAttention.Form;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

/// MLA against an independent double reference ([MlaRef]): the forward of both forms, and the
/// backward against central differences of the reference, for every parameter and the input,
/// with and without the query latent.
class MultiHeadLatentAttentionTest {

    @Test
    void parameterNamesAndShapesAreTheHfOnes() {
        MultiHeadLatentAttention m = new MultiHeadLatentAttention("model.layers.3.self_attn", 64, 4, 32, 16, 16, 8, 16,
                Rope.plain(8, 10000, 16), 0.2f, 1e-6f, Form.NAIVE, new Rng(1), 0.02);
        assertThat(m.params()).extracting(p -> p.name).containsExactly(
                "model.layers.3.self_attn.q_a_proj.weight", "model.layers.3.self_attn.q_a_layernorm.weight",
                "model.layers.3.self_attn.q_b_proj.weight", "model.layers.3.self_attn.kv_a_proj_with_mqa.weight",
                "model.layers.3.self_attn.kv_a_layernorm.weight", "model.layers.3.self_attn.kv_b_proj.weight",
                "model.layers.3.self_attn.o_proj.weight");
        assertThat(m.params()).extracting(p -> Arrays.toString(p.shape)).containsExactly(
                "[32, 64]", "[32]", "[96, 32]", "[24, 64]", "[16]", "[128, 16]", "[64, 64]");
        MultiHeadLatentAttention noQ = new MultiHeadLatentAttention("model.layers.0.self_attn", 64, 4, 0, 16, 16, 8, 16,
                Rope.plain(8, 10000, 16), 0.2f, 1e-6f, Form.ABSORBED, new Rng(1), 0.02);
        assertThat(noQ.params()).extracting(p -> p.name).containsExactly(
                "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.kv_a_proj_with_mqa.weight",
                "model.layers.0.self_attn.kv_a_layernorm.weight", "model.layers.0.self_attn.kv_b_proj.weight",
                "model.layers.0.self_attn.o_proj.weight");
        assertThat(noQ.params().getFirst().shape).containsExactly(96, 64);
        // the other form shares the very same parameters
        assertThat(m.withForm(Form.ABSORBED).params()).containsExactlyElementsOf(m.params());
    }

    @Test
    void naiveForwardMatchesDoubleReference() {
        forwardMatchesReference(Form.NAIVE);
    }

    @Test
    void absorbedForwardMatchesDoubleReference() {
        forwardMatchesReference(Form.ABSORBED);
    }

    /// Float GEMMs of at most ~20 terms, two RMSNorms, float RoPE tables (cos/sin rounded to
    /// 6e-8) and a softmax over ≤ 5 keys: each output is off by at most a few hundred ulps of the
    /// terms it adds up, so we compare at 1e-5 of their size ([MlaCases#outputScale]; not of |y|,
    /// which can be a cancellation: one head, a rank-1 latent). A wrong layout, a missing norm or
    /// RoPE on the wrong dims is an O(1) difference.
    private static void forwardMatchesReference(Form form) {
        Property.forAll("MLA " + form + " forward ≈ double reference", g -> MlaCases.make(g, g.bool()), c -> {
            MultiHeadLatentAttention m = MlaCases.layer(c, form);
            float[] y = m.forward(c.x(), c.d().b(), c.d().t()).y();
            double[] ref = MlaCases.reference(c, toDouble(c.x()), MlaCases.weights(m));
            GradCheck.assertClose("y", ref, y, 0, 1e-5 * MlaCases.outputScale(c, m) + 1e-30);
        });
    }

    @Test
    void backwardMatchesFiniteDifferencesWithQueryLatent() {
        backwardMatchesFiniteDifferences(true);
    }

    @Test
    void backwardMatchesFiniteDifferencesWithoutQueryLatent() {
        backwardMatchesFiniteDifferences(false);
    }

    private static void backwardMatchesFiniteDifferences(boolean qLora) {
        Property.forAll("MLA backward ≈ finite differences (q_lora_rank " + (qLora ? "> 0" : "= 0") + ")",
                g -> MlaCases.make(g, qLora), c -> {
                    MultiHeadLatentAttention m = MlaCases.layer(c, Form.NAIVE);
                    Attention.Saved s = m.forward(c.x(), c.d().b(), c.d().t());
                    float[] dx = m.backward(s, c.dy());
                    double[] dyD = toDouble(c.dy());
                    double[][] w = MlaCases.weights(m);
                    double[][] args = new double[w.length + 1][];
                    args[0] = toDouble(c.x());
                    System.arraycopy(w, 0, args, 1, w.length);
                    ToDoubleFunction<double[][]> loss = a -> GradCheck.dot(dyD,
                            MlaCases.reference(c, a[0], Arrays.copyOfRange(a, 1, a.length)));
                    // RMSNorm gradients are differences of terms larger than the result
                    // (r·w·dy − k·x); measure the absolute error against the largest gradient of
                    // the whole layer, which bounds those terms here.
                    double[][] num = new double[args.length][];
                    double termScale = 0;
                    for (int k = 0; k < args.length; k++) {
                        num[k] = GradCheck.numeric(loss, args, k);
                        termScale = Math.max(termScale, GradCheck.maxAbs(num[k]));
                    }
                    // A chain of ~10 float stages (two GEMMs per projection, two norms, RoPE, two
                    // attention GEMMs and the softmax backward), each ~1e-5 relative at worst and
                    // amplified by the cancellations of the norm and softmax backwards: rtol 3e-4
                    // (3x GradCheck's single-layer 1e-4; measured worst over 3000 cases: 1.3e-4).
                    // The smallest effect of a real bug seen (k_pe gradient of one head only) is 6%.
                    assertGradient("dx", num[0], dx, termScale);
                    List<Param> ps = m.params();
                    float[][] once = new float[ps.size()][];
                    for (int k = 0; k < ps.size(); k++) {
                        once[k] = ps.get(k).grad.clone();
                        assertGradient(ps.get(k).name, num[k + 1], once[k], termScale);
                    }
                    // the absorbed form's backward (it recomputes the naive form) gives the same bits
                    MultiHeadLatentAttention abs = m.withForm(Form.ABSORBED);
                    float[] dxAbs = abs.backward(abs.forward(c.x(), c.d().b(), c.d().t()), c.dy());
                    GradCheck.assertBitEqual("dx of the absorbed form", dx, dxAbs);
                    for (int k = 0; k < ps.size(); k++) {
                        // a second backward adds onto the first row by row, so the sums round
                        // differently from 2·once: compared at 1e-5 (GradCheck's default is 1e-6)
                        double[] twice = toDouble(once[k]);
                        for (int i = 0; i < twice.length; i++) {
                            twice[i] *= 2;
                        }
                        GradCheck.assertClose(ps.get(k).name + " after two backward calls (does backward use += ?)", twice,
                                ps.get(k).grad, 1e-5, 1e-5 * GradCheck.maxAbs(twice) + 1e-30);
                    }
                });
    }

    private static void assertGradient(String what, double[] numeric, float[] analytic, double termScale) {
        GradCheck.assertClose(what, numeric, analytic, 3e-4, 1e-5 * termScale + 1e-9);
    }
}
