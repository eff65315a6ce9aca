package dev.tinyseek.cli;

import dev.tinyseek.experiments.TextModelCard;
import dev.tinyseek.experiments.TextReport;
import dev.tinyseek.experiments.TextRuns;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.train.TextRun;

import java.io.PrintStream;
import java.nio.file.Path;
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
                TextRun.Settings s = TextRuns.variant(variant, a.integer("steps", 1, 1_000_000), seed)
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
            case "card" -> out.print(TextModelCard.make(Path.of(a.string("model"))).render());
            default -> throw new Args.UsageException("MODE " + mode + " is not valid; expected run, report or card");
        }
        return 0;
    }
}
