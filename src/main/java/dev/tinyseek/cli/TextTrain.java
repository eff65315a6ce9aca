package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.chart.Plot;
import dev.tinyseek.experiments.TextRuns;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.io.CheckpointDirectory;
import dev.tinyseek.model.Architectures;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.train.TextCorpus;
import dev.tinyseek.train.TextRun;
import dev.tinyseek.train.TrainRun;
import dev.tinyseek.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// `tinyseek train --task text`: a language model on the shipped Tiny Shakespeare corpus with its
/// 512-token BPE vocabulary ([TextRun]); saves the checkpoint with that tokenizer, so that
/// `tinyseek generate DIR --prompt ...` continues text.
final class TextTrain {

    /// `train` options that only mean something for the synthetic tasks.
    private static final Set<String> NOT_FOR_TEXT = Set.of("digits", "no-reverse", "resume", "stop-at", "save-every",
            "allow-backend-change", "bf16-moments", "bias-gamma", "aux-alpha", "warmup", "weight-decay", "clip");

    private TextTrain() {
    }

    /// The settings of `--task text` from `train`'s parsed options: batch 16 × 64 unless given;
    /// `--eval-problems N` held-out windows per evaluation (default 64, and the whole held-out split
    /// at the end; with N given, N windows at the end too).
    static TextRun.Settings settings(Args a) {
        for (String g : a.given()) {
            if (NOT_FOR_TEXT.contains(g)) {
                throw new Args.UsageException("--" + g + " does not apply to --task text (it trains with warmup a tenth of the "
                        + "steps, weight decay 0.1, clip 1.0, bias speed 0.001, and does not resume)");
            }
        }
        String mtp = a.string("mtp-lambda");
        double lambda;
        try {
            lambda = Double.parseDouble(mtp);
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--mtp-lambda " + mtp + ": --task text takes one constant weight, e.g. 0.3");
        }
        ModelConfig cfg = Architectures.config(a.choice("preset", "tiny", "small"), a.choice("arch", Architectures.NAMES))
                .withVocabSize(TextCorpus.SHAKESPEARE_VOCAB).withMtpDepth(a.integer("mtp-depth", 0, 8));
        if (!a.string("layers").equals("auto")) {
            cfg = cfg.withNumHiddenLayers(a.integer("layers", 1, 256));
        }
        Precision precision = Precision.parse(a.choice("precision", "fp32", "fp8"));
        int steps = a.integer("steps", 1, 10_000_000);
        int batch = a.given().contains("batch") ? a.integer("batch", 1, 65536) : 16;
        int seqLen = a.string("seq-len").equals("auto") ? 64 : a.integer("seq-len", 2, cfg.maxPositionEmbeddings());
        boolean few = a.given().contains("eval-problems"); // then the final evaluation reads as few windows
        int windows = few ? a.integer("eval-problems", 1, 1_000_000) : 64;
        return new TextRun.Settings(cfg, precision, precision == Precision.FP8 ? TrainCommand.settings(a).fp8Recipe() : null,
                lambda, steps, batch, seqLen, a.number("lr", 1e-7, 1.0), a.longValue("seed"),
                a.integer("eval-every", 0, 10_000_000), windows, few ? windows : Integer.MAX_VALUE);
    }

    static int run(Args a, PrintStream out) throws Exception {
        TextRun.Settings s = settings(a);
        Parallel.setThreads(a.integer("threads", 1, 1024));
        Path dir = Path.of(a.given().contains("out") ? a.string("out") : "runs/text");
        try {
            CheckpointDirectory.checkWritable(dir);
        } catch (dev.tinyseek.io.CheckpointException e) {
            throw new Args.UsageException("--out: " + e.getMessage());
        }
        out.printf("model: preset %s, %s, %d layers + %d MTP, vocabulary %d; task: text (Tiny Shakespeare, BPE %d); "
                        + "%s; %d steps of %d x %d tokens%n", a.string("preset"), a.string("arch"), s.config().numHiddenLayers(),
                s.config().numNextnPredictLayers(), s.config().vocabSize(), TextCorpus.SHAKESPEARE_VOCAB,
                s.precision().name().toLowerCase(), s.steps(), s.batch(), s.seqLen());
        TextRun.Result r = TextRun.train(s, a.isSet("quiet") ? null : out);
        out.printf("trained in %.1f s (%.1fk tokens/s); held-out (%d tokens): loss %.4f, %.4f bits per byte, "
                        + "next-token accuracy %.1f%%%n", r.history().seconds(), r.history().tokens() / r.history().seconds() / 1000,
                r.heldOut().tokens(), r.heldOut().loss(), r.heldOut().bitsPerByte(), 100 * r.heldOut().accuracy());
        TextRuns.save(r, dir, Map.of("task", "text", "seed", String.valueOf(s.seed()), "steps", String.valueOf(s.steps()),
                "precision", s.precision().name().toLowerCase()));
        if (a.has("plots")) {
            Path png = Path.of(a.string("plots")).resolve("loss.png");
            double[] xs = r.history().steps().stream().mapToDouble(st -> st.step() + 1).toArray();
            double[] ys = r.history().steps().stream().mapToDouble(Trainer.Step::loss).toArray();
            Plot.lines(png, "training loss, text, seed " + s.seed(), "step", "loss per token (nats)",
                    List.of(new Plot.Series("cross-entropy of the next token", xs, ys)));
            out.println("wrote " + png);
        }
        out.println("saved " + dir + " (" + Checkpoint.CONFIG + ", " + Checkpoint.WEIGHTS + ", " + TrainRun.TOKENIZER
                + ", " + TextRuns.CURVE + ")");
        String prompt = "ROMEO:\n";
        int[] cont = Generator.greedy(r.model(), r.tokenizer().encode(prompt), 32, -1);
        out.println("greedy continuation of " + TextRuns.visible(prompt) + ": " + TextRuns.visible(r.tokenizer().decode(cont)));
        out.println("try: ./tinyseek generate " + dir + " --max-new 64 --prompt 'ROMEO:'");
        return 0;
    }
}
