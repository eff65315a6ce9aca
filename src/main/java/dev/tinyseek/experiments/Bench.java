package dev.tinyseek.experiments;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.backend.NaiveGemm;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.io.Json;
import dev.tinyseek.model.Architectures;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// `tinyseek bench`: the speed figures of `docs/design.md#speed-targets`, measured in one process so that every
/// ratio compares runs on the same machine at the same moment.
///
/// - GEMM GFLOP/s of the current backend at 512³, with the naive loops as the baseline ratio;
/// - GEMM GFLOP/s at the model's own shapes (a training step's linear layers);
/// - training tokens/s (batch × sequence of `docs/design.md#speed-targets`) and decoding tokens/s (batch 1, cached);
/// - model-FLOPs utilisation: the model's FLOPs per second over the measured 512³ GEMM rate.
public final class Bench {

    private Bench() {
    }

    /// What to measure: the model (`preset` tiny | small, `arch` deepseek | mla | dense), the
    /// training batch × sequence, the target seconds per measurement, and whether to add the
    /// MLA cache and long-context decoding figures.
    public record Settings(String preset, String arch, int batch, int seqLen, double seconds, boolean longContext) {

        /// `small`, deepseek, batch 8 × 128, 3 s per measurement, with the long-context figures.
        public static Settings defaults() {
            return new Settings("small", "deepseek", 8, 128, 3, true);
        }

        public Settings withPreset(String preset) {
            return new Settings(preset, arch, batch, preset.equals("tiny") ? 64 : 128, seconds, longContext);
        }

        public Settings withSeconds(double seconds) {
            return new Settings(preset, arch, batch, seqLen, seconds, longContext);
        }

        public Settings withLongContext(boolean longContext) {
            return new Settings(preset, arch, batch, seqLen, seconds, longContext);
        }
    }

    /// The figures, under the keys of `tinyseek bench --json` (`gemm_512_gflops`,
    /// `train_tokens_per_s`, `decode_tokens_per_s`, ...).
    public record Result(Map<String, Object> figures) {
        @Override
        public String toString() {
            return Json.write(figures, false);
        }
    }

    /// Measures everything in [Settings] with the current backend and thread count, printing a
    /// line per figure to `log` as it goes (pass a null stream for none).
    public static Result run(Settings s, PrintStream log) {
        if (log == null) {
            log = new PrintStream(java.io.OutputStream.nullOutputStream());
        }
        String preset = s.preset(), arch = s.arch();
        ModelConfig cfg = Architectures.config(preset, arch);
        int batch = s.batch(), seqLen = s.seqLen();
        double seconds = s.seconds();

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("backend", Backends.gemm().name());
        r.put("threads", Parallel.threads());
        r.put("preset", preset);
        r.put("arch", arch);

        log.println("backend: " + Backends.describe(Backends.gemm()));
        // 1. GEMM at 512³ against the naive loops
        double naive = gflops(new NaiveGemm(), 512, 512, 512, Math.min(seconds, 2));
        double fast = gflops(Backends.gemm(), 512, 512, 512, seconds);
        r.put("gemm_512_gflops", round(fast));
        r.put("gemm_512_naive_gflops", round(naive));
        r.put("gemm_512_speedup_vs_naive", round(fast / naive));
        log.printf("GEMM 512^3: %s %.1f GFLOP/s, naive %.1f GFLOP/s (%.1fx)%n", Backends.gemm().name(), fast, naive, fast / naive);

        // 2. GEMM at the model's shapes: y[N, out] = x[N, in] Wᵀ for each distinct linear layer
        Transformer model = new Transformer(cfg, 1);
        int n = batch * seqLen;
        Map<String, Object> shapes = new LinkedHashMap<>();
        for (Param p : model.params()) {
            if (p.shape.length != 2 || p.name.contains("embed_tokens")) {
                continue;
            }
            String key = n + "x" + p.shape[1] + "x" + p.shape[0];
            if (!shapes.containsKey(key)) {
                double g = gflops(Backends.gemm(), n, p.shape[0], p.shape[1], Math.max(0.2, seconds / 8));
                shapes.put(key, round(g));
                log.printf("GEMM at model shape N=%d in=%d out=%d (%s): %.1f GFLOP/s%n", n, p.shape[1], p.shape[0],
                        p.name.replaceAll("model\\.layers\\.\\d+\\.", ""), g);
            }
        }
        r.put("gemm_model_shapes_gflops", shapes);

        // 3. training throughput
        double trainFlopsPerToken = 3 * forwardFlopsPerToken(model, seqLen);
        double trainTps = trainTokensPerSecond(model, batch, seqLen, seconds);
        r.put("train_batch", batch);
        r.put("train_seq_len", seqLen);
        r.put("train_tokens_per_s", round(trainTps));
        r.put("train_gflops", round(trainTps * trainFlopsPerToken / 1e9));
        r.put("train_mfu_vs_gemm_512", round(trainTps * trainFlopsPerToken / 1e9 / fast));
        log.printf("training (%s, batch %d x %d): %.0f tokens/s = %.1f GFLOP/s, %.0f%% of the 512^3 GEMM rate%n",
                preset, batch, seqLen, trainTps, trainTps * trainFlopsPerToken / 1e9, 100 * trainTps * trainFlopsPerToken / 1e9 / fast);

        // 4. decoding throughput, batch 1 with the cache
        int prompt = 16, gen = Math.min(cfg.maxPositionEmbeddings(), seqLen) - prompt;
        // against the ordinary GEMM path (W as stored, dot products), interleaved: same results
        double decTps = 0, plainTps = 0;
        for (int round = 0; round < 3; round++) {
            plainTps = Math.max(plainTps, decodeTokensPerSecond(model, prompt, gen, seconds / 3, DecodingWeights::asStored));
            decTps = Math.max(decTps, decodeTokensPerSecond(model, prompt, gen, seconds / 3, DecodingWeights::new));
        }
        r.put("decode_tokens_per_s", round(decTps));
        r.put("decode_tokens_per_s_untransposed", round(plainTps));
        r.put("decode_prompt", prompt);
        r.put("decode_new_tokens", gen);
        log.printf("decoding (batch 1, %d-token prompt, %d new tokens): %.0f tokens/s (%.2fx the %.0f of W as stored: dot products)%n",
                prompt, gen, decTps, decTps / plainTps, plainTps);
        // 5. MoE: layer time at fixed k as the number of routed experts grows
        r.put("moe_layer_ms_by_experts", moeScaling(preset, seconds, log));

        // 6. MLA: cache per token and decoding at long context, naive vs absorbed form
        if (s.longContext()) {
            r.put("mla", mlaFigures(preset, log));
        }
        return new Result(r);
    }

    /// Forward + backward time of one MoE layer (the preset's widths, N = 1024 tokens, K fixed)
    /// with 8, 16, 32 and 64 routed experts: each token still runs K experts, so the time should
    /// stay nearly flat (the router's cost grows with E, but it is one small matmul).
    public static Map<String, Object> moeScaling(String preset, double seconds, PrintStream log) {
        ModelConfig c = ModelConfig.preset(preset);
        int n = 1024;
        Map<String, Object> r = new LinkedHashMap<>();
        float[] x = new float[n * c.hiddenSize()], dy = new float[n * c.hiddenSize()];
        new Rng(4).fillNormal(x, 1);
        new Rng(5).fillNormal(dy, 1);
        int[] counts = {8, 16, 32, 64};
        dev.tinyseek.moe.MoeLayer[] layers = new dev.tinyseek.moe.MoeLayer[counts.length];
        double[] best = new double[counts.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int i = 0; i < counts.length; i++) {
            layers[i] = new dev.tinyseek.moe.MoeLayer("bench", c.hiddenSize(), counts[i], c.nSharedExperts(),
                    c.moeIntermediateSize(), c.numExpertsPerTok(), 1, 1, "sigmoid", true, c.routedScalingFactor(), true,
                    new Rng(counts[i]), 0.02);
        }
        for (int round = 0; round < 3; round++) { // interleaved rounds: JIT warm-up and GC hit no size alone
            for (int i = 0; i < counts.length; i++) {
                dev.tinyseek.moe.MoeLayer m = layers[i];
                best[i] = Math.min(best[i], bestTime(() -> m.backward(m.forward(x, 1, n), dy), Math.max(0.5, seconds / 6)));
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < counts.length; i++) {
            r.put(String.valueOf(counts[i]), round(1000 * best[i]));
            line.append(line.isEmpty() ? "" : ", ").append(String.format("%d experts %.1f ms", counts[i], 1000 * best[i]));
        }
        log.printf("MoE layer forward+backward (best of repeated runs), %d tokens, top-%d (+%d shared): %s%n", n, c.numExpertsPerTok(),
                c.nSharedExperts(), line);
        return r;
    }

    /// KV-cache numbers per token per layer for standard attention, naive MLA and absorbed MLA at
    /// the preset's width, and decoding tokens/s (from the median step) after 256, 1024 and 4096 cached tokens in both
    /// MLA forms (the model: the preset with MLA and a dense MLP, context 4096 + 64).
    public static Map<String, Object> mlaFigures(String preset, PrintStream log) {
        ModelConfig c = Architectures.config(preset, "mla").withMaxPositionEmbeddings(4096 + 128);
        Transformer m = new Transformer(c, 1);
        Map<String, Object> r = new LinkedHashMap<>();
        int mha = c.numAttentionHeads() * (c.qkHeadDim() + c.vHeadDim());
        int absorbed = c.kvLoraRank() + c.qkRopeHeadDim();
        r.put("kv_floats_per_token_per_layer_mha", mha);
        r.put("kv_floats_per_token_per_layer_mla_naive", mha);
        r.put("kv_floats_per_token_per_layer_mla_absorbed", absorbed);
        r.put("kv_cache_reduction_vs_mha", round(1 - (double) absorbed / mha));
        log.printf("KV cache per token per layer (%s widths): MHA %d numbers, naive MLA %d, absorbed MLA %d (%.1f%% less than MHA)%n",
                preset, mha, mha, absorbed, 100 * (1 - (double) absorbed / mha));
        Rng rng = new Rng(9);
        int steps = 24, warm = 8, rounds = 3;
        int[] contexts = {256, 1024, 4096};
        var forms = dev.tinyseek.attention.MultiHeadLatentAttention.Form.values();
        // 1. one prefilled state per (form, context), in chunks of 256 tokens
        Transformer.DecodeState[][] states = new Transformer.DecodeState[forms.length][contexts.length];
        for (int f = 0; f < forms.length; f++) {
            m.decodeWith(forms[f]);
            for (int ci = 0; ci < contexts.length; ci++) {
                int ctx = contexts[ci];
                states[f][ci] = m.newDecodeState(ctx + rounds * (steps + warm) + 1);
                for (int done = 0; done < ctx; done += 256) {
                    int[] chunk = new int[Math.min(256, ctx - done)];
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = rng.nextInt(c.vocabSize());
                    }
                    m.decode(states[f][ci], chunk);
                }
            }
        }
        // 2. interleaved rounds; in each, the median step after a warm-up; the best round counts
        //    (the JIT and the garbage collector disturb single measurements on a small machine)
        double[][] best = new double[forms.length][contexts.length];
        for (int round = 0; round < rounds; round++) {
            for (int f = 0; f < forms.length; f++) {
                for (int ci = 0; ci < contexts.length; ci++) {
                    double[] times = new double[steps];
                    for (int i = 0; i < warm + steps; i++) {
                        long t0 = System.nanoTime();
                        m.decode(states[f][ci], new int[] {rng.nextInt(c.vocabSize())});
                        if (i >= warm) {
                            times[i - warm] = (System.nanoTime() - t0) / 1e9;
                        }
                    }
                    java.util.Arrays.sort(times);
                    best[f][ci] = Math.max(best[f][ci], 1 / times[steps / 2]);
                }
            }
        }
        for (int f = 0; f < forms.length; f++) {
            Map<String, Object> byCtx = new LinkedHashMap<>();
            for (int ci = 0; ci < contexts.length; ci++) {
                byCtx.put(String.valueOf(contexts[ci]), round(best[f][ci]));
            }
            String key = forms[f].name().toLowerCase(java.util.Locale.ROOT);
            r.put("decode_tokens_per_s_" + key, byCtx);
            log.printf("decoding with %s MLA after 256 / 1024 / 4096 cached tokens: %s / %s / %s tokens/s%n", key,
                    byCtx.get("256"), byCtx.get("1024"), byCtx.get("4096"));
        }
        m.decodeWith(dev.tinyseek.attention.MultiHeadLatentAttention.Form.ABSORBED);
        @SuppressWarnings("unchecked")
        Map<String, Object> naive = (Map<String, Object>) r.get("decode_tokens_per_s_naive");
        @SuppressWarnings("unchecked")
        Map<String, Object> abs = (Map<String, Object>) r.get("decode_tokens_per_s_absorbed");
        Map<String, Object> speedup = new LinkedHashMap<>();
        for (String k : naive.keySet()) {
            speedup.put(k, round((double) abs.get(k) / (double) naive.get(k)));
        }
        r.put("absorbed_speedup", speedup);
        log.printf("absorbed over naive: %sx / %sx / %sx%n", speedup.get("256"), speedup.get("1024"), speedup.get("4096"));
        return r;
    }

    /// Forward FLOPs per token: 2 per weight of every matrix product a token uses (not the
    /// embedding lookup, not the routed experts it is not sent to), plus attention's `Q Kᵀ` and `P V` over the full `T × T` score matrix.
    public static double forwardFlopsPerToken(Transformer model, int seqLen) {
        double f = 0;
        for (Param p : model.params()) {
            if (p.shape.length == 2 && !p.name.contains("embed_tokens")) {
                f += 2.0 * p.size();
            }
        }
        // a token runs K of the E routed experts: the others' weights do no work for it
        for (dev.tinyseek.moe.MoeLayer m : model.moeLayers()) {
            double perExpert = 0;
            for (Param p : m.experts.get(0).params()) {
                perExpert += p.size();
            }
            f -= 2.0 * perExpert * (m.gate.experts - m.gate.topK);
        }
        ModelConfig c = model.config;
        f += 2.0 * c.numHiddenLayers() * c.numAttentionHeads() * (c.qkHeadDim() + c.vHeadDim()) * seqLen;
        return f;
    }

    public static double gflops(Gemm g, int m, int n, int k, double seconds) {
        Rng rng = new Rng(7);
        float[] a = new float[m * k], b = new float[n * k], c = new float[m * n];
        rng.fillNormal(a, 1);
        rng.fillNormal(b, 1);
        g.gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false); // warm-up
        long deadline = System.nanoTime() + (long) (seconds * 0.3e9);
        while (System.nanoTime() < deadline) {
            g.gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false);
        }
        int reps = 0;
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 0.7e9);
        do {
            g.gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false);
            reps++;
        } while (System.nanoTime() < end);
        double s = (System.nanoTime() - t0) / 1e9;
        return 2.0 * m * n * k * reps / s / 1e9;
    }

    public static double trainTokensPerSecond(Transformer model, int batch, int seqLen, double seconds) {
        return rate(BackendBench.trainingStep(model, batch, seqLen), batch * seqLen, seconds);
    }

    /// Batch-1 greedy decoding, each sequence in a new state with `weights.get()`'s layouts.
    public static double decodeTokensPerSecond(Transformer model, int prompt, int gen, double seconds,
                                        java.util.function.Supplier<DecodingWeights> weights) {
        Rng rng = new Rng(5);
        int v = model.config.vocabSize();
        int[] p = new int[prompt];
        for (int i = 0; i < prompt; i++) {
            p[i] = rng.nextInt(v);
        }
        Runnable one = () -> {
            Transformer.DecodeState st = model.newDecodeState(prompt + gen, weights.get());
            float[] logits = model.decode(st, p);
            int last = prompt - 1;
            for (int i = 0; i < gen; i++) {
                int next = dev.tinyseek.generate.Sampler.argmax(logits, last * v, v);
                logits = model.decode(st, new int[] {next});
                last = 0;
            }
        };
        return rate(one, gen, seconds);
    }

    /// The fastest of repeated runs of `body` (seconds), after a warm-up of a third of the time:
    /// the least disturbed by garbage collection and the other core's work.
    public static double bestTime(Runnable body, double seconds) {
        long warm = System.nanoTime() + (long) (seconds * 0.3e9);
        do {
            body.run();
        } while (System.nanoTime() < warm);
        double best = Double.MAX_VALUE;
        long end = System.nanoTime() + (long) (seconds * 0.7e9);
        int runs = 0;
        do {
            long t0 = System.nanoTime();
            body.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            runs++;
        } while (System.nanoTime() < end || runs < 3);
        return best;
    }

    /// Units of work per second of `body`, after a warm-up of about a third of the time.
    public static double rate(Runnable body, long unitsPerCall, double seconds) {
        long warm = System.nanoTime() + (long) (seconds * 0.3e9);
        do {
            body.run();
        } while (System.nanoTime() < warm);
        List<Double> times = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 0.7e9);
        do {
            long t0 = System.nanoTime();
            body.run();
            times.add((System.nanoTime() - t0) / 1e9);
        } while (System.nanoTime() < end);
        double total = 0;
        for (double t : times) {
            total += t;
        }
        return unitsPerCall * times.size() / total;
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
