package dev.tinyseek.experiments;

import dev.tinyseek.experiments.ModelCard;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.train.Evaluation;
import dev.tinyseek.tasks.Problem;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/// The shipped tiny models in `tiny-models/`: their recipes, making one again from scratch with
/// the recipe its card records, and checking that every card still tells the truth
/// (`tinyseek models list | make | check`).
public final class TinyModels {

    private TinyModels() {
    }

    /// Runs one `tinyseek` command line (without the word `tinyseek`), printing to `out`; returns
    /// its exit code. The command line's entry point is one.
    public interface CommandLine {
        int run(String[] argv, PrintStream out) throws Exception;
    }

    /// How a shipped model is made: the command lines (run in this process, in order; `{out}` is
    /// the model directory, `{work}` a scratch directory), how its card evaluates it, and the
    /// charts the card shows.
    public record Recipe(String name, String title, String description, List<String> commands, int digits, boolean reversed,
                  List<ModelCard.Figure> figures) {
        Recipe(String name, String title, String description, List<String> commands, int digits, boolean reversed) {
            this(name, title, description, commands, digits, reversed, ModelCard.LOSS_ONLY);
        }
    }

    public static final int EVAL_PROBLEMS = 500;
    public static final long EVAL_SEED = 12345;
    public static final int GOLDEN = 5;

    public static final List<Recipe> RECIPES = List.of(
            new Recipe("deepseek-v3-addition",
                    "A 2-digit adder in the DeepSeek-V3 shape: Multi-head Latent Attention, DeepSeekMoE and one Multi-Token Prediction module.",
                    "The `tiny` preset (hidden size 64, 2 layers: a dense first layer, then a MoE layer with 8 routed experts "
                            + "(top 2, sigmoid gate, auxiliary-loss-free bias) and 1 shared expert; MLA with a 16-wide latent KV), "
                            + "plus one MTP module (`num_nextn_predict_layers = 1`) trained with weight 0.3. Byte-level tokens; a "
                            + "problem reads `07+45=` and the sum is written least-significant digit first (`250` for 52), ending "
                            + "with a newline. Trained in fp32 with AdamW, 2000 steps of 64 problems. Try it with "
                            + "`./tinyseek generate tiny-models/deepseek-v3-addition --prompt '72+98='`.",
                    List.of("tinyseek train --mtp-depth 1 --steps 2000 --seed 1 --quiet --out {out} --plots {out}"),
                    2, true),
            new Recipe("deepseek-v3-addition-fp8",
                    "The same DeepSeek-V3-shaped adder, trained through simulated FP8 GEMMs (DeepSeek-V3's recipe).",
                    "Same shape, data, seed and steps as `deepseek-v3-addition`, but every linear layer except the output "
                            + "head and the MoE router computes its forward, input-gradient and weight-gradient products in "
                            + "E4M3 with fine-grained scales (1x32 activation tiles, 32x32 weight blocks: 32 stands in for "
                            + "DeepSeek's 128 at this width) and partial sums promoted to fp32 every 32 products; master "
                            + "weights, gradients and AdamW moments stay fp32. The weights are saved in fp32 and the card "
                            + "evaluates them in fp32. Try it with "
                            + "`./tinyseek generate tiny-models/deepseek-v3-addition-fp8 --prompt '72+98='`.",
                    List.of("tinyseek train --mtp-depth 1 --precision fp8 --steps 2000 --seed 1 --quiet --out {out} --plots {out}"),
                    2, true),
            new Recipe("addition-cold-start",
                    "A weak 2-digit adder: the supervised cold start that GRPO starts from.",
                    "The `tiny` preset in its dense form (standard attention, dense SwiGLU MLPs; 123,200 parameters), "
                            + "trained with supervision only until 20% of 200 *training* problems come out right (checked "
                            + "every 10 steps), as R1's cold start makes a model that GRPO can improve. The same seed and "
                            + "command as the first stage of `addition-grpo`, so it is exactly that run's starting point. "
                            + "`./tinyseek demo` runs a short GRPO from it; `./tinyseek grpo --from tiny-models/addition-cold-start` "
                            + "a long one.",
                    List.of("tinyseek grpo --steps 0 --seed 1 --quiet --out {out} --plots {out}"),
                    2, true, List.of(new ModelCard.Figure(ModelCard.LOSS_PLOT, "cold-start training loss"))),
            new Recipe("addition-grpo",
                    "The cold-start adder after 1000 steps of GRPO with a rule-based reward.",
                    "`addition-cold-start`, then GRPO (DeepSeekMath §4.1, as in R1): 1000 steps of 16 prompts x 8 "
                            + "completions sampled at temperature 0.5, reward 1 for a verified sum, 0.1 for a "
                            + "well-formed wrong one (TinyZero's), advantages (r - mean)/(std + 1e-4) per group, clipped surrogate "
                            + "(ε 0.2, inactive at μ = 1 where the ratio is exactly 1), no KL term (beta 0), AdamW lr 3e-4 with a cosine decay. No supervised data "
                            + "after the cold start: only the verifier's rewards. `grpo.csv` holds every step's metrics.",
                    List.of("tinyseek grpo --seed 1 --quiet --out {out} --plots {out} --csv {out}/grpo.csv"),
                    2, true, List.of(new ModelCard.Figure("grpo.png", "GRPO: mean reward of the rollouts and held-out greedy accuracy by step"),
                            new ModelCard.Figure(ModelCard.LOSS_PLOT, "cold-start training loss"))));

    public static String names() {
        return String.join(", ", RECIPES.stream().map(Recipe::name).toList());
    }

    /// The recipe called `name`.
    public static Recipe recipe(String name) {
        return RECIPES.stream().filter(r -> r.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no recipe '" + name + "'; valid: " + names()));
    }

    /// The model directories under `root` (those with a card), sorted by name.
    public static List<Path> shipped(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is not a directory; run from the project's root or give --dir");
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(ModelCard.JSON))).sorted().toList();
        }
    }

    /// Prints the recipes and which of them are shipped under `root`.
    public static int list(Path root, PrintStream out) throws IOException {
        out.println("recipes (tinyseek models make NAME):");
        for (Recipe r : RECIPES) {
            Path dir = root.resolve(r.name);
            String state = Files.isRegularFile(dir.resolve(ModelCard.JSON)) ? "shipped in " + dir : "not made yet";
            out.printf("  %-28s %s%n  %-28s %s%n", r.name, r.title, "", state);
        }
        return 0;
    }

    /// Checks each model's card against its weights, printing one line per model (and one per
    /// disagreement); throws when any card disagrees.
    public static int check(List<Path> dirs, PrintStream out) throws IOException {
        int bad = 0;
        for (Path d : dirs) {
            List<String> wrong = ModelCard.check(d);
            out.println((wrong.isEmpty() ? "ok     " : "WRONG  ") + d);
            for (String w : wrong) {
                out.println("       " + w);
            }
            bad += wrong.isEmpty() ? 0 : 1;
        }
        if (bad > 0) {
            throw new IllegalStateException(bad + " of " + dirs.size() + " model cards disagree with their weights");
        }
        return 0;
    }

    /// Runs the recipe's commands (through `tinyseek`) into a scratch directory, evaluates the model, writes its card,
    /// and only then replaces `root/NAME`.
    public static void make(Recipe r, Path root, CommandLine tinyseek, PrintStream out) throws Exception {
        Files.createDirectories(root);
        Path tmp = Files.createTempDirectory(root, "." + r.name + ".making-");
        Path work = Files.createTempDirectory("tinyseek-" + r.name + "-work-");
        try {
            long t0 = System.nanoTime();
            for (String line : r.commands) {
                out.println("$ " + line.replace("{out}", root.resolve(r.name).toString()));
                String[] words = line.replace("{out}", tmp.toString()).replace("{work}", work.toString()).split(" +");
                if (!words[0].equals("tinyseek")) {
                    throw new IllegalStateException("recipe " + r.name + ": a command must start with 'tinyseek': " + line);
                }
                String[] argv = java.util.Arrays.copyOfRange(words, 1, words.length);
                int code = tinyseek.run(argv, out);
                if (code != 0) {
                    throw new IllegalStateException("recipe " + r.name + ": '" + line + "' exited with " + code);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            // a shipped model is for using, not resuming: the optimizer state would triple its size
            Files.deleteIfExists(tmp.resolve(dev.tinyseek.train.TrainingState.OPTIMIZER));
            Files.deleteIfExists(tmp.resolve(dev.tinyseek.train.TrainingState.STATE));
            for (ModelCard.Figure f : r.figures) {
                if (!Files.isRegularFile(tmp.resolve(f.file()))) {
                    throw new IllegalStateException("recipe " + r.name + " wrote no " + f.file() + " (give the training command --plots {out})");
                }
            }

            Transformer model = Checkpoint.load(tmp);
            ModelCard.Eval e0 = new ModelCard.Eval(r.digits, r.reversed, EVAL_PROBLEMS, EVAL_SEED, r.digits + 3, 0);
            int right = ModelCard.Eval.countRight(model, e0.task(), EVAL_PROBLEMS, EVAL_SEED, e0.maxAnswer());
            ModelCard.Eval eval = new ModelCard.Eval(r.digits, r.reversed, EVAL_PROBLEMS, EVAL_SEED, e0.maxAnswer(), right);
            List<ModelCard.Golden> golden = new ArrayList<>();
            for (Problem p : e0.task().heldOut(GOLDEN, EVAL_SEED + 1)) {
                golden.add(new ModelCard.Golden(p.prompt(), Evaluation.answer(model, p.prompt(), eval.maxAnswer())));
            }
            String machine = Runtime.getRuntime().availableProcessors() + "-core " + System.getProperty("os.arch") + " "
                    + System.getProperty("os.name") + ", JDK " + Runtime.version().feature();
            ModelCard card = new ModelCard(r.name, r.title, r.description, r.commands, seconds, machine, eval, golden, List.of(),
                    r.figures);
            card.write(tmp);

            Path dest = root.resolve(r.name);
            deleteTree(dest);
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
            out.printf("made %s in %.0f s: held-out exact match %d of %d (%.1f%%); card: %s%n", dest, seconds, right,
                    EVAL_PROBLEMS, 100 * eval.accuracy(), dest.resolve(ModelCard.README));
        } finally {
            deleteTree(tmp);
            deleteTree(work);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
