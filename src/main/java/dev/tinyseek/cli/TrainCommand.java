package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.model.Architectures;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.train.MtpWeight;
import dev.tinyseek.train.TrainRun;
import dev.tinyseek.train.TrainingState;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/// `tinyseek train`: a [TrainRun] — trains a model on a synthetic task, evaluates it on held-out
/// problems, saves a resumable checkpoint and shows it answering.
final class TrainCommand implements Main.Command {

    @Override
    public String summary() {
        return "train a model on a task (addition) and save a checkpoint";
    }

    static Args spec() {
        return new Args("train", "Trains a model from scratch on a synthetic task, reports held-out exact-match accuracy,\n"
                + "and saves a checkpoint directory (config.json + model.safetensors).")
                .option("task", "NAME", "addition", "task to train on: addition | text (Tiny Shakespeare, BPE 512; batch 16 x 64)")
                .option("digits", "N", "2", "digits per operand (addition)")
                .flag("no-reverse", "write sums most-significant digit first (default: least-significant first)")
                .option("preset", "NAME", "tiny", "model shape: tiny | small")
                .option("arch", "NAME", "deepseek", "deepseek (MLA + MoE) | mla (latent attention + dense MLP) | dense (standard attention + dense MLP)")
                .option("layers", "N", "auto", "main layers, num_hidden_layers (auto: the preset's, 2 for tiny and 4 for small)")
                .option("mtp-depth", "N", "0", "Multi-Token Prediction modules (DeepSeek-V3 uses 1; 0 = none)")
                .option("mtp-lambda", "X[:Y@F]", "0.3", "MTP loss weight (lambda/depth per module); X:Y@F = X for the first fraction F of the steps, then Y (V3: 0.3:0.1@0.68)")
                .option("bias-gamma", "X", "0.001", "MoE: speed of the auxiliary-loss-free bias updates (0 = off)")
                .option("aux-alpha", "X", "0.0001", "MoE: weight of the sequence-wise balance loss (0 = off)")
                .option("precision", "NAME", "fp32", "fp32 | fp8 (DeepSeek-V3's FP8 recipe in every linear layer but the head)")
                .option("fp8-tile", "N", "auto", "fp8: tile T of the 1xT / TxT scales and promotion interval (auto: 128, or 32 below width 256)")
                .option("fp8-accumulation", "NAME", "fp32", "fp8: fp32 (fast) | hopper (Hopper's e8m13 tensor core; slow, for ablations)")
                .flag("bf16-moments", "store AdamW's moments in bf16 (DeepSeek-V3 §3.3.3)")
                .option("steps", "N", "2000", "optimizer steps")
                .option("batch", "N", "64", "sequences per step")
                .option("seq-len", "N", "auto", "tokens per sequence (auto: the length of one problem)")
                .option("lr", "X", "3e-3", "peak learning rate (warmup then cosine decay to a tenth)")
                .option("warmup", "N", "auto", "warmup steps (auto: a tenth of the steps, at most 100)")
                .option("weight-decay", "X", "0.1", "AdamW decoupled weight decay")
                .option("clip", "X", "1.0", "global gradient-norm clip (0 = off)")
                .option("seed", "N", "1", "seed of weights and data: same seed, same losses to the bit")
                .option("eval-every", "N", "500", "evaluate every N steps (0 = only at the end)")
                .option("eval-problems", "N", "500", "held-out problems per evaluation (text: held-out windows, 64 and all at the end unless given)")
                .option("threads", "N", String.valueOf(Runtime.getRuntime().availableProcessors()), "worker threads")
                .option("out", "DIR", "runs/addition", "checkpoint directory to write")
                .option("save-every", "N", "0", "also save the checkpoint every N steps (0 = only at the end)")
                .option("stop-at", "N", "0", "stop after step N and save (the schedule still spans --steps); resume later")
                .option("resume", "DIR", null, "continue the run saved in DIR (its settings; --steps may extend it)")
                .option("plots", "DIR", null, "write PNG charts there (loss.png: training loss by step)")
                .flag("allow-backend-change", "with --resume: continue on another --backend than the run used (not bit-exact)")
                .flag("quiet", "no progress line");
    }

    /// The run options that may change when resuming; the rest are the run's [TrainRun.Settings].
    static final Set<String> RUN_OPTIONS = Set.of("resume", "steps", "out", "threads", "quiet", "save-every", "stop-at", "plots",
            "allow-backend-change");

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        Parallel.setThreads(a.integer("threads", 1, 1024));
        if (a.choice("task", "addition", "text").equals("text")) { // a text run: TextTrain
            return TextTrain.run(a, out);
        }
        if (a.has("resume")) { // the run's settings come from its trainer_state.json
            Path dir = Path.of(a.string("resume"));
            for (String g : a.given()) {
                if (!RUN_OPTIONS.contains(g)) {
                    throw new Args.UsageException("--" + g + " cannot change when resuming; the run's settings come from "
                            + dir.resolve(TrainingState.STATE) + " (only --steps, --stop-at, --out, --save-every, --threads, --quiet, --allow-backend-change)");
                }
            }
            TrainingState.Saved saved = TrainingState.readState(dir);
            int steps = a.given().contains("steps") ? a.integer("steps", 1, 10_000_000) : 0;
            TrainRun.Settings s = TrainRun.Settings.fromMap(saved.settings());
            TrainRun.Options o = options(a, a.given().contains("out") ? Path.of(a.string("out")) : dir, steps > 0 ? steps : s.steps());
            Args.usage(() -> { TrainRun.check(steps > 0 ? s.withSteps(steps) : s, o, saved.step(), dir); return 0; });
            TrainRun.resume(dir, steps, o, out);
            return 0;
        }
        TrainRun.Settings s = settings(a);
        TrainRun.Options o = options(a, Path.of(a.string("out")), s.steps());
        Args.usage(() -> { TrainRun.check(s, o, -1, null); return 0; });
        TrainRun.run(s, o, out);
        return 0;
    }

    /// The run's settings from the command line, each checked.
    static TrainRun.Settings settings(Args a) {
        String preset = a.choice("preset", "tiny", "small"), arch = a.choice("arch", Architectures.NAMES);
        String lambda = a.string("mtp-lambda");
        try {
            MtpWeight.parse(lambda);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--mtp-lambda: " + e.getMessage());
        }
        int steps = a.integer("steps", 1, 10_000_000);
        ModelConfig cfg = Architectures.config(preset, arch);
        return new TrainRun.Settings("addition", a.integer("digits", 1, 9), !a.isSet("no-reverse"), preset, arch,
                a.string("layers").equals("auto") ? 0 : a.integer("layers", 1, 256), a.integer("mtp-depth", 0, 8), lambda,
                a.number("bias-gamma", 0, 1), a.number("aux-alpha", 0, 10), a.choice("precision", "fp32", "fp8"),
                a.string("fp8-tile").equals("auto") ? 0 : a.integer("fp8-tile", 1, 1 << 16),
                a.choice("fp8-accumulation", "fp32", "hopper"), a.isSet("bf16-moments"), steps, a.integer("batch", 1, 65536),
                a.string("seq-len").equals("auto") ? 0 : a.integer("seq-len", 2, cfg.maxPositionEmbeddings()),
                a.number("lr", 1e-7, 1.0), a.string("warmup").equals("auto") ? -1 : a.integer("warmup", 0, steps),
                a.number("weight-decay", 0, 10), a.number("clip", 0, 1e6), a.longValue("seed"),
                a.integer("eval-every", 0, 10_000_000), a.integer("eval-problems", 1, 1_000_000));
    }

    private static TrainRun.Options options(Args a, Path out, int steps) {
        return new TrainRun.Options(out, a.integer("save-every", 0, 10_000_000), a.integer("stop-at", 0, steps),
                a.has("plots") ? Path.of(a.string("plots")) : null, a.isSet("quiet"), a.isSet("allow-backend-change"));
    }
}
