package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.rl.Evaluation;
import dev.tinyseek.rl.TaskData;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.train.AdamW;
import dev.tinyseek.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// `tinyseek train`: trains a model on a synthetic task, evaluates it on held-out problems,
/// saves a checkpoint and shows it answering.
final class TrainCommand implements Main.Command {

    @Override
    public String summary() {
        return "train a model on a task (addition) and save a checkpoint";
    }

    static Args spec() {
        return new Args("train", "Trains a model from scratch on a synthetic task, reports held-out exact-match accuracy,\n"
                + "and saves a checkpoint directory (config.json + model.safetensors).")
                .option("task", "NAME", "addition", "task to train on: addition")
                .option("digits", "N", "2", "digits per operand (addition)")
                .flag("no-reverse", "write sums most-significant digit first (default: least-significant first)")
                .option("preset", "NAME", "tiny", "model shape: tiny | small")
                .option("arch", "NAME", "dense", "dense (standard attention + dense MLP)")
                .option("steps", "N", "1500", "optimizer steps")
                .option("batch", "N", "64", "sequences per step")
                .option("seq-len", "N", "auto", "tokens per sequence (auto: the length of one problem)")
                .option("lr", "X", "3e-3", "peak learning rate (warmup then cosine decay to a tenth)")
                .option("warmup", "N", "auto", "warmup steps (auto: a tenth of the steps, at most 100)")
                .option("weight-decay", "X", "0.1", "AdamW decoupled weight decay")
                .option("clip", "X", "1.0", "global gradient-norm clip (0 = off)")
                .option("seed", "N", "1", "seed of weights and data: same seed, same losses to the bit")
                .option("eval-every", "N", "500", "evaluate every N steps (0 = only at the end)")
                .option("eval-problems", "N", "500", "held-out problems per evaluation")
                .option("threads", "N", String.valueOf(Runtime.getRuntime().availableProcessors()), "worker threads")
                .option("out", "DIR", "runs/addition", "checkpoint directory to write")
                .flag("quiet", "no progress line");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        a.choice("task", "addition");
        int digits = a.integer("digits", 1, 9);
        boolean reversed = !a.isSet("no-reverse");
        String arch = a.choice("arch", "dense");
        ModelConfig cfg = ModelConfig.preset(a.choice("preset", "tiny", "small"));
        if (arch.equals("dense")) {
            cfg = cfg.dense();
        }
        int steps = a.integer("steps", 1, 10_000_000);
        int batch = a.integer("batch", 1, 65536);
        double lr = a.number("lr", 1e-7, 1.0);
        int warmup = a.string("warmup").equals("auto") ? Math.min(100, steps / 10) : a.integer("warmup", 0, steps);
        double wd = a.number("weight-decay", 0, 10);
        double clip = a.number("clip", 0, 1e6);
        long seed = a.longValue("seed");
        int evalEvery = a.integer("eval-every", 0, 10_000_000);
        int evalProblems = a.integer("eval-problems", 1, 1_000_000);
        Parallel.setThreads(a.integer("threads", 1, 1024));
        Path outDir = Path.of(a.string("out"));

        Task task = new Addition(digits, reversed, true);
        Problem example = task.sample(new java.util.SplittableRandom(0), dev.tinyseek.tasks.Split.TRAIN);
        int need = TaskData.encode(example.prompt() + example.answer()).length + 1; // padded: every problem has this length
        int seqLen = a.string("seq-len").equals("auto") ? need - 1 : a.integer("seq-len", 2, cfg.maxPositionEmbeddings());
        if (need > seqLen + 1) {
            throw new Args.UsageException("--seq-len " + seqLen + " is too short for " + digits + "-digit addition; use at least " + (need - 1));
        }
        List<Problem> heldOut = task.heldOut(evalProblems, 12345);
        int maxAnswer = example.answer().length() + 2;

        Transformer model = new Transformer(cfg, seed);
        out.printf("model: preset %s, %s, %,d parameters; task: %d-digit addition%s; %d steps of %d x %d tokens%n",
                a.string("preset"), arch, model.parameterCount(), digits, reversed ? " (sum written least-significant digit first)" : "",
                steps, batch, seqLen);
        Trainer.Options o = new Trainer.Options(steps, lr, lr / 10, warmup, wd, clip, evalEvery);
        Trainer trainer = new Trainer(a.isSet("quiet") ? null : out);
        Trainer.History h = trainer.train(model, new AdamW(model.params(), 0.9, 0.95, 1e-8, wd),
                new TaskData(task, seed, batch, seqLen), o,
                m -> Map.of("heldout_exact_match", Evaluation.exactMatch(m, task, heldOut, maxAnswer)));
        double acc = h.evals().get(h.evals().size() - 1).get("heldout_exact_match");
        out.printf("trained in %.1f s (%.1fk tokens/s); final loss %.4f; held-out exact match %.1f%% (%d problems)%n",
                h.seconds(), h.tokens() / h.seconds() / 1000, h.lastLoss(), 100 * acc, heldOut.size());

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("task", "addition");
        meta.put("digits", String.valueOf(digits));
        meta.put("reversed", String.valueOf(reversed));
        meta.put("seed", String.valueOf(seed));
        meta.put("steps", String.valueOf(steps));
        meta.put("heldout_exact_match", String.valueOf(acc));
        Checkpoint.save(model, outDir, Dtype.F32, meta);
        out.println("saved " + outDir.resolve(Checkpoint.WEIGHTS) + " and " + Checkpoint.CONFIG);

        out.println("answers on held-out problems (greedy):");
        for (Problem p : heldOut.subList(0, Math.min(5, heldOut.size()))) {
            String got = Evaluation.answer(model, p.prompt(), maxAnswer);
            String readable = reversed ? "  (" + new StringBuilder(got).reverse() + " read the usual way)" : "";
            out.printf("  %s%-6s %s%s%n", p.prompt(), got, task.verify(p, got) ? "right" : "wrong, expected " + p.answer(), readable);
        }
        out.println("try: ./tinyseek generate " + outDir + " --prompt '" + heldOut.get(0).prompt() + "'");
        return 0;
    }
}
