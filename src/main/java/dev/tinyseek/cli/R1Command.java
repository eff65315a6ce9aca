package dev.tinyseek.cli;

import dev.tinyseek.chart.Plot;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.rl.GrpoLoss;
import dev.tinyseek.rl.GrpoTrainer;
import dev.tinyseek.rl.R1Base;
import dev.tinyseek.rl.R1Distill;
import dev.tinyseek.rl.R1Eval;
import dev.tinyseek.rl.R1Recipe;
import dev.tinyseek.rl.R1Template;
import dev.tinyseek.rl.R1Zero;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// `tinyseek r1 base | zero | recipe | distill`: DeepSeek-R1 in miniature. Each action is one
/// library call in `rl` ([R1Base], [R1Zero], [R1Recipe], [R1Distill]); this class parses, calls
/// and prints.
final class R1Command implements Main.Command {

    @Override
    public String summary() {
        return "R1 in miniature: a base model, R1-Zero (GRPO alone), the R1 recipe, distillation";
    }

    static Args spec() {
        return new Args("r1", "DeepSeek-R1 in miniature on 3-digit addition, in R1-Zero's template.\n"
                + "  tinyseek r1 base      pretrains a base model on a corpus where 15% of the answers are worked out\n"
                + "  tinyseek r1 zero      GRPO from the base with rule rewards only, and the controls\n"
                + "  tinyseek r1 recipe    cold start, reasoning RL, rejection sampling + SFT, final RL\n"
                + "  tinyseek r1 distill   a smaller student: SFT on R1 traces against GRPO, same wall time")
                .positional("ACTION", "base | zero | recipe | distill")
                .option("base", "DIR", "tiny-models/r1-base", "zero, recipe: the base model")
                .option("teacher", "DIR", "tiny-models/r1-zero", "distill: the reasoning model whose traces are distilled")
                .option("student-base", "DIR", "tiny-models/r1-student-base", "distill: the student's base model")
                .option("steps", "N", "auto", "base: pretraining steps (2000); zero: GRPO steps (100)")
                .option("think-share", "X", "0.15", "base: share of worked solutions in the corpus")
                .flag("student", "base: pretrain the distillation student's shape instead (1 dense layer)")
                .option("controls", "LIST", "no-think", "zero: controls run after the main run: no-think, shuffled, none")
                .option("loss", "NAME", "grpo", "zero: GRPO normalisation: grpo | dr_grpo | dapo | bnpo")
                .option("lr", "X", "1e-4", "zero: GRPO learning rate")
                .option("eval-every", "N", "10", "zero: held-out evaluation every N steps")
                .option("heldout", "N", "200", "held-out problems (never in any corpus)")
                .option("k", "N", "8", "samples per held-out problem for pass@1 and cons@k (T 0.6, top-p 0.95)")
                .option("seconds", "S", "120", "distill: training seconds for each student (SFT stops sooner when its steps are done)")
                .option("sft-steps", "N", "500", "distill: SFT steps of the distilled student")
                .option("cold-examples", "N", "300", "recipe: worked solutions in the cold-start set")
                .option("cold-steps", "N", "150", "recipe: SFT steps of the cold start")
                .option("seed", "N", "1", "seed of weights, data and sampling")
                .option("threads", "N", String.valueOf(Runtime.getRuntime().availableProcessors()), "worker threads")
                .option("csv", "FILE", null, "zero: write every evaluation there")
                .option("plots", "DIR", null, "zero: write r1-zero.png (pass@1 and mean length by step) there")
                .option("out", "DIR", null, "save the final model there (distill: the distilled student)")
                .flag("json", "end with one line holding a JSON object of the results")
                .flag("quiet", "no per-step lines");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        Parallel.setThreads(a.integer("threads", 1, 1024));
        String action = a.positional(0, "ACTION");
        String command = "tinyseek r1 " + String.join(" ", argv);
        Map<String, Object> json = switch (action) {
            case "base" -> base(a, command, out);
            case "zero" -> zero(a, command, out);
            case "recipe" -> recipe(a, command, out);
            case "distill" -> distill(a, command, out);
            default -> throw new Args.UsageException("unknown action '" + action + "'; valid: base, zero, recipe, distill");
        };
        if (a.isSet("json")) {
            out.println(Json.write(json, false));
        }
        return 0;
    }

    // ---- base --------------------------------------------------------------------------------

    private static Map<String, Object> base(Args a, String command, PrintStream out) throws IOException {
        Path dest = outDir(a, "runs/r1-base");
        int steps = a.string("steps").equals("auto") ? 2000 : a.integer("steps", 1, 10_000_000);
        R1Base.Settings s = R1Base.Settings.defaults().withThinkShare(a.number("think-share", 0, 1)).withSteps(steps)
                .withSeed(a.longValue("seed"));
        if (a.isSet("student")) {
            s = s.withConfig(R1Distill.studentConfig());
        }
        out.printf("r1 base: %s, %d steps of %d documents, %.0f%% of them worked out, seed %d%n",
                a.isSet("student") ? "student shape (1 dense layer)" : "tiny preset", s.steps(), s.batch(),
                100 * s.thinkShare(), s.seed());
        R1Base.Result r = R1Base.pretrain(s, a.isSet("quiet") ? null : out);
        R1Eval.Metrics m = R1Eval.evaluate(r.model(), R1Template.TASK, heldOut(a), a.integer("k", 1, 1000), R1Zero.MAX_NEW, s.seed() + 17);
        out.printf("trained in %.1f s (final loss %.4f); held-out: %s%n", r.seconds(), r.finalLoss(), m);
        save(r.model(), dest, Map.of("r1_stage", "base", "think_share", String.valueOf(s.thinkShare())), out);
        card(dest, "A base model for R1 in miniature: pretrained on 3-digit additions in R1-Zero's template, "
                        + Math.round(100 * s.thinkShare()) + "% of them answered after a worked solution.", command, m, s.seed() + 17,
                r.seconds(), R1Eval.samples(r.model(), heldOut(a).subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        Map<String, Object> j = metrics("heldout_", m);
        j.put("seconds", r.seconds());
        return j;
    }

    // ---- zero --------------------------------------------------------------------------------

    private static Map<String, Object> zero(Args a, String command, PrintStream out) throws IOException {
        Transformer base = load(a, "base");
        R1Zero.Settings s = zeroSettings(a);
        List<R1Zero.Control> wanted = controls(a); // checked before any training
        out.printf("r1 zero: GRPO from %s; %d steps of %d prompts x %d completions at T %s, lr %s, loss %s; reward: "
                        + "accuracy + format (nothing asks for thinking)%n", a.string("base"), s.steps(), s.grpo().prompts(),
                s.grpo().group(), s.grpo().temperature(), s.grpo().lr(), a.string("loss"));
        Transformer policy = GrpoTrainer.copy(base);
        R1Zero.Result main = R1Zero.run(policy, s, progress(a, out, s.steps()));
        printZero(main, out);
        List<R1Zero.Result> controls = new ArrayList<>();
        for (R1Zero.Control c : wanted) {
            out.println("control: " + c.label());
            R1Zero.Result r = R1Zero.run(GrpoTrainer.copy(base), s.withControl(c), progress(a, out, s.steps()));
            out.printf("%s: pass@1 %.1f%% -> %.1f%%, %.1f -> %.1f tokens, %.0f s%n", c.label(), 100 * r.start().pass1(),
                    100 * r.end().pass1(), r.start().meanTokens(), r.end().meanTokens(), r.seconds());
            controls.add(r);
        }
        table(main, controls, out);
        if (a.has("csv")) {
            writeCsv(Path.of(a.string("csv")), main, controls);
            out.println("wrote " + a.string("csv"));
        }
        if (a.has("plots")) {
            plot(Path.of(a.string("plots")).resolve("r1-zero.png"), main, controls, a.longValue("seed"));
            out.println("wrote " + Path.of(a.string("plots")).resolve("r1-zero.png"));
        }
        if (a.has("out")) {
            Path dir = Path.of(a.string("out"));
            save(policy, dir, Map.of("r1_stage", "zero", "grpo_steps", String.valueOf(s.steps())), out);
            card(dir, "R1-Zero in miniature: the base model after " + s.steps() + " GRPO steps with rule rewards only "
                    + "(accuracy + format).", command, main.end(), s.grpo().seed() + 17, main.seconds(), main.samplesEnd());
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("heldout_pass1_start", main.start().pass1());
        j.put("heldout_pass1_end", main.end().pass1());
        j.put("mean_completion_tokens_start", main.start().meanTokens());
        j.put("mean_completion_tokens_end", main.end().meanTokens());
        j.putAll(metrics("start_", main.start()));
        j.putAll(metrics("end_", main.end()));
        j.put("seconds", main.seconds());
        for (R1Zero.Result c : controls) {
            String key = c.control() == R1Zero.Control.NO_THINK ? "control_no_think" : "control_shuffled";
            j.put(key + "_pass1_end", c.end().pass1());
            j.put(key + "_tokens_end", c.end().meanTokens());
            j.put(key + "_seconds", c.seconds());
        }
        return j;
    }

    private static R1Zero.Settings zeroSettings(Args a) {
        int steps = a.string("steps").equals("auto") ? 100 : a.integer("steps", 1, 10_000_000);
        GrpoLoss.Normalization n = GrpoLoss.Normalization.parse(a.choice("loss", "grpo", "dr_grpo", "dapo", "bnpo"));
        R1Zero.Settings d = R1Zero.Settings.defaults();
        GrpoTrainer.Options g = d.grpo().withLr(a.number("lr", 1e-9, 1)).withLoss(d.grpo().loss().with(n));
        return d.withGrpo(g).withSteps(steps).withEvalEvery(a.integer("eval-every", 1, 10_000_000))
                .withHeldOut(a.integer("heldout", 1, 100_000), a.integer("k", 1, 1000)).withSeed(a.longValue("seed"));
    }

    private static List<R1Zero.Control> controls(Args a) {
        List<R1Zero.Control> out = new ArrayList<>();
        for (String c : a.string("controls").split(",")) {
            switch (c.strip()) {
                case "no-think" -> out.add(R1Zero.Control.NO_THINK);
                case "shuffled" -> out.add(R1Zero.Control.SHUFFLED);
                case "none", "" -> { }
                default -> throw new Args.UsageException("--controls: unknown control '" + c + "'; valid: no-think, shuffled, none");
            }
        }
        return out;
    }

    private static R1Zero.Progress progress(Args a, PrintStream out, int steps) {
        boolean quiet = a.isSet("quiet"), live = System.console() != null;
        long t0 = System.nanoTime();
        return new R1Zero.Progress() {
            @Override
            public void step(GrpoTrainer.StepMetrics m, int n) {
                double elapsed = (System.nanoTime() - t0) / 1e9;
                if (!quiet && live) {
                    out.print("\r\033[K" + GrpoCommand.progress(m, steps, elapsed));
                } else if (!quiet && m.step() % Math.max(1, steps / 10) == 0) {
                    out.println(GrpoCommand.progress(m, steps, elapsed));
                }
            }

            @Override
            public void eval(R1Zero.Point p) {
                if (!quiet && live) {
                    out.println();
                }
                out.printf("step %d (%.0f s of GRPO): %s%n", p.step(), p.seconds(), p.metrics());
            }
        };
    }

    private static void printZero(R1Zero.Result r, PrintStream out) {
        out.println("sampled completions (T 0.6) of three held-out problems, at the start:");
        r.samplesStart().forEach(x -> out.println("  " + x));
        out.println("in the middle:");
        r.samplesMiddle().forEach(x -> out.println("  " + x));
        out.println("at the end:");
        r.samplesEnd().forEach(x -> out.println("  " + x));
    }

    private static void table(R1Zero.Result main, List<R1Zero.Result> controls, PrintStream out) {
        out.println();
        out.println("| run | pass@1 start -> end | greedy end | cons@k end | tokens start -> end | thinks end | seconds |");
        out.println("|---|---|---|---|---|---|---|");
        List<R1Zero.Result> all = new ArrayList<>(List.of(main));
        all.addAll(controls);
        for (R1Zero.Result r : all) {
            out.printf("| %s | %.1f%% -> %.1f%% | %.1f%% | %.1f%% | %.1f -> %.1f | %.1f%% | %.0f |%n", r.control().label(),
                    100 * r.start().pass1(), 100 * r.end().pass1(), 100 * r.end().greedy(), 100 * r.end().consK(),
                    r.start().meanTokens(), r.end().meanTokens(), 100 * r.end().thinkShare(), r.seconds());
        }
    }

    private static void writeCsv(Path file, R1Zero.Result main, List<R1Zero.Result> controls) throws IOException {
        StringBuilder sb = new StringBuilder("run,step,grpo_seconds,pass1,greedy,cons_k,mean_tokens,think_share,well_formed,readable\n");
        List<R1Zero.Result> all = new ArrayList<>(List.of(main));
        all.addAll(controls);
        for (R1Zero.Result r : all) {
            for (R1Zero.Point p : r.curve()) {
                R1Eval.Metrics m = p.metrics();
                sb.append(String.format("%s,%d,%.2f,%.4f,%.4f,%.4f,%.3f,%.4f,%.4f,%.4f%n", r.control().name().toLowerCase(),
                        p.step(), p.seconds(), m.pass1(), m.greedy(), m.consK(), m.meanTokens(), m.thinkShare(),
                        m.wellFormedShare(), m.readableShare()));
            }
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Checkpoint.writeAtomically(file, sb.toString());
    }

    private static void plot(Path png, R1Zero.Result main, List<R1Zero.Result> controls, long seed) throws IOException {
        Files.createDirectories(png.getParent());
        List<Plot.Series> series = new ArrayList<>();
        List<R1Zero.Result> all = new ArrayList<>(List.of(main));
        all.addAll(controls);
        for (R1Zero.Result r : all) {
            double[] x = r.curve().stream().mapToDouble(R1Zero.Point::step).toArray();
            series.add(new Plot.Series(r.control().label() + ": pass@1 (%)", x,
                    r.curve().stream().mapToDouble(p -> 100 * p.metrics().pass1()).toArray()));
            series.add(new Plot.Series(r.control().label() + ": mean tokens", x,
                    r.curve().stream().mapToDouble(p -> p.metrics().meanTokens()).toArray()));
        }
        Plot.lines(png, "R1-Zero on 3-digit addition, seed " + seed, "GRPO step", "pass@1 (%) / mean completion tokens", series);
    }

    // ---- recipe ------------------------------------------------------------------------------

    private static Map<String, Object> recipe(Args a, String command, PrintStream out) throws IOException {
        Transformer base = load(a, "base");
        R1Recipe.Settings s = R1Recipe.Settings.defaults().withSeed(a.longValue("seed"))
                .withColdStart(a.integer("cold-examples", 1, 1_000_000), a.integer("cold-steps", 1, 10_000_000));
        out.printf("r1 recipe from %s: cold start (%d worked solutions), reasoning RL (%d steps, readability weight %s), "
                        + "rejection sampling + SFT, final RL (%d steps)%n", a.string("base"), s.coldExamples(), s.rlSteps(),
                s.readability(), s.finalRlSteps());
        R1Recipe.Result r = R1Recipe.run(base, s, st -> out.printf("%-26s %s%s%n", st.name() + ":", st.metrics(),
                st.detail().isEmpty() ? "" : String.format(" (%s; %.0f s)", st.detail(), st.seconds())));
        out.println();
        out.println("| stage | pass@1 | greedy | cons@k | mean tokens | thinks | readable steps | seconds |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (R1Recipe.Stage st : r.stages()) {
            R1Eval.Metrics m = st.metrics();
            out.printf("| %s | %.1f%% | %.1f%% | %.1f%% | %.1f | %.1f%% | %.1f%% | %.0f |%n", st.name(), 100 * m.pass1(),
                    100 * m.greedy(), 100 * m.consK(), m.meanTokens(), 100 * m.thinkShare(), 100 * m.readableShare(), st.seconds());
        }
        out.printf("recipe: %.0f s in all%n", r.seconds());
        if (a.has("out")) {
            Path dir = Path.of(a.string("out"));
            save(r.model(), dir, Map.of("r1_stage", "recipe"), out);
            card(dir, "The R1 recipe in miniature: cold start, reasoning RL, rejection sampling + SFT, final RL.", command,
                    r.stages().get(r.stages().size() - 1).metrics(), s.seed() + 17, r.seconds(),
                    R1Eval.samples(r.model(), heldOut(a).subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        }
        Map<String, Object> j = new LinkedHashMap<>();
        for (R1Recipe.Stage st : r.stages()) {
            j.putAll(metrics(st.name().toLowerCase().replaceAll("[^a-z0-9]+", "_") + "_", st.metrics()));
        }
        j.put("seconds", r.seconds());
        return j;
    }

    // ---- distill -----------------------------------------------------------------------------

    private static Map<String, Object> distill(Args a, String command, PrintStream out) throws IOException {
        Transformer teacher = load(a, "teacher");
        Transformer student = load(a, "student-base");
        R1Distill.Settings s = R1Distill.Settings.defaults().withSeconds(a.number("seconds", 1, 86_400))
                .withMaxSftSteps(a.integer("sft-steps", 1, 10_000_000)).withSeed(a.longValue("seed"));
        out.printf("r1 distill: teacher %s (%,d parameters), student %s (%,d parameters); %.0f s of training each%n",
                a.string("teacher"), teacher.parameterCount(), a.string("student-base"), student.parameterCount(), s.seconds());
        R1Distill.Result r = R1Distill.run(teacher, student, s);
        out.printf("teacher traces: kept %d of %d samples (%.0f s)%n", r.traces(), r.traceSamples(), r.traceSeconds());
        out.println();
        out.println("| student | pass@1 | greedy | cons@k | mean tokens | thinks | steps | seconds |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (R1Distill.Row row : List.of(r.base(), r.distilled(), r.rlOnly())) {
            R1Eval.Metrics m = row.metrics();
            out.printf("| %s | %.1f%% | %.1f%% | %.1f%% | %.1f | %.1f%% | %d | %.0f |%n", row.name(), 100 * m.pass1(),
                    100 * m.greedy(), 100 * m.consK(), m.meanTokens(), 100 * m.thinkShare(), row.steps(), row.seconds());
        }
        if (a.has("out")) {
            Path dir = Path.of(a.string("out"));
            save(r.distilledModel(), dir, Map.of("r1_stage", "distilled"), out);
            card(dir, "A distilled student: one dense layer, fine-tuned only on R1-Zero's verified reasoning traces.", command,
                    r.distilled().metrics(), s.seed() + 17, r.distilled().seconds(),
                    R1Eval.samples(r.distilledModel(), heldOut(a).subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.putAll(metrics("student_base_", r.base().metrics()));
        j.putAll(metrics("distilled_", r.distilled().metrics()));
        j.putAll(metrics("rl_only_", r.rlOnly().metrics()));
        j.put("distilled_steps", r.distilled().steps());
        j.put("rl_only_steps", r.rlOnly().steps());
        j.put("seconds_each", s.seconds());
        return j;
    }

    // ---- shared ------------------------------------------------------------------------------

    private static List<dev.tinyseek.tasks.Problem> heldOut(Args a) {
        return R1Template.TASK.heldOut(a.integer("heldout", 1, 100_000), R1Zero.HELD_OUT_SEED);
    }

    private static Map<String, Object> metrics(String prefix, R1Eval.Metrics m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put(prefix + "pass1", m.pass1());
        j.put(prefix + "greedy", m.greedy());
        j.put(prefix + "cons_k", m.consK());
        j.put(prefix + "mean_tokens", m.meanTokens());
        j.put(prefix + "think_share", m.thinkShare());
        return j;
    }

    private static Transformer load(Args a, String option) throws IOException {
        Path dir = Path.of(a.string(option));
        if (!Files.isDirectory(dir)) {
            throw new Args.UsageException("--" + option + " " + dir + " is not a model directory; make one with `tinyseek r1 "
                    + (option.equals("teacher") ? "zero --out DIR" : "base --out DIR" + (option.equals("student-base") ? " --student" : ""))
                    + "` or run from the project's root");
        }
        Transformer m = Checkpoint.load(dir);
        if (m.config.vocabSize() != R1Template.TOKENIZER.vocabSize()) {
            throw new Args.UsageException(dir + " has a vocabulary of " + m.config.vocabSize() + " tokens; the R1 template needs "
                    + R1Template.TOKENIZER.vocabSize() + " (bytes + 6 specials): use a model made by `tinyseek r1`");
        }
        return m;
    }

    private static Path outDir(Args a, String dflt) {
        return Path.of(a.has("out") ? a.string("out") : dflt);
    }

    private static void save(Transformer m, Path dir, Map<String, String> meta, PrintStream out) throws IOException {
        Checkpoint.save(m, dir, Dtype.F32, meta);
        R1Template.TOKENIZER.save(dir.resolve("tokenizer.json"));
        out.println("saved " + dir + " (config.json, model.safetensors, tokenizer.json)");
    }

    /// The card of a model saved by an R1 action: `r1.json` (the command, the held-out metrics
    /// as [R1Eval] gives them for `--heldout` problems × `--k` samples with seed + 17, and the
    /// seconds) and a `README.md` rendered from it. A test recomputes the metrics from the weights.
    static void card(Path dir, String title, String command, R1Eval.Metrics m, long evalSeed, double seconds,
                     List<String> samples) throws IOException {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("title", title);
        j.put("command", command);
        j.put("heldout_problems", m.problems());
        j.put("heldout_seed", R1Zero.HELD_OUT_SEED);
        j.put("k", m.k());
        j.put("eval_seed", evalSeed);
        j.put("max_new", R1Zero.MAX_NEW);
        j.putAll(metrics("", m));
        j.put("well_formed_share", m.wellFormedShare());
        j.put("seconds", seconds);
        j.put("samples", samples);
        Checkpoint.writeAtomically(dir.resolve("r1.json"), Json.write(j, true) + "\n");
        StringBuilder md = new StringBuilder("# " + dir.getFileName() + "\n\n" + title + "\n\n");
        md.append("Made with `").append(command).append("` (").append(String.format("%.0f", seconds))
                .append(" s on a 2-core machine). The tokenizer is bytes plus the R1 template's six special tokens; the\n")
                .append("prompt is `User: 495+672= Assistant:` and the answer is the sum written lowest digit first.\n\n")
                .append(String.format("Held-out (%d problems never in any corpus, %d samples each at T 0.6, top-p 0.95):%n%n",
                        m.problems(), m.k()))
                .append("| pass@1 | greedy | cons@k | mean completion tokens | completions that think |\n|---|---|---|---|---|\n")
                .append(String.format("| %.1f%% | %.1f%% | %.1f%% | %.1f | %.1f%% |%n%n", 100 * m.pass1(), 100 * m.greedy(),
                        100 * m.consK(), m.meanTokens(), 100 * m.thinkShare()))
                .append("Sampled completions:\n\n```\n");
        samples.forEach(x -> md.append(x).append("\n"));
        md.append("```\n\n`r1.json` holds these figures; `R1ModelsTest` recomputes them from the weights.\n");
        Checkpoint.writeAtomically(dir.resolve("README.md"), md.toString());
    }
}
