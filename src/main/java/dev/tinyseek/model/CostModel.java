package dev.tinyseek.model;

import dev.tinyseek.model.CostTensors.Group;
import dev.tinyseek.model.CostTensors.Part;
import dev.tinyseek.model.CostTensors.Storage;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/// Why DeepSeek-V3 was cheap, in numbers: what any DeepSeek-style config costs in parameters,
/// FLOPs, KV-cache memory, weight memory and GPU-hours, from pure formulas over its shape (no
/// weights are made). The tensor inventory is [CostTensors]; accelerator time and money are
/// [CostAccelerator].
///
/// **Parameters** (main model; MTP listed apart). *Total* is every trained weight, as
/// [Transformer#parameterCount()] counts it; the router's `e_score_correction_bias` is a buffer
/// and counted apart ([#bufferNumbers()]). *Activated per token* is what one token reads: every
/// weight except the routed experts it is not sent to (`K` of `E` run), and of the embedding
/// table one row (`C` numbers), since a lookup reads nothing else. [#activatedParametersWholeEmbedding()]
/// counts the whole table instead, as [Transformer#activatedParameterCount()] does. For
/// DeepSeek-V3 these give 36.63B and 37.55B; the report's abstract says 37B, README_WEIGHTS
/// 36.7B (the conventions are not published; `docs/model.md#parameter-counts`).
///
/// **FLOPs per token** (conventions, applied everywhere):
/// - matmuls: 2 FLOPs per activated matmul weight (a multiply and an add): every projection,
///   expert, router and the output head; the embedding lookup, norms, activations and the
///   softmax are not counted;
/// - attention: the scores `q·k` and the weighted sum `p·v` against `L` cached positions,
///   `2·H·(Dqk + Dv)·L` per layer for the naive MLA and for MHA. `L` is the full context, the
///   convention of DeepSeek LLM's `M = 72·n_layer·d² + 12·n_layer·d·l_seq` (arXiv 2401.02954 §3.1)
///   and of PaLM's MFU: it is what the last token of a length-`L` sequence costs; a causal kernel
///   that skips the masked half does about half of it on average while training;
/// - absorbed MLA (decoding) attends against the latent instead: `2·H·(2R + Dr)·L` per layer;
/// - training = 3 × forward (the backward pass costs two forwards: one for activation
///   gradients, one for weight gradients); with MTP, each module adds its block, `eh_proj` and
///   the shared head's matmul (`2·V·C`) to the forward.
///
/// **KV cache** per token and layer, in numbers: absorbed MLA `R + Dr` (the latent and the RoPE
/// key; 576 for V3), naive MLA `H·(Dqk + Dv)` (every head's keys and values; 40,960 for V3), and
/// the standard multi-head attention of the same heads and head dims, `H·Dqk + H·Dv` keys and
/// values, which is the naive MLA's figure. Main-model layers only (the MTP drafter's cache is
/// one more layer).
///
/// **Weight memory**: FP32 at 4 bytes a number; BF16 at 2 (the router bias stays fp32, 4); FP8
/// as the released checkpoint stores it ([CostTensors.Storage]): projections at 1 byte a weight
/// plus a 4-byte scale per 128×128 block, the rest BF16.
///
/// Left out on purpose: activation memory, optimizer state, communication, pipeline bubbles;
/// those decide the MFU that [CostAccelerator] takes as an input.
public final class CostModel {

    /// Weight storage formats of [#weightBytes(Precision)].
    public enum Precision { FP32, BF16, FP8 }

    /// KV-cache layouts of [#kvNumbersPerLayer(KvForm)].
    public enum KvForm { MLA_ABSORBED, MLA_NAIVE, MHA }

    /// Forward FLOPs of one token, split into matmuls and attention.
    public record Flops(double matmul, double attention) {
        public double total() {
            return matmul + attention;
        }
    }

    private final ModelConfig config;
    private final List<Group> main;
    private final List<Group> mtp;

    public CostModel(ModelConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("cost: config must not be null");
        }
        this.config = config;
        this.main = CostTensors.mainModel(config);
        this.mtp = CostTensors.mtpModules(config);
    }

    public ModelConfig config() {
        return config;
    }

    /// The main model's tensor groups (see [CostTensors]).
    public List<Group> tensors() {
        return main;
    }

    /// The MTP modules' unique tensor groups.
    public List<Group> mtpTensors() {
        return mtp;
    }

    // ---- parameters -------------------------------------------------------------------------

    /// Trained parameters of one part (for [Part#MTP]: the modules' unique parameters).
    public long parameters(Part part) {
        long n = 0;
        for (Group g : part == Part.MTP ? mtp : main) {
            n += g.part() == part && !g.buffer() ? g.numbers() : 0;
        }
        return n;
    }

    /// Parameters of one part that a token reads.
    public long activatedParameters(Part part) {
        long n = 0;
        for (Group g : part == Part.MTP ? mtp : main) {
            n += g.part() == part && !g.buffer() ? g.activatedNumbers() : 0;
        }
        return n;
    }

    /// Trained parameters of the main model (no MTP, no buffers) = [Transformer#parameterCount()].
    public long totalParameters() {
        return sum(main, false, false);
    }

    /// Parameters one token reads in the main model (one embedding row).
    public long activatedParameters() {
        return sum(main, true, false);
    }

    /// [#activatedParameters()] with the whole embedding table, = [Transformer#activatedParameterCount()].
    public long activatedParametersWholeEmbedding() {
        return activatedParameters() - activatedParameters(Part.EMBEDDING) + parameters(Part.EMBEDDING);
    }

    /// Numbers in the main model's buffers (the routers' `e_score_correction_bias`): stored, not trained.
    public long bufferNumbers() {
        long n = 0;
        for (Group g : main) {
            n += g.buffer() ? g.numbers() : 0;
        }
        return n;
    }

    /// Unique parameters of the MTP modules (the embedding and head are shared, not counted).
    public long mtpParameters() {
        return sum(mtp, false, false);
    }

    /// Unique MTP parameters a token reads (its `K` routed experts of each module).
    public long mtpActivatedParameters() {
        return sum(mtp, true, false);
    }

    private static long sum(List<Group> groups, boolean activated, boolean matmulOnly) {
        long n = 0;
        for (Group g : groups) {
            if (!g.buffer() && (!matmulOnly || g.matmul())) {
                n += activated ? g.activatedNumbers() : g.numbers();
            }
        }
        return n;
    }

    // ---- FLOPs ------------------------------------------------------------------------------

    /// Forward FLOPs of one token of the main model attending to `context` positions.
    public Flops forwardFlopsPerToken(int context) {
        positiveContext(context);
        return new Flops(2.0 * sum(main, true, true), config.numHiddenLayers() * attentionPerLayer(context));
    }

    /// Forward FLOPs that the MTP modules add to one token: their blocks and `eh_proj`, and the
    /// shared output head's matmul once per module. Zero without MTP.
    public Flops mtpForwardFlopsPerToken(int context) {
        positiveContext(context);
        long d = config.numNextnPredictLayers();
        double head = 2.0 * config.vocabSize() * config.hiddenSize() * d;
        return new Flops(2.0 * sum(mtp, true, true) + head, d * attentionPerLayer(context));
    }

    /// Naive MLA and MHA attention of one token in one layer: scores and weighted sum, `2·H·(Dqk + Dv)·L`.
    private double attentionPerLayer(int context) {
        return 2.0 * config.numAttentionHeads() * (config.qkHeadDim() + config.vHeadDim()) * context;
    }

    /// Attention FLOPs of one decoded token in the absorbed MLA form, all layers: `2·H·(2R + Dr)·L`
    /// per layer (scores against the latent and the RoPE key, then the weighted sum of latents).
    /// More arithmetic than the naive form, for a cache `H·(Dqk+Dv)/(R+Dr)` times smaller.
    public double absorbedAttentionFlopsPerToken(int context) {
        positiveContext(context);
        requireMla("absorbed attention FLOPs");
        return config.numHiddenLayers() * 2.0 * config.numAttentionHeads()
                * (2.0 * config.kvLoraRank() + config.qkRopeHeadDim()) * context;
    }

    /// Training FLOPs of one token: 3 × forward, plus the MTP modules' forward when `withMtp`.
    public double trainingFlopsPerToken(int context, boolean withMtp) {
        double f = forwardFlopsPerToken(context).total();
        if (withMtp) {
            f += mtpForwardFlopsPerToken(context).total();
        }
        return 3 * f;
    }

    /// Training FLOPs of `tokens` tokens at `context` (MTP included when the config has modules).
    public double trainingFlops(double tokens, int context) {
        if (!(tokens >= 0) || Double.isInfinite(tokens)) {
            throw new IllegalArgumentException("cost: tokens = " + tokens + " is not valid; expected a finite number >= 0, "
                    + "such as 14.8e12");
        }
        return tokens * trainingFlopsPerToken(context, config.numNextnPredictLayers() > 0);
    }

    // ---- KV cache ---------------------------------------------------------------------------

    /// Numbers cached per token in one layer, in the given layout.
    public long kvNumbersPerLayer(KvForm form) {
        long h = config.numAttentionHeads();
        return switch (form) {
            case MLA_ABSORBED -> {
                requireMla("an absorbed MLA cache");
                yield (long) config.kvLoraRank() + config.qkRopeHeadDim();
            }
            case MLA_NAIVE -> {
                requireMla("a naive MLA cache");
                yield h * (config.qkHeadDim() + config.vHeadDim());
            }
            case MHA -> h * config.qkHeadDim() + h * config.vHeadDim();
        };
    }

    /// The layout this model decodes with: absorbed MLA (the default of [Transformer#decodeWith]) or MHA.
    public KvForm kvForm() {
        return config.attentionType().equals("mla") ? KvForm.MLA_ABSORBED : KvForm.MHA;
    }

    /// Bytes cached per token over all main-model layers, at `bytesPerNumber` (2 for BF16).
    public long kvCacheBytesPerToken(KvForm form, int bytesPerNumber) {
        if (bytesPerNumber <= 0) {
            throw new IllegalArgumentException("cost: bytes_per_number = " + bytesPerNumber + " is not valid; expected a "
                    + "positive integer (4 fp32, 2 bf16, 1 fp8)");
        }
        return kvNumbersPerLayer(form) * config.numHiddenLayers() * bytesPerNumber;
    }

    // ---- weight memory ----------------------------------------------------------------------

    /// Bytes of the main model's weights and buffers in one storage format.
    public long weightBytes(Precision p) {
        return bytes(main, p);
    }

    /// Bytes of the MTP modules' unique weights and buffers.
    public long mtpWeightBytes(Precision p) {
        return bytes(mtp, p);
    }

    /// The fp32 block scales inside [#weightBytes] for FP8 (main model), as a count of scales.
    public long fp8Scales() {
        long n = 0;
        for (Group g : main) {
            n += g.fp8Scales();
        }
        return n;
    }

    private static long bytes(List<Group> groups, Precision p) {
        long b = 0;
        for (Group g : groups) {
            b += switch (p) {
                case FP32 -> 4 * g.numbers();
                case BF16 -> (g.storage() == Storage.FP32 ? 4 : 2) * g.numbers();
                case FP8 -> switch (g.storage()) {
                    case FP8_BLOCKS -> g.numbers() + 4 * g.fp8Scales();
                    case BF16 -> 2 * g.numbers();
                    case FP32 -> 4 * g.numbers();
                };
            };
        }
        return b;
    }

    // ---- reports ----------------------------------------------------------------------------

    /// Every figure as a JSON-ready map, for a run of `tokens` at `context` on `accelerator`.
    public Map<String, Object> toJson(double tokens, int context, CostAccelerator accelerator) {
        return toJson(tokens, context, accelerator, Double.NaN);
    }

    /// The same, plus the utilisation that a reported figure of `reportedGpuHours` implies.
    public Map<String, Object> toJson(double tokens, int context, CostAccelerator accelerator, double reportedGpuHours) {
        Run run = new Run(tokens, context, accelerator, reportedGpuHours);
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("hidden_size", config.hiddenSize());
        cfg.put("num_hidden_layers", config.numHiddenLayers());
        cfg.put("num_attention_heads", config.numAttentionHeads());
        cfg.put("attention_type", config.attentionType());
        cfg.put("ffn_type", config.ffnType());
        cfg.put("num_nextn_predict_layers", config.numNextnPredictLayers());
        m.put("config", cfg);

        Map<String, Object> total = new LinkedHashMap<>(), act = new LinkedHashMap<>();
        for (Part p : Part.values()) {
            if (p != Part.MTP) {
                total.put(p.key(), parameters(p));
                act.put(p.key(), activatedParameters(p));
            }
        }
        total.put("all", totalParameters());
        act.put("all", activatedParameters());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("total", total);
        params.put("activated_per_token", act);
        params.put("activated_counting_whole_embedding", activatedParametersWholeEmbedding());
        params.put("router_bias_buffers", bufferNumbers());
        params.put("mtp_unique", mtpParameters());
        params.put("mtp_activated_unique", mtpActivatedParameters());
        m.put("parameters", params);

        Flops fwd = forwardFlopsPerToken(context), mtpFwd = mtpForwardFlopsPerToken(context);
        Map<String, Object> fl = new LinkedHashMap<>();
        fl.put("context", context);
        fl.put("attention_convention", "full context: 2*H*(Dqk+Dv)*context per layer (naive MLA / MHA)");
        fl.put("forward_matmul", fwd.matmul());
        fl.put("forward_attention", fwd.attention());
        fl.put("forward", fwd.total());
        if (config.attentionType().equals("mla")) {
            fl.put("attention_absorbed_decode", absorbedAttentionFlopsPerToken(context));
        }
        fl.put("mtp_forward", mtpFwd.total());
        fl.put("training", trainingFlopsPerToken(context, false));
        fl.put("training_with_mtp", trainingFlopsPerToken(context, true));
        m.put("flops_per_token", fl);

        Map<String, Object> kv = new LinkedHashMap<>();
        Map<String, Object> perLayer = new LinkedHashMap<>();
        Map<String, Object> bf16 = new LinkedHashMap<>();
        for (KvForm f : kvForms()) {
            perLayer.put(f.name().toLowerCase(Locale.ROOT), kvNumbersPerLayer(f));
            bf16.put(f.name().toLowerCase(Locale.ROOT), kvCacheBytesPerToken(f, 2));
        }
        kv.put("layers", config.numHiddenLayers());
        kv.put("this_model", kvForm().name().toLowerCase(Locale.ROOT));
        kv.put("numbers_per_layer", perLayer);
        kv.put("bf16_bytes_all_layers", bf16);
        m.put("kv_cache_per_token", kv);

        Map<String, Object> mem = new LinkedHashMap<>();
        for (Precision p : Precision.values()) {
            mem.put(p.name().toLowerCase(Locale.ROOT), weightBytes(p));
        }
        mem.put("fp8_block_scales", fp8Scales());
        for (Precision p : Precision.values()) {
            mem.put("mtp_" + p.name().toLowerCase(Locale.ROOT), mtpWeightBytes(p));
        }
        m.put("weight_bytes", mem);

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tokens", tokens);
        r.put("context", context);
        r.put("with_mtp", run.withMtp);
        r.put("flops", run.flops);
        r.put("peak_tflops", accelerator.peakTflops());
        r.put("mfu", accelerator.mfu());
        r.put("dollars_per_gpu_hour", accelerator.dollarsPerGpuHour());
        r.put("gpu_hours", run.gpuHours);
        r.put("dollars", run.dollars);
        if (!Double.isNaN(reportedGpuHours)) {
            r.put("reported_gpu_hours", reportedGpuHours);
            r.put("implied_mfu", run.impliedMfu);
            r.put("reported_dollars", run.reportedDollars);
        }
        m.put("training_run", r);
        return m;
    }

    /// A readable multi-line report of the same figures.
    public String table(double tokens, int context, CostAccelerator accelerator) {
        return table(tokens, context, accelerator, Double.NaN);
    }

    /// The same, with the utilisation implied by `reportedGpuHours`.
    public String table(double tokens, int context, CostAccelerator accelerator, double reportedGpuHours) {
        Run run = new Run(tokens, context, accelerator, reportedGpuHours);
        ModelConfig c = config;
        StringBuilder sb = new StringBuilder();
        long dense = 0;
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            dense += c.isDenseLayer(i) ? 1 : 0;
        }
        sb.append(String.format(Locale.ROOT, "model: width %d, %d layers (%d dense MLP, %d MoE), %d heads, %s attention",
                c.hiddenSize(), c.numHiddenLayers(), dense, c.numHiddenLayers() - dense, c.numAttentionHeads(),
                c.attentionType().toUpperCase(Locale.ROOT)));
        if (c.ffnType().equals("moe")) {
            sb.append(String.format(Locale.ROOT, ", %d routed experts (%d per token) + %d shared", c.nRoutedExperts(),
                    c.numExpertsPerTok(), c.nSharedExperts()));
        }
        sb.append(String.format(Locale.ROOT, ", MTP depth %d%n%n", c.numNextnPredictLayers()));

        sb.append(String.format(Locale.ROOT, "%-24s %16s %16s%n", "parameters", "total", "per token"));
        for (Part p : Part.values()) {
            if (p != Part.MTP && parameters(p) > 0) {
                sb.append(String.format(Locale.ROOT, "  %-22s %16s %16s%n", p.label, count(parameters(p)),
                        count(activatedParameters(p))));
            }
        }
        sb.append(String.format(Locale.ROOT, "  %-22s %16s %16s%n", "main model", count(totalParameters()),
                count(activatedParameters())));
        if (!mtp.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "  %-22s %16s %16s   unique; embedding and head shared%n",
                    "MTP modules (" + c.numNextnPredictLayers() + ")", count(mtpParameters()), count(mtpActivatedParameters())));
        }
        sb.append(String.format(Locale.ROOT, "  per token counting the whole embedding table: %s; router bias buffers: %,d%n%n",
                count(activatedParametersWholeEmbedding()), bufferNumbers()));

        Flops fwd = forwardFlopsPerToken(context), mtpFwd = mtpForwardFlopsPerToken(context);
        sb.append(String.format(Locale.ROOT, "FLOPs per token at context %,d (attention over the full context)%n", context));
        sb.append(String.format(Locale.ROOT, "  forward              %s matmuls + %s attention = %s%n",
                flops(fwd.matmul()), flops(fwd.attention()), flops(fwd.total())));
        if (c.numNextnPredictLayers() > 0) {
            sb.append(String.format(Locale.ROOT, "  MTP forward          %s (%.1f%% more)%n", flops(mtpFwd.total()),
                    100 * mtpFwd.total() / fwd.total()));
        }
        if (mtp.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "  training (3x fwd)    %s%n", flops(trainingFlopsPerToken(context, false))));
        } else {
            sb.append(String.format(Locale.ROOT, "  training (3x fwd)    %s without MTP, %s with%n",
                    flops(trainingFlopsPerToken(context, false)), flops(trainingFlopsPerToken(context, true))));
        }
        if (c.attentionType().equals("mla")) {
            sb.append(String.format(Locale.ROOT, "  decoding, absorbed   %s attention (naive: %s)%n",
                    flops(absorbedAttentionFlopsPerToken(context)), flops(fwd.attention())));
        }
        sb.append('\n');

        sb.append(String.format(Locale.ROOT, "%-22s %10s %16s%n", "KV cache per token", "per layer", "all layers, BF16"));
        for (KvForm f : kvForms()) {
            String name = switch (f) {
                case MLA_ABSORBED -> "MLA absorbed";
                case MLA_NAIVE -> "MLA naive";
                case MHA -> "MHA, same heads";
            };
            sb.append(String.format(Locale.ROOT, "  %-20s %10s %16s%s%n", name, String.format(Locale.ROOT, "%,d", kvNumbersPerLayer(f)),
                    bytes(kvCacheBytesPerToken(f, 2)), f == kvForm() ? "   <- this model decodes with it" : ""));
        }
        sb.append('\n');

        sb.append(String.format(Locale.ROOT, "%-22s %10s %10s %10s%n", "weights", "FP32", "BF16", "FP8"));
        sb.append(String.format(Locale.ROOT, "  %-20s %10s %10s %10s   (FP8: %s of 128x128 block scales)%n",
                "main model", bytes(weightBytes(Precision.FP32)), bytes(weightBytes(Precision.BF16)), bytes(weightBytes(Precision.FP8)),
                bytes(4 * fp8Scales())));
        if (!mtp.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "  %-20s %10s %10s %10s%n", "MTP modules", bytes(mtpWeightBytes(Precision.FP32)),
                    bytes(mtpWeightBytes(Precision.BF16)), bytes(mtpWeightBytes(Precision.FP8))));
        }
        sb.append('\n');

        sb.append(String.format(Locale.ROOT, "training %s tokens at context %,d%s: %.3g FLOPs%n", count(tokens).strip(), context,
                run.withMtp ? " with MTP" : "", run.flops));
        sb.append(String.format(Locale.ROOT, "  at %.0f TFLOPS x MFU %.2f: %s GPU-hours, $%s at $%.2f per GPU-hour%n",
                accelerator.peakTflops(), accelerator.mfu(), grouped(run.gpuHours), grouped(run.dollars),
                accelerator.dollarsPerGpuHour()));
        if (!Double.isNaN(reportedGpuHours)) {
            sb.append(String.format(Locale.ROOT, "  reported %s GPU-hours ($%s) imply MFU %.3f of %.0f TFLOPS%n",
                    grouped(reportedGpuHours), grouped(run.reportedDollars), run.impliedMfu, accelerator.peakTflops()));
        }
        return sb.toString();
    }

    /// The figures of one training run, computed once for both reports.
    private final class Run {
        final boolean withMtp;
        final double flops, gpuHours, dollars, impliedMfu, reportedDollars;

        Run(double tokens, int context, CostAccelerator acc, double reported) {
            if (acc == null) {
                throw new IllegalArgumentException("cost: accelerator must not be null");
            }
            withMtp = config.numNextnPredictLayers() > 0;
            flops = trainingFlops(tokens, context);
            gpuHours = acc.gpuHours(flops);
            dollars = acc.dollars(gpuHours);
            impliedMfu = Double.isNaN(reported) ? Double.NaN : CostAccelerator.impliedMfu(flops, reported, acc.peakTflops());
            reportedDollars = Double.isNaN(reported) ? Double.NaN : acc.dollars(reported);
        }
    }

    private List<KvForm> kvForms() {
        return config.attentionType().equals("mla") ? List.of(KvForm.MLA_ABSORBED, KvForm.MLA_NAIVE, KvForm.MHA)
                : List.of(KvForm.MHA);
    }

    private void requireMla(String what) {
        if (!config.attentionType().equals("mla")) {
            throw new IllegalArgumentException("cost: " + what + " needs attention_type = mla; this config has "
                    + config.attentionType());
        }
    }

    private static void positiveContext(int context) {
        if (context <= 0) {
            throw new IllegalArgumentException("cost: context = " + context + " is not valid; expected a positive number "
                    + "of tokens, such as 4096");
        }
    }

    /// 671.03B, 36.6M, 7.17K, 512.
    static String count(double n) {
        String[] units = {"", "K", "M", "B", "T"};
        int u = 0;
        while (Math.abs(n) >= 1000 && u < units.length - 1) {
            n /= 1000;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f", n) : String.format(Locale.ROOT, "%.2f%s", n, units[u]);
    }

    /// 93.66 GFLOP.
    private static String flops(double f) {
        String s = count(f);
        char last = s.charAt(s.length() - 1);
        String prefix = switch (last) {
            case 'K' -> "k";
            case 'M' -> "M";
            case 'B' -> "G";
            case 'T' -> "T";
            default -> "";
        };
        return (prefix.isEmpty() ? s : s.substring(0, s.length() - 1)) + " " + prefix + "FLOP";
    }

    /// Decimal units: 1.34 TB, 68.6 KB.
    private static String bytes(long b) {
        String s = count(b);
        char last = s.charAt(s.length() - 1);
        return switch (last) {
            case 'K' -> s.substring(0, s.length() - 1) + " kB";
            case 'M' -> s.substring(0, s.length() - 1) + " MB";
            case 'B' -> s.substring(0, s.length() - 1) + " GB";
            case 'T' -> s.substring(0, s.length() - 1) + " TB";
            default -> s + " B";
        };
    }

    /// 2,788,000 or 0.0075: whole numbers from 100 up, three significant digits below.
    private static String grouped(double x) {
        return Math.abs(x) >= 100 || x == 0 ? String.format(Locale.ROOT, "%,.0f", x) : String.format(Locale.ROOT, "%.3g", x);
    }
}
