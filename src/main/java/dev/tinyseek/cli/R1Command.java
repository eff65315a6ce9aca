package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.rl.GrpoLoss;
import dev.tinyseek.rl.GrpoRecipe;
import dev.tinyseek.rl.GrpoTrainer;
import dev.tinyseek.rl.R1Base;
import dev.tinyseek.rl.R1Distill;
import dev.tinyseek.rl.R1Eval;
import dev.tinyseek.rl.R1Recipe;
import dev.tinyseek.rl.R1Reports;
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
        R1Reports.save(r.model(), dest, Map.of("r1_stage", "base", "think_share", String.valueOf(s.thinkShare())), out);
        R1Reports.card(dest, "A base model for R1 in miniature: pretrained on 3-digit additions in R1-Zero's template, "
                        + Math.round(100 * s.thinkShare()) + "% of them answered after a worked solution.", command, m, s.seed() + 17,
                r.seconds(), R1Eval.samples(r.model(), heldOut(a).subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        Map<String, Object> j = R1Reports.metrics("heldout_", m);
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
        R1Reports.printSamples(main, out);
        List<R1Zero.Result> controls = new ArrayList<>();
        for (R1Zero.Control c : wanted) {
            out.println("control: " + c.label());
            R1Zero.Result r = R1Zero.run(GrpoTrainer.copy(base), s.withControl(c), progress(a, out, s.steps()));
            out.printf("%s: pass@1 %.1f%% -> %.1f%%, %.1f -> %.1f tokens, %.0f s%n", c.label(), 100 * r.start().pass1(),
                    100 * r.end().pass1(), r.start().meanTokens(), r.end().meanTokens(), r.seconds());
            controls.add(r);
        }
        out.print(R1Reports.zeroTable(main, controls));
        if (a.has("csv")) {
            R1Reports.writeCsv(Path.of(a.string("csv")), main, controls);
            out.println("wrote " + a.string("csv"));
        }
        if (a.has("plots")) {
            R1Reports.plot(Path.of(a.string("plots")).resolve("r1-zero.png"), main, controls, a.longValue("seed"));
            out.println("wrote " + Path.of(a.string("plots")).resolve("r1-zero.png"));
        }
        if (a.has("out")) {
            Path dir = Path.of(a.string("out"));
            R1Reports.save(policy, dir, Map.of("r1_stage", "zero", "grpo_steps", String.valueOf(s.steps())), out);
            R1Reports.card(dir, "R1-Zero in miniature: the base model after " + s.steps() + " GRPO steps with rule rewards only "
                    + "(accuracy + format).", command, main.end(), s.grpo().seed() + 17, main.seconds(), main.samplesEnd());
        }
        return R1Reports.zeroJson(main, controls);
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
                    out.print("\r\033[K" + GrpoRecipe.progress(m, steps, elapsed));
                } else if (!quiet && m.step() % Math.max(1, steps / 10) == 0) {
                    out.println(GrpoRecipe.progress(m, steps, elapsed));
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
        out.print(R1Reports.recipeTable(r));
        out.printf("recipe: %.0f s in all%n", r.seconds());
        if (a.has("out")) {
            Path dir = Path.of(a.string("out"));
            R1Reports.save(r.model(), dir, Map.of("r1_stage", "recipe"), out);
            R1Reports.card(dir, "The R1 recipe in miniature: cold start, reasoning RL, rejection sampling + SFT, final RL.", command,
                    r.stages().get(r.stages().size() - 1).metrics(), s.seed() + 17, r.seconds(),
                    R1Eval.samples(r.model(), heldOut(a).subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        }
        return R1Reports.recipeJson(r);
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
        out.print(R1Reports.distillTable(r));
        if (a.has("out")) {
            Path dir = Path.of(a.string("out"));
            R1Reports.save(r.distilledModel(), dir, Map.of("r1_stage", "distilled"), out);
            R1Reports.card(dir, "A distilled student: one dense layer, fine-tuned only on R1-Zero's verified reasoning traces.", command,
                    r.distilled().metrics(), s.seed() + 17, r.distilled().seconds(),
                    R1Eval.samples(r.distilledModel(), heldOut(a).subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        }
        return R1Reports.distillJson(r, s.seconds());
    }

    // ---- shared ------------------------------------------------------------------------------

    private static List<dev.tinyseek.tasks.Problem> heldOut(Args a) {
        return R1Template.TASK.heldOut(a.integer("heldout", 1, 100_000), R1Zero.HELD_OUT_SEED);
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
}
