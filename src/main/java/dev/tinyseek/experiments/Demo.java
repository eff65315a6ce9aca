package dev.tinyseek.experiments;

import dev.tinyseek.rl.GrpoRecipe;
import dev.tinyseek.chart.Heatmap;
import dev.tinyseek.fp8.BlockQuantized;
import dev.tinyseek.fp8.BlockScaling;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.SpeculativeDecoder;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.CostModel;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.moe.Gate;
import dev.tinyseek.moe.MoeLayer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.train.TaskData;
import dev.tinyseek.tasks.Problem;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/// The whole story on one shipped model, in a few minutes (`tinyseek demo`): the latent KV cache
/// against standard attention's, the experts a sum is routed to, speculative decoding with the
/// MTP module, the FP8 error of the model's own weights, and a short GRPO run. Each part is a
/// method of its own that prints its lines and returns what it measured.
public final class Demo {

    public static final String MODEL = "tiny-models/deepseek-v3-addition";
    public static final String FP8_MODEL = "tiny-models/deepseek-v3-addition-fp8";
    public static final String WEAK_MODEL = "tiny-models/addition-cold-start";

    private Demo() {
    }

    /// The demo's inputs: the model (MLA, MoE and an MTP module), where the charts go, the
    /// held-out problems of the decoding comparison, the weak model GRPO starts from, and the
    /// GRPO steps of part 5 (0: skip it).
    public record Settings(Path model, Path plots, int problems, Path weak, int grpoSteps) {

        /// The shipped models, charts in `runs/demo`, 200 problems, 300 GRPO steps.
        public static Settings defaults() {
            return new Settings(Path.of(MODEL), Path.of("runs/demo"), 200, Path.of(WEAK_MODEL), 300);
        }

        public Settings withGrpoSteps(int grpoSteps) {
            return new Settings(model, plots, problems, weak, grpoSteps);
        }

        public Settings withProblems(int problems) {
            return new Settings(model, plots, problems, weak, grpoSteps);
        }

        public Settings withPlots(Path plots) {
            return new Settings(model, plots, problems, weak, grpoSteps);
        }
    }

    /// Part 1: the numbers one token leaves in the cache of one layer, latent (MLA, absorbed)
    /// against standard attention, for `model`.
    public record Cache(String model, long latent, long standard) {
    }

    /// Part 3: greedy answers with and without the MTP module's drafts.
    public record Speculation(int problems, int drafted, int accepted, int identical, double plainTokensPerSecond,
                              double speculativeTokensPerSecond) {
    }

    /// What the demo measured (`speculation` null when the model has no MTP module; `grpo` null
    /// when part 5 was skipped).
    public record Result(List<Cache> cache, Speculation speculation, GrpoRecipe.Result grpo) {
    }

    /// Runs the five parts, printing each.
    public static Result run(Settings st, PrintStream out) throws Exception {
        Path dir = st.model();
        Path plots = st.plots();
        int problems = st.problems();
        int grpoSteps = st.grpoSteps();
        Path weak = st.weak();
        if (grpoSteps > 0 && !Files.isDirectory(weak)) {
            throw new IllegalArgumentException(weak + " is not a model directory; run from the project's root (it ships "
                    + WEAK_MODEL + "), make it with 'tinyseek models make addition-cold-start', or skip GRPO with --grpo-steps 0");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a model directory; run from the project's root (it ships "
                    + MODEL + "), or make it with 'tinyseek models make deepseek-v3-addition'");
        }
        Files.createDirectories(plots);
        Transformer model = Checkpoint.load(dir);
        ModelConfig cfg = model.config;
        CostModel counts = new CostModel(cfg); // the count of 'tinyseek cost' and 'tinyseek inspect'
        out.printf("tinyseek demo: %s (%,d parameters, %,d of them activated per token%s)%n%n", dir, counts.totalParameters(),
                counts.activatedParameters(), counts.mtpParameters() == 0 ? ""
                        : String.format(", plus %,d in the MTP module", counts.mtpParameters()));
        List<Cache> cache = cache(cfg, out);
        routing(model, plots, out);
        Speculation spec = speculation(model, problems, out);
        fp8(model, problems, out);
        GrpoRecipe.Result grpo = grpoSteps > 0 ? grpo(weak, grpoSteps, plots, out) : null;
        out.println("charts written to " + plots + (grpoSteps > 0 ? " (routing.png, grpo.png)" : " (routing.png)"));
        return new Result(cache, spec, grpo);
    }

    // 1. Multi-head Latent Attention: what a token leaves in the cache
    public static List<Cache> cache(ModelConfig cfg, PrintStream out) {
        out.println("1. Multi-head Latent Attention: numbers cached per token and layer");
        List<Cache> rows = new java.util.ArrayList<>();
        for (ModelConfig c : List.of(cfg, ModelConfig.deepseekV3())) {
            CostModel cm = new CostModel(c);
            long mla = cm.kvCacheBytesPerToken(CostModel.KvForm.MLA_ABSORBED, 2) / 2 / c.numHiddenLayers();
            long mha = cm.kvCacheBytesPerToken(CostModel.KvForm.MHA, 2) / 2 / c.numHiddenLayers();
            out.printf(Locale.ROOT, "   %-22s latent %,6d  vs  standard attention %,6d  (%.1f%% less)%n",
                    c == cfg ? "this model:" : "DeepSeek-V3 (671B):", mla, mha, 100.0 * (mha - mla) / mha);
            rows.add(new Cache(c == cfg ? "this model" : "DeepSeek-V3", mla, mha));
        }
        out.println();
        return rows;
    }

    // 2. DeepSeekMoE: which experts each token of a sum goes to
    public static void routing(Transformer model, Path plots, PrintStream out) throws Exception {
        String text = "72+98=071";
        int[] tokens = TaskData.encode(text);
        Transformer.Saved s = model.forward(tokens, 1, tokens.length);
        int layer = -1;
        for (int i = 0; i < model.layers.size(); i++) {
            if (model.layers.get(i).ffn instanceof MoeLayer) {
                layer = i;
                break;
            }
        }
        if (layer < 0) {
            out.println("2. DeepSeekMoE: this model has no MoE layer\n");
            return;
        }
        MoeLayer moe = (MoeLayer) model.layers.get(layer).ffn;
        Gate.Routing r = ((MoeLayer.Saved) s.blocks().get(layer).ffn()).routing();
        int k = moe.gate.topK, e = moe.gate.experts;
        out.printf("2. DeepSeekMoE: the experts each token of '%s' is sent to (layer %d: top %d of %d routed, plus the shared one)%n",
                text, layer, k, e);
        double[][] heat = new double[tokens.length][e]; // [T, E] gate weight of each expert
        for (int t = 0; t < tokens.length; t++) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < k; j++) {
                int ex = r.experts()[t * k + j];
                float w = r.weights()[t * k + j];
                heat[t][ex] = w;
                sb.append(String.format(Locale.ROOT, "  expert %d (weight %.2f)", ex, w));
            }
            out.printf("   '%c'%s%n", (char) tokens[t], sb);
        }
        Path png = plots.resolve("routing.png");
        List<String> chars = new java.util.ArrayList<>();
        for (int t : tokens) {
            chars.add("'" + (char) t + "'");
        }
        Heatmap.write(png, "layer " + layer + "'s router: the gate weights of each token's top " + k + " of " + e
                        + " routed experts (blank: not chosen)", Heatmap.Axis.named("token of " + text, chars),
                Heatmap.Axis.numbered("routed expert", e), heat, "gate weight");
        out.println("   chart: " + png + "\n");
    }

    // 3. Multi-Token Prediction: the module drafts, the main model verifies
    public static Speculation speculation(Transformer model, int problems, PrintStream out) {
        if (model.mtp.isEmpty()) {
            out.println("3. Multi-Token Prediction: this model has no MTP module\n");
            return null;
        }
        var task = new dev.tinyseek.tasks.Addition(2, true, true);
        List<Problem> ps = task.heldOut(problems, 777);
        int maxNew = 8;
        // warm up both paths once, then time them over the same prompts
        for (Problem p : ps.subList(0, Math.min(20, ps.size()))) {
            Generator.greedy(model, TaskData.encode(p.prompt()), maxNew, TaskData.END);
            SpeculativeDecoder.greedy(model, TaskData.encode(p.prompt()), maxNew, TaskData.END);
        }
        long t0 = System.nanoTime();
        int[][] plain = new int[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            plain[i] = Generator.greedy(model, TaskData.encode(ps.get(i).prompt()), maxNew, TaskData.END);
        }
        long t1 = System.nanoTime();
        int drafted = 0, accepted = 0, same = 0, generated = 0;
        for (int i = 0; i < ps.size(); i++) {
            SpeculativeDecoder.Result res = SpeculativeDecoder.greedy(model, TaskData.encode(ps.get(i).prompt()), maxNew, TaskData.END);
            drafted += res.drafted();
            accepted += res.accepted();
            same += Arrays.equals(res.tokens(), plain[i]) ? 1 : 0;
            generated += res.tokens().length;
        }
        long t2 = System.nanoTime();
        double plainRate = generated / ((t1 - t0) / 1e9), specRate = generated / ((t2 - t1) / 1e9);
        out.printf(Locale.ROOT, "3. Multi-Token Prediction: greedy answers to %d held-out sums, with and without the MTP module's drafts%n", ps.size());
        out.printf(Locale.ROOT, "   drafts accepted: %d of %d (%.1f%%); identical output: %d of %d%n", accepted, drafted,
                100.0 * accepted / Math.max(1, drafted), same, ps.size());
        out.printf(Locale.ROOT, "   tokens/s: plain %.0f, speculative %.0f (%.2fx; answers here are only %d tokens, so the prompt dominates)%n%n",
                plainRate, specRate, specRate / plainRate, generated / ps.size());
        return new Speculation(ps.size(), drafted, accepted, same, plainRate, specRate);
    }

    // 4. FP8: what rounding this model's own weights to E4M3 costs, per tensor vs fine-grained
    public static void fp8(Transformer model, int problems, PrintStream out) throws Exception {
        int tile = 32;
        String[] names = {"one scale per tensor", tile + "x" + tile + " blocks", "1x" + tile + " tiles"};
        out.println("4. FP8 (E4M3): relative error ||X - Q(X)|| / ||X|| of rounding to 8 bits with a scale per ...");
        out.printf("   %-34s %-22s %-14s %-12s%n", "", names[0], names[1], names[2]);
        // the weight matrices the V3 recipe quantises (not the embedding, output head or router)
        double[] err = new double[3];
        double norm = 0;
        for (Param p : model.params()) {
            if (p.shape.length != 2 || p.name.contains("embed") || p.name.contains("lm_head") || p.name.contains("gate.weight")) {
                continue;
            }
            norm += quantisationError(p.data, p.shape[0], p.shape[1], tile, err);
        }
        row(out, "weight matrices (all together)", err, norm);
        // the activations entering each layer, for a batch of problems (rows: tokens)
        var task = new dev.tinyseek.tasks.Addition(2, true, true);
        StringBuilder text = new StringBuilder();
        for (Problem p : task.heldOut(16, 99)) {
            text.append(p.prompt()).append(p.answer()).append('\n');
        }
        int[] tokens = TaskData.encode(text.toString());
        Transformer.Saved s = model.forward(tokens, 1, tokens.length);
        int c = model.config.hiddenSize();
        for (int l = 0; l < s.blocks().size(); l++) {
            double[] e = new double[3];
            double nx = quantisationError(s.blocks().get(l).out(), tokens.length, c, tile, e);
            row(out, "hidden states after layer " + l, e, nx);
        }
        out.println("   (DeepSeek-V3 uses 128x128 weight blocks and 1x128 activation tiles; this model is at most 128 wide,\n"
                + "   so 32 stands in for 128. Fine-grained scales help where a few large values would set one shared scale.)");
        Path fp8Dir = Path.of(FP8_MODEL);
        if (Files.isDirectory(fp8Dir)) { // the same model trained through simulated FP8 GEMMs
            List<Problem> ps = task.heldOut(problems, 12345);
            double fp32Acc = dev.tinyseek.train.Evaluation.exactMatch(model, task, ps, 5);
            double fp8Acc = dev.tinyseek.train.Evaluation.exactMatch(Checkpoint.load(fp8Dir), task, ps, 5);
            out.printf(Locale.ROOT, "   trained in FP8 (DeepSeek-V3's recipe, %s): %.1f%% of %d held-out sums right; trained in fp32: %.1f%%%n",
                    FP8_MODEL, 100 * fp8Acc, ps.size(), 100 * fp32Acc);
        }
        out.println();
    }

    // 5. GRPO: a weak model gets better with nothing but a rule that checks its answers
    public static GrpoRecipe.Result grpo(Path weak, int steps, Path plots, PrintStream out) throws Exception {
        out.printf("5. GRPO: %d steps of reinforcement learning from %s (a weak adder), rewarded only by a checker%n", steps, weak);
        out.println("   (each step: 16 sums, 8 sampled answers each, advantage = (reward - group mean) / group std)");
        int evalEvery = Math.max(1, steps / 3);
        GrpoRecipe.Result r = GrpoRecipe.run(GrpoRecipe.Settings.defaults().withFrom(weak).withSteps(steps)
                .withEval(evalEvery, 200).withOutputs(null, plots, null), out);
        out.println("   the full run: ./tinyseek grpo (1000 steps; tiny-models/addition-grpo is its result)\n");
        return r;
    }

    private static void row(PrintStream out, String what, double[] err, double norm) {
        out.printf(Locale.ROOT, "   %-34s %-22s %-14s %-12s%n", what, pct(err[0], norm), pct(err[1], norm), pct(err[2], norm));
    }

    private static String pct(double err, double norm) {
        return String.format(Locale.ROOT, "%.3f%%", 100 * Math.sqrt(err / norm));
    }

    /// Adds the squared error of three scalings of `x [rows, cols]` into `err`; returns `||x||²`.
    private static double quantisationError(float[] x, int rows, int cols, int tile, double[] err) {
        List<BlockScaling> ways = List.of(BlockScaling.tiles(rows, cols), BlockScaling.tiles(tile, tile), BlockScaling.tiles(1, tile));
        for (int w = 0; w < 3; w++) {
            BlockQuantized q = ways.get(w).quantize(x, rows, cols);
            float[] d = q.dequantize();
            for (int i = 0; i < d.length; i++) {
                double diff = (double) d[i] - x[i];
                err[w] += diff * diff;
            }
        }
        double norm = 0;
        for (float v : x) {
            norm += (double) v * v;
        }
        return norm;
    }
}
