package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.rl.GrpoLoss;
import dev.tinyseek.rl.GrpoTrainer;
import dev.tinyseek.rl.R1Base;
import dev.tinyseek.rl.R1Distill;
import dev.tinyseek.rl.R1Recipe;
import dev.tinyseek.rl.R1Runs;
import dev.tinyseek.rl.R1Zero;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/// `tinyseek r1 base | zero | recipe | distill`: DeepSeek-R1 in miniature. Each action is one
/// library call in `rl` ([R1Runs]); this class parses, calls and prints.
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
        Args a = spec().parseOrHelp(argv, out);
        Parallel.setThreads(a.integer("threads", 1, 1024));
        String action = a.positional(0, "ACTION");
        long seed = a.longValue("seed");
        R1Runs.Common c = new R1Runs.Common("tinyseek r1 " + String.join(" ", argv), a.integer("heldout", 1, 100_000),
                a.integer("k", 1, 1000), seed, a.has("out") ? Path.of(a.string("out")) : null, a.isSet("quiet"));
        Map<String, Object> json = switch (action) {
            case "base" -> R1Runs.base(baseSettings(a), a.isSet("student"), c, out);
            case "zero" -> {
                R1Zero.Settings s = zeroSettings(a);
                List<R1Zero.Control> wanted = controls(a); // checked before any training
                yield R1Runs.zero(load(a, "base"), a.string("base"), s, wanted, GrpoCommand.path(a, "csv"),
                        GrpoCommand.path(a, "plots"), c, out);
            }
            case "recipe" -> R1Runs.recipe(load(a, "base"), a.string("base"), R1Recipe.Settings.defaults().withSeed(seed)
                    .withColdStart(a.integer("cold-examples", 1, 1_000_000), a.integer("cold-steps", 1, 10_000_000)), c, out);
            case "distill" -> R1Runs.distill(load(a, "teacher"), a.string("teacher"), load(a, "student-base"),
                    a.string("student-base"), R1Distill.Settings.defaults().withSeconds(a.number("seconds", 1, 86_400))
                            .withMaxSftSteps(a.integer("sft-steps", 1, 10_000_000)).withSeed(seed), c, out);
            default -> throw new Args.UsageException("unknown action '" + action + "'; valid: base, zero, recipe, distill");
        };
        if (a.isSet("json")) {
            out.println(Json.write(json, false));
        }
        return 0;
    }

    private static R1Base.Settings baseSettings(Args a) {
        int steps = a.string("steps").equals("auto") ? 2000 : a.integer("steps", 1, 10_000_000);
        R1Base.Settings s = R1Base.Settings.defaults().withThinkShare(a.number("think-share", 0, 1)).withSteps(steps)
                .withSeed(a.longValue("seed"));
        return a.isSet("student") ? s.withConfig(R1Distill.studentConfig()) : s;
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
        return Args.usage(() -> R1Runs.controls(a.string("controls")));
    }

    private static Transformer load(Args a, String option) throws IOException {
        Path dir = Path.of(a.string(option));
        Args.usage(() -> { R1Runs.requireModelDirectory(dir, option); return dir; });
        Transformer m = Checkpoint.load(dir);
        return Args.usage(() -> { R1Runs.requireR1Vocabulary(dir, m); return m; });
    }
}
