package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.io.CheckpointDirectory;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Fp8Recipe;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.rl.Evaluation;
import dev.tinyseek.rl.TaskData;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.train.AdamW;
import dev.tinyseek.train.Trainer;
import dev.tinyseek.train.TrainingState;
import dev.tinyseek.tokenizer.Tokenizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// `tinyseek train`: trains a model on a synthetic task, evaluates it on held-out problems,
/// saves a checkpoint and shows it answering.
final class TrainCommand implements Main.Command {

    static final String TOKENIZER = "tokenizer.json";

    /// Saves the whole training checkpoint (weights, config, tokenizer, optimizer, trainer state)
    /// into `dir`, written whole or not at all.
    static void save(Transformer model, AdamW opt, TaskData data, int step, Map<String, String> settings, Path dir,
                     Map<String, String> extra) throws java.io.IOException {
        Map<String, String> meta = new LinkedHashMap<>(settings);
        meta.put("step", String.valueOf(step));
        meta.putAll(extra);
        try (CheckpointDirectory.Save save = CheckpointDirectory.begin(dir)) {
            Checkpoint.write(model, save.staging(), Dtype.F32, meta);
            Tokenizer.byteLevel().save(save.staging().resolve(TOKENIZER));
            TrainingState.write(save.staging(), model, opt, step, data.rngState(), settings);
            save.commit(step);
        }
    }

    /// The FP8 recipe of `--fp8-tile` and `--fp8-accumulation` (used only with `--precision fp8`).
    static Fp8Recipe fp8Recipe(Args a, ModelConfig cfg) {
        int tile = a.string("fp8-tile").equals("auto") ? (cfg.hiddenSize() >= 256 ? 128 : 32) : a.integer("fp8-tile", 1, 1 << 16);
        String acc = a.choice("fp8-accumulation", "fp32", "hopper");
        if (acc.equals("hopper") && tile % 32 != 0) {
            throw new Args.UsageException("--fp8-tile " + tile + " must be a multiple of 32 with --fp8-accumulation hopper (one wgmma step)");
        }
        return Fp8Recipe.deepseek(tile).withAccumulation(acc.equals("hopper") ? Accumulation.HOPPER_E8M13 : Accumulation.FP32_SEQUENTIAL);
    }

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

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        if (a.choice("task", "addition", "text").equals("text")) {
            return TextTrain.run(a, out);
        }
        // 1. on --resume, the run's settings come from its trainer_state.json
        TrainingState.Saved resumed = null;
        Path resumeDir = null;
        if (a.has("resume")) {
            resumeDir = Path.of(a.string("resume"));
            resumed = TrainingState.readState(resumeDir);
            java.util.Set<String> allowed = java.util.Set.of("resume", "steps", "out", "threads", "quiet", "save-every", "stop-at", "plots",
                    "allow-backend-change");
            for (String g : a.given()) {
                if (!allowed.contains(g)) {
                    throw new Args.UsageException("--" + g + " cannot change when resuming; the run's settings come from "
                            + resumeDir.resolve(TrainingState.STATE) + " (only --steps, --stop-at, --out, --save-every, --threads, --quiet, --allow-backend-change)");
                }
            }
            java.util.List<String> argvNow = new java.util.ArrayList<>(java.util.List.of(Args.toArgv(resumed.settings(), spec())));
            for (String g : a.given()) { // the allowed overrides; "quiet" and "allow-backend-change" are switches
                if (!g.equals("resume")) {
                    argvNow.add("--" + g);
                    if (!g.equals("quiet") && !g.equals("allow-backend-change")) {
                        argvNow.add(a.string(g));
                    }
                }
            }
            if (!a.given().contains("out")) {
                argvNow.add("--out");
                argvNow.add(resumeDir.toString());
            }
            a = spec();
            a.parse(argvNow.toArray(String[]::new));
        }
        a.choice("task", "addition");
        int digits = a.integer("digits", 1, 9);
        boolean reversed = !a.isSet("no-reverse");
        String arch = a.choice("arch", Architectures.NAMES);
        ModelConfig cfg = Architectures.config(a.choice("preset", "tiny", "small"), arch)
                .withMtpDepth(a.integer("mtp-depth", 0, 8));
        if (!a.string("layers").equals("auto")) {
            cfg = cfg.withNumHiddenLayers(a.integer("layers", 1, 256));
        }
        dev.tinyseek.train.MtpWeight mtpLambda;
        try {
            mtpLambda = dev.tinyseek.train.MtpWeight.parse(a.string("mtp-lambda"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--mtp-lambda: " + e.getMessage());
        }
        Precision precision = Precision.parse(a.choice("precision", "fp32", "fp8"));
        Fp8Recipe recipe = fp8Recipe(a, cfg);
        int steps = a.integer("steps", 1, 10_000_000);
        int batch = a.integer("batch", 1, 65536);
        double lr = a.number("lr", 1e-7, 1.0);
        int warmup = a.string("warmup").equals("auto") ? Math.min(100, steps / 10) : a.integer("warmup", 0, steps);
        double wd = a.number("weight-decay", 0, 10);
        double clip = a.number("clip", 0, 1e6);
        long seed = a.longValue("seed");
        int evalEvery = a.integer("eval-every", 0, 10_000_000);
        int evalProblems = a.integer("eval-problems", 1, 1_000_000);
        int saveEvery = a.integer("save-every", 0, 10_000_000);
        double gamma = a.number("bias-gamma", 0, 1);
        double alpha = a.number("aux-alpha", 0, 10);
        int stopAt = a.integer("stop-at", 0, steps);
        int until = stopAt == 0 ? steps : stopAt;
        Parallel.setThreads(a.integer("threads", 1, 1024));
        Path outDir = Path.of(a.string("out"));
        try {
            CheckpointDirectory.checkWritable(outDir); // now, not after the training
        } catch (dev.tinyseek.io.CheckpointException e) {
            throw new Args.UsageException("--out: " + e.getMessage());
        }
        if (resumed != null && resumed.step() >= until) {
            throw new Args.UsageException("the run in " + resumeDir + " already has " + resumed.step()
                    + " steps; give a larger --steps (or --stop-at) to continue it");
        }
        Map<String, String> settings = new LinkedHashMap<>(a.effective());
        settings.remove("resume");
        settings.remove("out");
        settings.remove("threads");
        settings.remove("quiet");
        settings.remove("save-every");
        settings.remove("stop-at");
        settings.remove("plots");
        settings.remove("allow-backend-change");
        settings.put("warmup", String.valueOf(warmup));

        Task task = new Addition(digits, reversed, true);
        Problem example = task.sample(new java.util.SplittableRandom(0), dev.tinyseek.tasks.Split.TRAIN);
        int need = TaskData.encode(example.prompt() + example.answer()).length + 1; // padded: every problem has this length
        int seqLen = a.string("seq-len").equals("auto") ? need - 1 : a.integer("seq-len", 2, cfg.maxPositionEmbeddings());
        if (need > seqLen + 1) {
            throw new Args.UsageException("--seq-len " + seqLen + " is too short for " + digits + "-digit addition; use at least " + (need - 1));
        }
        List<Problem> heldOut = task.heldOut(evalProblems, 12345);
        int maxAnswer = example.answer().length() + 2;

        // 2. the model, optimizer and data: fresh, or restored to where the saved run stopped
        Transformer model = resumed != null ? Checkpoint.load(resumeDir) : new Transformer(cfg, seed);
        AdamW opt = new AdamW(model.params(), 0.9, 0.95, 1e-8, wd).bf16Moments(a.isSet("bf16-moments"));
        model.setPrecision(precision, recipe);
        TaskData data = new TaskData(task, seed, batch, seqLen);
        int from = 0;
        if (resumed != null) {
            TrainingState.Saved st = TrainingState.load(resumeDir, opt, model.params());
            from = st.step();
            if (!a.isSet("allow-backend-change")) {
                TrainingState.requireSameSetup(st, model, resumeDir);
            } else if (st.backend() != null && !st.backend().equals(dev.tinyseek.backend.Backends.gemm().name())) {
                out.printf("note: the run was trained on the '%s' backend and continues on '%s' (--allow-backend-change): "
                        + "the results will not be bit-identical to a run that never stopped%n", st.backend(),
                        dev.tinyseek.backend.Backends.gemm().name());
            }
            data.restore(resumed.dataRngState());
            out.printf("resuming %s at step %d of %d%n", resumeDir, from, steps);
        }
        out.printf("model: preset %s, %s, %d layers + %d MTP, %,d parameters; task: %d-digit addition%s; %d steps of %d x %d tokens%n",
                a.string("preset"), arch, cfg.numHiddenLayers(), cfg.numNextnPredictLayers(), model.parameterCount(), digits, reversed ? " (sum written least-significant digit first)" : "",
                steps, batch, seqLen);
        if (precision == Precision.FP8) {
            out.printf("precision: fp8 (E4M3, 1x%d / %dx%d scales, promotion every %d, %s accumulation) in %d linear layers; "
                            + "embedding, head, routers, norms, attention in fp32%s%n", recipe.tile(), recipe.tile(), recipe.tile(),
                    recipe.tile(), recipe.accumulation() == Accumulation.HOPPER_E8M13 ? "Hopper e8m13" : "fp32",
                    model.linears().size(), opt.bf16Moments() ? "; AdamW moments in bf16" : "");
        }
        Trainer.Options o = new Trainer.Options(steps, lr, lr / 10, warmup, wd, clip, evalEvery);
        Trainer trainer = new Trainer(a.isSet("quiet") ? null : out).biasUpdateSpeed(gamma).mtpWeight(mtpLambda);
        model.setBalanceLossAlpha(alpha);
        Transformer m0 = model;
        Trainer.StepListener saver = step -> {
            if (saveEvery > 0 && step % saveEvery == 0 && step < until) {
                save(m0, opt, data, step, settings, outDir, Map.of());
            }
        };
        Trainer.History h = trainer.train(model, opt, data, o,
                m -> Map.of("heldout_exact_match", Evaluation.exactMatch(m, task, heldOut, maxAnswer)), from, until, saver);
        double acc = h.evals().get(h.evals().size() - 1).get("heldout_exact_match");
        out.printf("trained in %.1f s (%.1fk tokens/s); final loss %.4f; held-out exact match %.1f%% (%d problems)%n",
                h.seconds(), h.tokens() / h.seconds() / 1000, h.lastLoss(), 100 * acc, heldOut.size());

        if (!model.mtp.isEmpty()) {
            out.printf("MTP: %d module(s); mean cross-entropy of the modules at the last step %.4f%n", model.mtp.size(),
                    h.steps().get(h.steps().size() - 1).mtpLoss());
        }
        if (!model.moeLayers().isEmpty()) {
            out.println("expert load (tokens per expert / mean - 1, the maximum; averaged over the last tenth of the steps): "
                    + ExpertLoads.summary(h, java.util.stream.IntStream.range(0, model.layers.size())
                    .filter(i -> model.layers.get(i).ffn instanceof dev.tinyseek.moe.MoeLayer).toArray()));
        }
        if (a.has("plots")) {
            if (!model.moeLayers().isEmpty()) {
                Path heat = Path.of(a.string("plots")).resolve("expert_load.png");
                double[][] load = ExpertLoads.byStep(h, -1, 200); // [E, windows]
                List<Trainer.Step> st = h.steps();
                Heatmap.write(heat, "expert load: tokens routed to each expert of the last MoE layer, by step",
                        Heatmap.Axis.numbered("routed expert", load.length),
                        Heatmap.Axis.range("training step", st.get(0).step(), st.get(st.size() - 1).step() + 1), load,
                        ExpertLoads.window(h, 200) == 1 ? "tokens per step"
                                : "tokens per step (mean of each " + ExpertLoads.window(h, 200) + " steps)");
                out.println("wrote " + heat);
            }
            Path png = Path.of(a.string("plots")).resolve("loss.png");
            double[] xs = h.steps().stream().mapToDouble(st -> st.step() + 1).toArray();
            double[] ys = h.steps().stream().mapToDouble(Trainer.Step::loss).toArray();
            Plot.lines(png, "training loss, " + digits + "-digit addition, seed " + seed, "step", "loss",
                    List.of(new Plot.Series("cross-entropy on answer tokens", xs, ys)));
            out.println("wrote " + png);
        }

        // 3. save: weights, config, tokenizer, and what a resumed run needs
        save(model, opt, data, until, settings, outDir, Map.of("heldout_exact_match", String.valueOf(acc)));
        if (until < steps) {
            out.println("stopped at step " + until + " of " + steps + "; continue with: tinyseek train --resume " + outDir);
        }
        out.println("saved " + outDir + " (" + Checkpoint.CONFIG + ", " + Checkpoint.WEIGHTS + ", " + TOKENIZER + ", "
                + TrainingState.OPTIMIZER + ", " + TrainingState.STATE + ")");

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
