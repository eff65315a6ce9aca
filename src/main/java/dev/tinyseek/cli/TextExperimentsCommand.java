package dev.tinyseek.cli;

import dev.tinyseek.chart.Plot;
import dev.tinyseek.experiments.TextModelCard;
import dev.tinyseek.experiments.TextReport;
import dev.tinyseek.experiments.TextRuns;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.nn.Fp8Recipe;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.train.TextRun;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/// `tinyseek text-experiments`: DeepSeek-V3's FP8 and MTP claims measured on the text task.
///
/// - `run --variant fp32|fp8|mtp --seed N`: one training run of the `tiny` shape (vocabulary 512)
///   on Tiny Shakespeare, saved to `OUT/<variant>-seed<N>` with its held-out curve. `fp8` is
///   DeepSeek-V3's FP8 recipe (1x32 / 32x32 scales at this width); `mtp` adds one MTP module with λ = 0.3.
/// - `report`: reads every run in `OUT`, prints the FP8-vs-fp32 relative gap of held-out loss at
///   each evaluation against the fp32 seed-to-seed spread, the MTP ablation (held-out loss and
///   next-token accuracy of the main head), writes `fp8-vs-fp32.png`, and measures speculative
///   decoding with the MTP model of the lowest seed ([TextSpeculation]).
final class TextExperimentsCommand implements Main.Command {

    @Override
    public String summary() {
        return "FP8 vs fp32 and MTP on the text task: 'run' one variant and seed, 'report' all";
    }

    static Args spec() {
        return new Args("text-experiments", "run: one training run on Tiny Shakespeare (tiny shape, vocabulary 512);\n"
                + "report: the FP8 gap, the MTP ablation and speculative decoding over the runs in --out.")
                .positional("MODE", "run | report | card")
                .option("variant", "NAME", "fp32", "run: fp32 | fp8 (DeepSeek-V3's FP8 recipe) | mtp (fp32 with one MTP module, lambda 0.3)")
                .option("seed", "N", "1", "run: seed of weights and batches")
                .option("steps", "N", "400", "run: optimizer steps (batch 16 x 64 tokens, peak lr 3e-3)")
                .option("eval-every", "N", "25", "run: held-out evaluation every N steps")
                .option("eval-windows", "N", "64", "run: held-out windows of 64 tokens per evaluation (the same ones every time)")
                .option("prompts", "N", "20", "report: held-out prompts for speculative decoding")
                .option("rounds", "N", "3", "report: interleaved timing rounds (best of each)")
                .option("model", "DIR", null, "card: the text model to measure and write text-card.json and README.md for")
                .option("threads", "N", "1", "worker threads")
                .option("out", "DIR", "runs/text-experiments", "directory of the runs");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        Parallel.setThreads(a.integer("threads", 1, 1024));
        Path dir = Path.of(a.string("out"));
        String mode = a.positional(0, "MODE");
        switch (mode) {
            case "run" -> {
                String variant = a.choice("variant", "fp32", "fp8", "mtp");
                long seed = a.longValue("seed");
                TextRun.Settings s = settings(variant, a.integer("steps", 1, 1_000_000), seed)
                        .withEval(a.integer("eval-every", 1, 1_000_000), a.integer("eval-windows", 1, 100_000));
                Path runDir = dir.resolve(variant + "-seed" + seed);
                out.printf("%s seed %d: %d steps of %d x %d tokens -> %s%n", variant, seed, s.steps(), s.batch(), s.seqLen(), runDir);
                TextRun.Result r = TextRun.train(s, out);
                TextRuns.save(r, runDir, java.util.Map.of("task", "text", "variant", variant, "seed", String.valueOf(seed),
                        "steps", String.valueOf(s.steps())));
                out.printf("%s seed %d: held-out loss %.4f, %.4f bits per byte, accuracy %.2f%%, %.0f s%n", variant, seed,
                        r.heldOut().loss(), r.heldOut().bitsPerByte(), 100 * r.heldOut().accuracy(), r.history().seconds());
            }
            case "report" -> TextReport.report(dir, a.integer("prompts", 1, 10_000), a.integer("rounds", 1, 100), out);
            case "card" -> card(Path.of(a.string("model")), out);
            default -> throw new Args.UsageException("MODE " + mode + " is not valid; expected run, report or card");
        }
        return 0;
    }

    /// Writes the card of the text model in `model` (trained by `text-experiments run`), and its
    /// held-out curve as `heldout.png`.
    static void card(Path model, PrintStream out) throws Exception {
        Map<String, String> meta;
        try (var f = dev.tinyseek.io.SafetensorsFile.open(model.resolve(dev.tinyseek.model.Checkpoint.WEIGHTS))) {
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
        TextModelCard card = TextModelCard.measure(model, description, commands, Double.parseDouble(meta.get("train_seconds")),
                "2-core amd64 Linux shared with other jobs, JDK 25");
        card.write(model);
        if (Files.isRegularFile(model.resolve(TextRuns.CURVE))) {
            TextReport.Run run = TextReport.readRun(model, variant, Long.parseLong(seed));
            double[] x = java.util.Arrays.stream(run.steps()).asDoubleStream().toArray();
            Plot.lines(model.resolve("heldout.png"), "held-out loss, Tiny Shakespeare, " + variant + " seed " + seed, "step",
                    "held-out loss (nats/token)", List.of(new Plot.Series("first 64 held-out windows", x, run.heldOut())));
        }
        out.print(card.render());
    }

    /// The three variants' settings: the `tiny` shape with vocabulary 512, batch 16 × 64.
    static TextRun.Settings settings(String variant, int steps, long seed) {
        ModelConfig cfg = ModelConfig.tiny().withVocabSize(512).withMtpDepth(variant.equals("mtp") ? 1 : 0);
        TextRun.Settings s = TextRun.Settings.of(cfg, steps, seed);
        return variant.equals("fp8") ? s.withPrecision(Precision.FP8, Fp8Recipe.deepseek(32)) : s;
    }
}
