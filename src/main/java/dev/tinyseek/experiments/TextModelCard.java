package dev.tinyseek.experiments;

import dev.tinyseek.chart.Plot;
import dev.tinyseek.io.SafetensorsFile;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.PromptContinuation;
import dev.tinyseek.io.Json;
import dev.tinyseek.io.JsonObject;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tokenizer.Tokenizer;
import dev.tinyseek.train.TextCorpus;
import dev.tinyseek.train.TextEvaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/// The card of a shipped text model (`text-card.json`, rendered to `README.md`): how it was
/// made, its bits per byte on the whole held-out split of Tiny Shakespeare, and greedy
/// continuations of three prompts. [#check] recomputes every figure from the weights.
public record TextModelCard(String name, String description, List<String> commands, double seconds, String machine,
                     int seqLen, double heldOutLoss, double bitsPerByte, double accuracy, long tokens, long bytes,
                     int maxNew, List<Golden> golden) {

    public static final String JSON = "text-card.json";
    public static final String README = "README.md";
    public static final List<String> PROMPTS = List.of("ROMEO:\n", "KING RICHARD III:\nNow is the", "First Citizen:\nWe are");
    public static final int MAX_NEW = 24;
    public static final int SEQ_LEN = 64;

    /// A prompt and the tokens greedy decoding adds to it (no stop token), decoded.
    public record Golden(String prompt, String continuation) {
    }

    /// The greedy continuation of `prompt`: `maxNew` tokens, decoded.
    public static String continuation(Transformer model, Tokenizer tok, String prompt, int maxNew) {
        return tok.decode(Generator.greedy(model, tok.encode(prompt), maxNew, -1));
    }

    /// Measures the model in `dir` and returns its card.
    public static TextModelCard measure(Path dir, String description, List<String> commands, double seconds, String machine)
            throws IOException {
        Transformer model = Checkpoint.load(dir);
        Tokenizer tok = PromptContinuation.tokenizer(dir, model);
        TextEvaluation.Result r = heldOut(model, tok);
        List<Golden> golden = new ArrayList<>();
        for (String p : PROMPTS) {
            golden.add(new Golden(p, continuation(model, tok, p, MAX_NEW)));
        }
        return new TextModelCard(dir.getFileName().toString(), description, commands, seconds, machine, SEQ_LEN, r.loss(),
                r.bitsPerByte(), r.accuracy(), r.tokens(), r.bytes(), MAX_NEW, golden);
    }

    public static TextEvaluation.Result heldOut(Transformer model, Tokenizer tok) {
        return TextEvaluation.evaluate(model, tok, tok.encode(TextCorpus.shakespeare().heldOut()), SEQ_LEN);
    }

    public void write(Path dir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("description", description);
        m.put("commands", commands);
        m.put("wall_seconds", seconds);
        m.put("machine", machine);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("corpus", "tinyshakespeare, held-out split");
        h.put("seq_len", seqLen);
        h.put("loss", heldOutLoss);
        h.put("bits_per_byte", bitsPerByte);
        h.put("next_token_accuracy", accuracy);
        h.put("tokens", tokens);
        h.put("bytes", bytes);
        m.put("heldout", h);
        m.put("max_new_tokens", maxNew);
        List<Object> g = new ArrayList<>();
        for (Golden x : golden) {
            g.add(Map.of("prompt", x.prompt, "greedy_continuation", x.continuation));
        }
        m.put("golden", g);
        Checkpoint.writeAtomically(dir.resolve(JSON), Json.write(m, true) + "\n");
        Checkpoint.writeAtomically(dir.resolve(README), render());
    }

    public static TextModelCard read(Path dir) throws IOException {
        JsonObject o = JsonObject.parse(Files.readString(dir.resolve(JSON)), JSON);
        JsonObject h = o.getObject("heldout");
        List<Golden> golden = new ArrayList<>();
        for (Object x : o.getList("golden")) {
            JsonObject g = JsonObject.of(x, JSON + " golden");
            golden.add(new Golden(g.getString("prompt"), g.getString("greedy_continuation")));
        }
        return new TextModelCard(o.getString("name"), o.getString("description"),
                o.getList("commands").stream().map(String::valueOf).toList(), o.getDouble("wall_seconds"), o.getString("machine"),
                h.getInt("seq_len"), h.getDouble("loss"), h.getDouble("bits_per_byte"), h.getDouble("next_token_accuracy"),
                h.getLong("tokens"), h.getLong("bytes"), o.getInt("max_new_tokens"), golden);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(name).append("\n\n").append(description).append("\n\n");
        sb.append("## How it was made\n\n```sh\n");
        for (String c : commands) {
            sb.append(c).append('\n');
        }
        sb.append("```\n\n");
        sb.append(String.format(Locale.ROOT, "Wall time of the training: %.0f s on %s (same seed, same weights to the bit; "
                + "the time depends on the machine).%n%n", seconds, machine));
        sb.append("## Held-out results\n\n");
        sb.append(String.format(Locale.ROOT, "On the whole held-out split of Tiny Shakespeare (the last tenth, never trained on; "
                        + "%,d tokens, %,d bytes, windows of %d tokens): **%.4f bits per byte**, loss %.4f nats per token, "
                        + "next-token accuracy %.2f%%.%n%n", tokens, bytes, seqLen, bitsPerByte, heldOutLoss, 100 * accuracy));
        sb.append(String.format(Locale.ROOT, "Greedy continuations (%d tokens, no stop; `\\n` is a newline):%n%n", maxNew));
        for (Golden g : golden) {
            sb.append("- ").append(Json.quote(g.prompt)).append(" → ").append(Json.quote(g.continuation)).append('\n');
        }
        sb.append("\n![held-out loss](heldout.png)\n\n");
        sb.append("`TextModelTest` recomputes the continuations (and, in the slow suite, the bits per byte) from the weights.\n");
        return sb.toString();
    }

    /// What the card states that the weights do not give (empty: all true). With `heldOut`, the
    /// held-out figures are recomputed too (a forward pass over the whole split).
    public static List<String> check(Path dir, boolean heldOut) throws IOException {
        List<String> wrong = new ArrayList<>();
        TextModelCard card = read(dir);
        if (!Files.readString(dir.resolve(README)).equals(card.render())) {
            wrong.add(dir.resolve(README) + " is not the rendering of " + JSON);
        }
        Transformer model = Checkpoint.load(dir);
        Tokenizer tok = PromptContinuation.tokenizer(dir, model);
        for (Golden g : card.golden) {
            String got = continuation(model, tok, g.prompt, card.maxNew);
            if (!got.equals(g.continuation)) {
                wrong.add("greedy continuation of " + Json.quote(g.prompt) + ": the card says " + Json.quote(g.continuation)
                        + ", the weights give " + Json.quote(got));
            }
        }
        if (heldOut) {
            TextEvaluation.Result r = heldOut(model, tok);
            if (Math.abs(r.bitsPerByte() - card.bitsPerByte) > 1e-9 || r.tokens() != card.tokens || r.bytes() != card.bytes) {
                wrong.add(String.format(Locale.ROOT, "held-out: the card says %.6f bits per byte over %d tokens, the weights give %.6f over %d",
                        card.bitsPerByte, card.tokens, r.bitsPerByte(), r.tokens()));
            }
        }
        return wrong;
    }

    /// Measures and writes the card of the text model in `model` (trained by `text-experiments run`), and its
    /// held-out curve as `heldout.png`.
    public static TextModelCard make(Path model) throws IOException {
        Map<String, String> meta;
        try (var f = SafetensorsFile.open(model.resolve(Checkpoint.WEIGHTS))) {
            meta = f.metadata();
        }
        String variant = meta.get("variant"), seed = meta.get("seed"), steps = meta.get("steps");
        String description = "A small language model in the DeepSeek-V3 shape trained on Tiny Shakespeare: the `tiny` preset "
                + "(hidden size 64, 2 layers: a dense first layer, then a MoE layer with 8 routed experts, top 2, sigmoid gate, "
                + "auxiliary-loss-free bias, and 1 shared expert; Multi-head Latent Attention) with a 512-token byte-level BPE "
                + "vocabulary learned from the training split"
                + ("mtp".equals(variant) ? ", plus one Multi-Token Prediction module trained with weight 0.3" : "")
                + ". Trained in " + ("fp8".equals(variant) ? "simulated FP8" : "fp32") + " with AdamW, " + steps
                + " steps of 16 windows of 64 tokens (peak learning rate 3e-3). Try it with "
                + "`./tinyseek generate tiny-models/" + model.getFileName() + " --max-new 48 --prompt 'ROMEO:'`"
                + ("mtp".equals(variant) ? " (add `--speculative` to draft with the MTP module)." : ".");
        String every = Files.isRegularFile(model.resolve(TextRuns.CURVE)) // the run's evaluation interval: its first evaluation
                ? String.valueOf(TextReport.readRun(model, variant, Long.parseLong(seed)).steps()[0]) : "25";
        String from = "runs/text-model/" + variant + "-seed" + seed;
        List<String> commands = List.of("tinyseek text-experiments run --variant " + variant + " --seed " + seed + " --steps "
                        + steps + " --eval-every " + every + " --out runs/text-model",
                "mkdir -p " + model + " && cp " + from + "/{config.json,model.safetensors,tokenizer.json," + TextRuns.CURVE + "} " + model,
                "tinyseek text-experiments card --model " + model);
        TextModelCard card = measure(model, description, commands, Double.parseDouble(meta.get("train_seconds")),
                "2-core amd64 Linux shared with other jobs, JDK 25");
        card.write(model);
        if (Files.isRegularFile(model.resolve(TextRuns.CURVE))) {
            TextReport.Run run = TextReport.readRun(model, variant, Long.parseLong(seed));
            double[] x = java.util.Arrays.stream(run.steps()).asDoubleStream().toArray();
            Plot.lines(model.resolve("heldout.png"), "held-out loss, Tiny Shakespeare, " + variant + " seed " + seed, "step",
                    "held-out loss (nats/token)", List.of(new Plot.Series("first 64 held-out windows", x, run.heldOut())));
        }
        return card;
    }
}
