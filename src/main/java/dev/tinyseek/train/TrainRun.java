package dev.tinyseek.train;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.chart.Heatmap;
import dev.tinyseek.chart.Plot;
import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.io.CheckpointDirectory;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Architectures;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.moe.MoeLayer;
import dev.tinyseek.nn.Fp8Recipe;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/// A training run on a synthetic task (`tinyseek train`): train a model from scratch, evaluate
/// it on held-out problems, save a resumable checkpoint and show it answering.
///
/// From jshell:
///
///     var r = TrainRun.run(TrainRun.Settings.defaults().withSteps(200), TrainRun.Options.to(Path.of("runs/a")), System.out);
///     var more = TrainRun.resume(Path.of("runs/a"), 400, TrainRun.Options.to(Path.of("runs/a")), System.out);
///
/// The run directory holds, written whole or not at all ([CheckpointDirectory]):
///
/// | file | what |
/// |---|---|
/// | `config.json` | the model's config (HF keys) |
/// | `model.safetensors` | the weights in F32; its metadata holds the settings and the step |
/// | `tokenizer.json` | the byte-level tokenizer |
/// | `optimizer.safetensors` | AdamW's moments (`exp_avg.<param>`, `exp_avg_sq.<param>`) |
/// | `trainer_state.json` | the step, the data sampler's RNG state, the backend, the precision and [Settings] as strings |
/// | `manifest.json` | the files' hashes and the step they belong to |
///
/// and, with [Options#plots()], `loss.png` and (for a MoE model) `expert_load.png` there.
public final class TrainRun {

    public static final String TOKENIZER = dev.tinyseek.generate.PromptContinuation.TOKENIZER;

    private TrainRun() {
    }

    /// What is trained and how; saved in `trainer_state.json` so that a resumed run trains the
    /// same task the same way. `layers` 0: the preset's; `fp8Tile` 0: 128, or 32 below width 256;
    /// `seqLen` 0: one problem's length; `warmup` -1: a tenth of the steps, at most 100.
    public record Settings(String task, int digits, boolean reversed, String preset, String arch, int layers, int mtpDepth,
                           String mtpLambda, double biasGamma, double auxAlpha, String precision, int fp8Tile,
                           String fp8Accumulation, boolean bf16Moments, int steps, int batch, int seqLen, double lr, int warmup,
                           double weightDecay, double clip, long seed, int evalEvery, int evalProblems) {

        /// `tinyseek train`'s defaults: 2-digit addition (sums lowest digit first) on the `tiny`
        /// DeepSeek-V3 preset, fp32, 2000 steps of 64, lr 3e-3, seed 1.
        public static Settings defaults() {
            return new Settings("addition", 2, true, "tiny", "deepseek", 0, 0, "0.3", 0.001, 0.0001, "fp32", 0, "fp32", false,
                    2000, 64, 0, 3e-3, -1, 0.1, 1.0, 1, 500, 500);
        }

        public Settings withDigits(int v) {
            return new Settings(task, v, reversed, preset, arch, layers, mtpDepth, mtpLambda, biasGamma, auxAlpha, precision,
                    fp8Tile, fp8Accumulation, bf16Moments, steps, batch, seqLen, lr, warmup, weightDecay, clip, seed, evalEvery, evalProblems);
        }

        public Settings withArch(String v) {
            return new Settings(task, digits, reversed, preset, v, layers, mtpDepth, mtpLambda, biasGamma, auxAlpha, precision,
                    fp8Tile, fp8Accumulation, bf16Moments, steps, batch, seqLen, lr, warmup, weightDecay, clip, seed, evalEvery, evalProblems);
        }

        public Settings withMtpDepth(int v) {
            return new Settings(task, digits, reversed, preset, arch, layers, v, mtpLambda, biasGamma, auxAlpha, precision,
                    fp8Tile, fp8Accumulation, bf16Moments, steps, batch, seqLen, lr, warmup, weightDecay, clip, seed, evalEvery, evalProblems);
        }

        public Settings withPrecision(String v) {
            return new Settings(task, digits, reversed, preset, arch, layers, mtpDepth, mtpLambda, biasGamma, auxAlpha, v,
                    fp8Tile, fp8Accumulation, bf16Moments, steps, batch, seqLen, lr, warmup, weightDecay, clip, seed, evalEvery, evalProblems);
        }

        public Settings withSteps(int v) {
            return new Settings(task, digits, reversed, preset, arch, layers, mtpDepth, mtpLambda, biasGamma, auxAlpha, precision,
                    fp8Tile, fp8Accumulation, bf16Moments, v, batch, seqLen, lr, warmup, weightDecay, clip, seed, evalEvery, evalProblems);
        }

        public Settings withBatch(int v) {
            return new Settings(task, digits, reversed, preset, arch, layers, mtpDepth, mtpLambda, biasGamma, auxAlpha, precision,
                    fp8Tile, fp8Accumulation, bf16Moments, steps, v, seqLen, lr, warmup, weightDecay, clip, seed, evalEvery, evalProblems);
        }

        public Settings withSeed(long v) {
            return new Settings(task, digits, reversed, preset, arch, layers, mtpDepth, mtpLambda, biasGamma, auxAlpha, precision,
                    fp8Tile, fp8Accumulation, bf16Moments, steps, batch, seqLen, lr, warmup, weightDecay, clip, v, evalEvery, evalProblems);
        }

        public Settings withEval(int every, int problems) {
            return new Settings(task, digits, reversed, preset, arch, layers, mtpDepth, mtpLambda, biasGamma, auxAlpha, precision,
                    fp8Tile, fp8Accumulation, bf16Moments, steps, batch, seqLen, lr, warmup, weightDecay, clip, seed, every, problems);
        }

        /// The same settings with the warmup resolved to its number of steps (as [#toMap()] stores it).
        public Settings withWarmupResolved() {
            return new Settings(task, digits, reversed, preset, arch, layers, mtpDepth, mtpLambda, biasGamma, auxAlpha, precision,
                    fp8Tile, fp8Accumulation, bf16Moments, steps, batch, seqLen, lr, warmupSteps(), weightDecay, clip, seed, evalEvery,
                    evalProblems);
        }

        /// The warmup steps: `warmup`, or a tenth of the steps (at most 100) when it is -1.
        public int warmupSteps() {
            return warmup < 0 ? Math.min(100, steps / 10) : warmup;
        }

        /// The model's config: the preset in the architecture, with `layers` and the MTP modules.
        public ModelConfig config() {
            ModelConfig cfg = Architectures.config(preset, arch).withMtpDepth(mtpDepth);
            return layers > 0 ? cfg.withNumHiddenLayers(layers) : cfg;
        }

        /// The FP8 recipe (used only with precision `fp8`).
        public Fp8Recipe fp8Recipe() {
            int tile = fp8Tile > 0 ? fp8Tile : (config().hiddenSize() >= 256 ? 128 : 32);
            if (fp8Accumulation.equals("hopper") && tile % 32 != 0) {
                throw new IllegalArgumentException("--fp8-tile " + tile + " must be a multiple of 32 with --fp8-accumulation hopper (one wgmma step)");
            }
            return Fp8Recipe.deepseek(tile).withAccumulation(fp8Accumulation.equals("hopper") ? Accumulation.HOPPER_E8M13 : Accumulation.FP32_SEQUENTIAL);
        }

        public Task newTask() {
            return new Addition(digits, reversed, true);
        }

        /// Tokens per sequence: `seqLen`, or one problem's length when it is 0; checked against the problems.
        public int sequenceLength() {
            Problem example = newTask().sample(new SplittableRandom(0), Split.TRAIN);
            int need = TaskData.encode(example.prompt() + example.answer()).length + 1; // padded: every problem has this length
            int t = seqLen == 0 ? need - 1 : seqLen;
            if (need > t + 1) {
                throw new IllegalArgumentException("--seq-len " + t + " is too short for " + digits + "-digit addition; use at least " + (need - 1));
            }
            return t;
        }

        /// The settings as `trainer_state.json` stores them: the command line's option names and values.
        public Map<String, String> toMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("task", task);
            m.put("digits", String.valueOf(digits));
            m.put("no-reverse", String.valueOf(!reversed));
            m.put("preset", preset);
            m.put("arch", arch);
            m.put("layers", layers == 0 ? "auto" : String.valueOf(layers));
            m.put("mtp-depth", String.valueOf(mtpDepth));
            m.put("mtp-lambda", mtpLambda);
            m.put("bias-gamma", String.valueOf(biasGamma));
            m.put("aux-alpha", String.valueOf(auxAlpha));
            m.put("precision", precision);
            m.put("fp8-tile", fp8Tile == 0 ? "auto" : String.valueOf(fp8Tile));
            m.put("fp8-accumulation", fp8Accumulation);
            m.put("bf16-moments", String.valueOf(bf16Moments));
            m.put("steps", String.valueOf(steps));
            m.put("batch", String.valueOf(batch));
            m.put("seq-len", seqLen == 0 ? "auto" : String.valueOf(seqLen));
            m.put("lr", String.valueOf(lr));
            m.put("warmup", String.valueOf(warmupSteps()));
            m.put("weight-decay", String.valueOf(weightDecay));
            m.put("clip", String.valueOf(clip));
            m.put("seed", String.valueOf(seed));
            m.put("eval-every", String.valueOf(evalEvery));
            m.put("eval-problems", String.valueOf(evalProblems));
            return m;
        }

        /// The settings that [#toMap()] wrote (a key it lacks keeps its default).
        public static Settings fromMap(Map<String, String> m) {
            Settings d = defaults();
            java.util.function.BiFunction<String, String, String> get = (k, dflt) -> m.getOrDefault(k, dflt);
            return new Settings(get.apply("task", d.task), Integer.parseInt(get.apply("digits", "2")),
                    !Boolean.parseBoolean(get.apply("no-reverse", "false")), get.apply("preset", d.preset), get.apply("arch", d.arch),
                    auto(get.apply("layers", "auto")), Integer.parseInt(get.apply("mtp-depth", "0")), get.apply("mtp-lambda", d.mtpLambda),
                    Double.parseDouble(get.apply("bias-gamma", "0.001")), Double.parseDouble(get.apply("aux-alpha", "0.0001")),
                    get.apply("precision", d.precision), auto(get.apply("fp8-tile", "auto")), get.apply("fp8-accumulation", "fp32"),
                    Boolean.parseBoolean(get.apply("bf16-moments", "false")), Integer.parseInt(get.apply("steps", "2000")),
                    Integer.parseInt(get.apply("batch", "64")), auto(get.apply("seq-len", "auto")),
                    Double.parseDouble(get.apply("lr", "3e-3")), m.containsKey("warmup") && !m.get("warmup").equals("auto")
                    ? Integer.parseInt(m.get("warmup")) : -1, Double.parseDouble(get.apply("weight-decay", "0.1")),
                    Double.parseDouble(get.apply("clip", "1.0")), Long.parseLong(get.apply("seed", "1")),
                    Integer.parseInt(get.apply("eval-every", "500")), Integer.parseInt(get.apply("eval-problems", "500")));
        }

        private static int auto(String v) {
            return v.equals("auto") ? 0 : Integer.parseInt(v);
        }
    }

    /// Where and how a run is saved: the run directory `out`, a checkpoint every `saveEvery` steps
    /// (0: only at the end), stop after step `stopAt` (0: run to the end; the schedule still spans
    /// all the steps), charts into `plots` (null: none), `quiet` (no progress line), and whether a
    /// resumed run may continue on another backend than it trained on.
    public record Options(Path out, int saveEvery, int stopAt, Path plots, boolean quiet, boolean allowBackendChange) {

        /// Save into `out` at the end only, no charts, with a progress line.
        public static Options to(Path out) {
            return new Options(out, 0, 0, null, false, false);
        }

        public Options withStopAt(int v) {
            return new Options(out, saveEvery, v, plots, quiet, allowBackendChange);
        }

        public Options withQuiet(boolean v) {
            return new Options(out, saveEvery, stopAt, plots, v, allowBackendChange);
        }

        public Options withPlots(Path v) {
            return new Options(out, saveEvery, stopAt, v, quiet, allowBackendChange);
        }
    }

    /// What a run gives: the trained model, its history, the held-out exact match at the end,
    /// the step it stopped at, and the directory it saved to.
    public record Result(Transformer model, Trainer.History history, double heldOutExactMatch, int step, Path dir) {
        @Override
        public String toString() {
            return String.format("TrainRun.Result[step %d, final loss %.4f, held-out exact match %.1f%%, saved in %s]", step,
                    history.lastLoss(), 100 * heldOutExactMatch, dir);
        }
    }

    /// Checks what can be checked before any training: the settings, that `out` can be written,
    /// and (when resuming from `resumedStep`) that there are steps left to train. Throws
    /// [IllegalArgumentException] naming the setting.
    public static void check(Settings s, Options o, int resumedStep, Path resumeDir) {
        s.fp8Recipe();
        s.sequenceLength();
        try {
            CheckpointDirectory.checkWritable(o.out()); // now, not after the training
        } catch (dev.tinyseek.io.CheckpointException e) {
            throw new IllegalArgumentException("--out: " + e.getMessage());
        }
        int until = o.stopAt() == 0 ? s.steps() : o.stopAt();
        if (resumedStep >= until) {
            throw new IllegalArgumentException("the run in " + resumeDir + " already has " + resumedStep
                    + " steps; give a larger --steps (or --stop-at) to continue it");
        }
    }

    /// Trains a fresh run with `s`, saving into `o.out()`; prints progress and results to `out`.
    public static Result run(Settings s, Options o, PrintStream out) throws IOException {
        check(s, o, -1, null);
        Transformer model = new Transformer(s.config(), s.seed());
        return train(s, o, model, null, null, out);
    }

    /// Continues the run saved in `dir` up to `steps` steps (0: its own), with its settings,
    /// optimizer and data state, saving into `o.out()`.
    public static Result resume(Path dir, int steps, Options o, PrintStream out) throws IOException {
        TrainingState.Saved saved = TrainingState.readState(dir);
        Settings s = Settings.fromMap(saved.settings());
        if (steps > 0) {
            s = s.withSteps(steps);
        }
        check(s, o, saved.step(), dir);
        return train(s, o, Checkpoint.load(dir), saved, dir, out);
    }

    /// Saves the whole training checkpoint (weights, config, tokenizer, optimizer, trainer state)
    /// into `dir`, written whole or not at all.
    public static void save(Transformer model, AdamW opt, TaskData data, int step, Map<String, String> settings, Path dir,
                            Map<String, String> extra) throws IOException {
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

    private static Result train(Settings s, Options o, Transformer model, TrainingState.Saved resumed, Path resumeDir,
                                PrintStream out) throws IOException {
        int steps = s.steps(), until = o.stopAt() == 0 ? steps : o.stopAt();
        Task task = s.newTask();
        int seqLen = s.sequenceLength();
        List<Problem> heldOut = task.heldOut(s.evalProblems(), 12345);
        int maxAnswer = task.sample(new SplittableRandom(0), Split.TRAIN).answer().length() + 2;
        Map<String, String> settings = s.toMap();
        ModelConfig cfg = model.config;
        Precision precision = Precision.parse(s.precision());
        Fp8Recipe recipe = s.fp8Recipe();

        // 1. the model, optimizer and data: fresh, or restored to where the saved run stopped
        AdamW opt = new AdamW(model.params(), 0.9, 0.95, 1e-8, s.weightDecay()).bf16Moments(s.bf16Moments());
        model.setPrecision(precision, recipe);
        TaskData data = new TaskData(task, s.seed(), s.batch(), seqLen);
        int from = 0;
        if (resumed != null) {
            from = restore(resumeDir, model, opt, data, resumed, o, out);
            out.printf("resuming %s at step %d of %d%n", resumeDir, from, steps);
        }
        out.printf("model: preset %s, %s, %d layers + %d MTP, %,d parameters; task: %d-digit addition%s; %d steps of %d x %d tokens%n",
                s.preset(), s.arch(), cfg.numHiddenLayers(), cfg.numNextnPredictLayers(), model.parameterCount(), s.digits(),
                s.reversed() ? " (sum written least-significant digit first)" : "", steps, s.batch(), seqLen);
        if (precision == Precision.FP8) {
            out.printf("precision: fp8 (E4M3, 1x%d / %dx%d scales, promotion every %d, %s accumulation) in %d linear layers; "
                            + "embedding, head, routers, norms, attention in fp32%s%n", recipe.tile(), recipe.tile(), recipe.tile(),
                    recipe.tile(), recipe.accumulation() == Accumulation.HOPPER_E8M13 ? "Hopper e8m13" : "fp32",
                    model.linears().size(), opt.bf16Moments() ? "; AdamW moments in bf16" : "");
        }
        double lr = s.lr();
        Trainer.Options to = new Trainer.Options(steps, lr, lr / 10, s.warmupSteps(), s.weightDecay(), s.clip(), s.evalEvery());
        Trainer trainer = new Trainer(o.quiet() ? null : out).biasUpdateSpeed(s.biasGamma()).mtpWeight(MtpWeight.parse(s.mtpLambda()));
        model.setBalanceLossAlpha(s.auxAlpha());
        Trainer.StepListener saver = step -> {
            if (o.saveEvery() > 0 && step % o.saveEvery() == 0 && step < until) {
                save(model, opt, data, step, settings, o.out(), Map.of());
            }
        };
        Trainer.History h = trainer.train(model, opt, data, to,
                m -> Map.of("heldout_exact_match", Evaluation.exactMatch(m, task, heldOut, maxAnswer)), from, until, saver);
        double acc = h.evals().get(h.evals().size() - 1).get("heldout_exact_match");
        out.printf("trained in %.1f s (%.1fk tokens/s); final loss %.4f; held-out exact match %.1f%% (%d problems)%n",
                h.seconds(), h.tokens() / h.seconds() / 1000, h.lastLoss(), 100 * acc, heldOut.size());
        report(model, h, s, o, out);

        // 3. save: weights, config, tokenizer, and what a resumed run needs
        save(model, opt, data, until, settings, o.out(), Map.of("heldout_exact_match", String.valueOf(acc)));
        if (until < steps) {
            out.println("stopped at step " + until + " of " + steps + "; continue with: tinyseek train --resume " + o.out());
        }
        out.println("saved " + o.out() + " (" + Checkpoint.CONFIG + ", " + Checkpoint.WEIGHTS + ", " + TOKENIZER + ", "
                + TrainingState.OPTIMIZER + ", " + TrainingState.STATE + ")");
        out.println("answers on held-out problems (greedy):");
        for (Problem p : heldOut.subList(0, Math.min(5, heldOut.size()))) {
            String got = Evaluation.answer(model, p.prompt(), maxAnswer);
            String readable = s.reversed() ? "  (" + new StringBuilder(got).reverse() + " read the usual way)" : "";
            out.printf("  %s%-6s %s%s%n", p.prompt(), got, task.verify(p, got) ? "right" : "wrong, expected " + p.answer(), readable);
        }
        out.println("try: ./tinyseek generate " + o.out() + " --prompt '" + heldOut.get(0).prompt() + "'");
        return new Result(model, h, acc, until, o.out());
    }

    /// Restores the optimizer and data state of the run saved in `dir`; returns its step.
    private static int restore(Path dir, Transformer model, AdamW opt, TaskData data, TrainingState.Saved resumed, Options o,
                               PrintStream out) throws IOException {
        TrainingState.Saved st = TrainingState.load(dir, opt, model.params());
        if (!o.allowBackendChange()) {
            TrainingState.requireSameSetup(st, model, dir);
        } else if (st.backend() != null && !st.backend().equals(Backends.gemm().name())) {
            out.printf("note: the run was trained on the '%s' backend and continues on '%s' (--allow-backend-change): "
                            + "the results will not be bit-identical to a run that never stopped%n", st.backend(),
                    Backends.gemm().name());
        }
        data.restore(resumed.dataRngState());
        return st.step();
    }

    /// The MTP loss, the expert loads and the charts of a finished run.
    private static void report(Transformer model, Trainer.History h, Settings s, Options o, PrintStream out) throws IOException {
        if (!model.mtp.isEmpty()) {
            out.printf("MTP: %d module(s); mean cross-entropy of the modules at the last step %.4f%n", model.mtp.size(),
                    h.steps().get(h.steps().size() - 1).mtpLoss());
        }
        int[] moeLayers = IntStream.range(0, model.layers.size()).filter(i -> model.layers.get(i).ffn instanceof MoeLayer).toArray();
        if (!model.moeLayers().isEmpty()) {
            out.println("expert load (tokens per expert / mean - 1, the maximum; averaged over the last tenth of the steps): "
                    + ExpertLoads.summary(h, moeLayers));
        }
        if (o.plots() == null) {
            return;
        }
        if (!model.moeLayers().isEmpty()) {
            Path heat = o.plots().resolve("expert_load.png");
            double[][] load = ExpertLoads.byStep(h, -1, 200); // [E, windows]
            List<Trainer.Step> st = h.steps();
            Heatmap.write(heat, "expert load: tokens routed to each expert of the last MoE layer, by step",
                    Heatmap.Axis.numbered("routed expert", load.length),
                    Heatmap.Axis.range("training step", st.get(0).step(), st.get(st.size() - 1).step() + 1), load,
                    ExpertLoads.window(h, 200) == 1 ? "tokens per step"
                            : "tokens per step (mean of each " + ExpertLoads.window(h, 200) + " steps)");
            out.println("wrote " + heat);
        }
        Path png = o.plots().resolve("loss.png");
        double[] xs = h.steps().stream().mapToDouble(st -> st.step() + 1).toArray();
        double[] ys = h.steps().stream().mapToDouble(Trainer.Step::loss).toArray();
        Plot.lines(png, "training loss, " + s.digits() + "-digit addition, seed " + s.seed(), "step", "loss",
                List.of(new Plot.Series("cross-entropy on answer tokens", xs, ys)));
        out.println("wrote " + png);
    }
}
