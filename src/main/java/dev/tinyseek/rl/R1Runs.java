package dev.tinyseek.rl;

import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/// The four R1 actions of `tinyseek r1` as library calls: each runs its recipe ([R1Base],
/// [R1Zero], [R1Recipe], [R1Distill]), prints what it measured, saves the model with its card
/// ([R1Reports#card]) when asked, and returns its figures under the keys of `--json`.
public final class R1Runs {

    private R1Runs() {
    }

    /// What every action shares: the command line recorded in the card, the held-out problems and
    /// samples per problem of the evaluation, the seed, where to save the model (null: not saved;
    /// `base` saves to `runs/r1-base` then), and `quiet` (no per-step lines).
    public record Common(String command, int heldOut, int k, long seed, Path out, boolean quiet) {

        /// The held-out problems (never in any corpus).
        public List<Problem> problems() {
            return R1Template.TASK.heldOut(heldOut, R1Zero.HELD_OUT_SEED);
        }
    }

    /// Pretrains a base model (`student`: in the distillation student's shape) and saves it.
    public static Map<String, Object> base(R1Base.Settings s, boolean student, Common c, PrintStream out) throws IOException {
        Path dest = c.out() != null ? c.out() : Path.of("runs/r1-base");
        out.printf("r1 base: %s, %d steps of %d documents, %.0f%% of them worked out, seed %d%n",
                student ? "student shape (1 dense layer)" : "tiny preset", s.steps(), s.batch(), 100 * s.thinkShare(), s.seed());
        R1Base.Result r = R1Base.pretrain(s, c.quiet() ? null : out);
        R1Eval.Metrics m = R1Eval.evaluate(r.model(), R1Template.TASK, c.problems(), c.k(), R1Zero.MAX_NEW, s.seed() + 17);
        out.printf("trained in %.1f s (final loss %.4f); held-out: %s%n", r.seconds(), r.finalLoss(), m);
        R1Reports.save(r.model(), dest, Map.of("r1_stage", "base", "think_share", String.valueOf(s.thinkShare())), out);
        R1Reports.card(dest, "A base model for R1 in miniature: pretrained on 3-digit additions in R1-Zero's template, "
                        + Math.round(100 * s.thinkShare()) + "% of them answered after a worked solution.", c.command(), m, s.seed() + 17,
                r.seconds(), R1Eval.samples(r.model(), c.problems().subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        Map<String, Object> j = R1Reports.metrics("heldout_", m);
        j.put("seconds", r.seconds());
        return j;
    }

    /// R1-Zero from `base` (named `baseName` in the printed lines), then each control from the
    /// same base; writes the CSV and the chart where they are not null.
    public static Map<String, Object> zero(Transformer base, String baseName, R1Zero.Settings s, List<R1Zero.Control> wanted,
                                           Path csv, Path plots, Common c, PrintStream out) throws IOException {
        out.printf("r1 zero: GRPO from %s; %d steps of %d prompts x %d completions at T %s, lr %s, loss %s; reward: "
                        + "accuracy + format (nothing asks for thinking)%n", baseName, s.steps(), s.grpo().prompts(),
                s.grpo().group(), s.grpo().temperature(), s.grpo().lr(),
                s.grpo().loss().normalization().name().toLowerCase(java.util.Locale.ROOT));
        Transformer policy = GrpoTrainer.copy(base);
        R1Zero.Result main = R1Zero.run(policy, s, progress(c.quiet(), out, s.steps()));
        R1Reports.printSamples(main, out);
        List<R1Zero.Result> controls = new ArrayList<>();
        for (R1Zero.Control control : wanted) {
            out.println("control: " + control.label());
            R1Zero.Result r = R1Zero.run(GrpoTrainer.copy(base), s.withControl(control), progress(c.quiet(), out, s.steps()));
            out.printf("%s: pass@1 %.1f%% -> %.1f%%, %.1f -> %.1f tokens, %.0f s%n", control.label(), 100 * r.start().pass1(),
                    100 * r.end().pass1(), r.start().meanTokens(), r.end().meanTokens(), r.seconds());
            controls.add(r);
        }
        out.print(R1Reports.zeroTable(main, controls));
        if (csv != null) {
            R1Reports.writeCsv(csv, main, controls);
            out.println("wrote " + csv);
        }
        if (plots != null) {
            R1Reports.plot(plots.resolve("r1-zero.png"), main, controls, c.seed());
            out.println("wrote " + plots.resolve("r1-zero.png"));
        }
        if (c.out() != null) {
            R1Reports.save(policy, c.out(), Map.of("r1_stage", "zero", "grpo_steps", String.valueOf(s.steps())), out);
            R1Reports.card(c.out(), "R1-Zero in miniature: the base model after " + s.steps() + " GRPO steps with rule rewards only "
                    + "(accuracy + format).", c.command(), main.end(), s.grpo().seed() + 17, main.seconds(), main.samplesEnd());
        }
        return R1Reports.zeroJson(main, controls);
    }

    /// The full recipe from `base`: cold start, reasoning RL, rejection sampling + SFT, final RL.
    public static Map<String, Object> recipe(Transformer base, String baseName, R1Recipe.Settings s, Common c, PrintStream out)
            throws IOException {
        out.printf("r1 recipe from %s: cold start (%d worked solutions), reasoning RL (%d steps, readability weight %s), "
                        + "rejection sampling + SFT, final RL (%d steps)%n", baseName, s.coldExamples(), s.rlSteps(),
                s.readability(), s.finalRlSteps());
        R1Recipe.Result r = R1Recipe.run(base, s, st -> out.printf("%-26s %s%s%n", st.name() + ":", st.metrics(),
                st.detail().isEmpty() ? "" : String.format(" (%s; %.0f s)", st.detail(), st.seconds())));
        out.print(R1Reports.recipeTable(r));
        out.printf("recipe: %.0f s in all%n", r.seconds());
        if (c.out() != null) {
            R1Reports.save(r.model(), c.out(), Map.of("r1_stage", "recipe"), out);
            R1Reports.card(c.out(), "The R1 recipe in miniature: cold start, reasoning RL, rejection sampling + SFT, final RL.",
                    c.command(), r.stages().get(r.stages().size() - 1).metrics(), s.seed() + 17, r.seconds(),
                    R1Eval.samples(r.model(), c.problems().subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        }
        return R1Reports.recipeJson(r);
    }

    /// Distillation: the student fine-tuned on the teacher's verified traces, against the same
    /// student trained by GRPO alone for the same time.
    public static Map<String, Object> distill(Transformer teacher, String teacherName, Transformer student, String studentName,
                                              R1Distill.Settings s, Common c, PrintStream out) throws IOException {
        out.printf("r1 distill: teacher %s (%,d parameters), student %s (%,d parameters); %.0f s of training each%n",
                teacherName, teacher.parameterCount(), studentName, student.parameterCount(), s.seconds());
        R1Distill.Result r = R1Distill.run(teacher, student, s);
        out.printf("teacher traces: kept %d of %d samples (%.0f s)%n", r.traces(), r.traceSamples(), r.traceSeconds());
        out.print(R1Reports.distillTable(r));
        if (c.out() != null) {
            R1Reports.save(r.distilledModel(), c.out(), Map.of("r1_stage", "distilled"), out);
            R1Reports.card(c.out(), "A distilled student: one dense layer, fine-tuned only on R1-Zero's verified reasoning traces.",
                    c.command(), r.distilled().metrics(), s.seed() + 17, r.distilled().seconds(),
                    R1Eval.samples(r.distilledModel(), c.problems().subList(0, 3), R1Zero.MAX_NEW, s.seed()));
        }
        return R1Reports.distillJson(r, s.seconds());
    }

    /// Progress of an R1-Zero run: on a terminal one line rewritten in place, else a line every
    /// tenth of the steps (none when `quiet`), and a line at every evaluation.
    public static R1Zero.Progress progress(boolean quiet, PrintStream out, int steps) {
        boolean live = System.console() != null;
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

    /// The controls named in `list` (comma-separated: no-think, shuffled, none).
    public static List<R1Zero.Control> controls(String list) {
        List<R1Zero.Control> out = new ArrayList<>();
        for (String c : list.split(",")) {
            switch (c.strip()) {
                case "no-think" -> out.add(R1Zero.Control.NO_THINK);
                case "shuffled" -> out.add(R1Zero.Control.SHUFFLED);
                case "none", "" -> { }
                default -> throw new IllegalArgumentException("--controls: unknown control '" + c + "'; valid: no-think, shuffled, none");
            }
        }
        return out;
    }

    /// Refuses `dir` (given as `--option`) when it is not a model directory.
    public static void requireModelDirectory(Path dir, String option) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--" + option + " " + dir + " is not a model directory; make one with `tinyseek r1 "
                    + (option.equals("teacher") ? "zero --out DIR" : "base --out DIR" + (option.equals("student-base") ? " --student" : ""))
                    + "` or run from the project's root");
        }
    }

    /// Refuses a model (loaded from `dir`) whose vocabulary is not the R1 template's.
    public static void requireR1Vocabulary(Path dir, Transformer m) {
        if (m.config.vocabSize() != R1Template.TOKENIZER.vocabSize()) {
            throw new IllegalArgumentException(dir + " has a vocabulary of " + m.config.vocabSize() + " tokens; the R1 template needs "
                    + R1Template.TOKENIZER.vocabSize() + " (bytes + 6 specials): use a model made by `tinyseek r1`");
        }
    }
}
