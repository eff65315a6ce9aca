package dev.tinyseek.experiments;

import dev.tinyseek.io.Json;
import dev.tinyseek.io.JsonObject;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.train.Evaluation;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/// The card of a shipped model in `tiny-models/NAME/`: what it is, the command that made it, how
/// long that took, and the figures anyone can re-check.
///
/// A card lives twice in the directory: `card.json` (what [#check] reads) and `README.md` (what
/// a person reads), and the second is always [#render]ed from the first, so the two cannot
/// disagree. [#check] loads the model and recomputes every figure the card states: the number of
/// held-out problems answered right, and each golden greedy continuation. `TinyModelsTest` runs
/// it on every shipped model, so a card cannot drift from its weights.
///
/// @param name        the directory name
/// @param title       one line: what the model is
/// @param description a paragraph: shape, training, what it shows
/// @param commands    the command lines that made it, in order (`{out}` is the model directory)
/// @param seconds     wall time of those commands on [#machine]
/// @param machine     where they ran
/// @param eval        the held-out evaluation
/// @param golden      prompts and their exact greedy continuations (to the end-of-answer token)
/// @param notes       further lines for the README (measured figures with their commands)
/// @param figures     the PNG charts in the directory that the README shows (a training curve at least)
public record ModelCard(String name, String title, String description, List<String> commands, double seconds,
                 String machine, Eval eval, List<Golden> golden, List<String> notes, List<Figure> figures) {

    public static final String JSON = "card.json";
    public static final String README = "README.md";
    public static final String LOSS_PLOT = "loss.png";

    /// Held-out exact match on addition problems: the first `problems` problems of
    /// `Addition(digits, reversed, padded = true).heldOut(problems, seed)`, greedy answers of
    /// at most `maxAnswer` tokens; `right` of them verified correct.
    public record Eval(int digits, boolean reversed, int problems, long seed, int maxAnswer, int right) {

        public Task task() {
            return new Addition(digits, reversed, true);
        }

        public double accuracy() {
            return (double) right / problems;
        }

        /// How many of the held-out problems `model` answers right.
        static int countRight(Transformer model, Task task, int problems, long seed, int maxAnswer) {
            List<Problem> ps = task.heldOut(problems, seed);
            return (int) Math.round(Evaluation.exactMatch(model, task, ps, maxAnswer) * problems);
        }
    }

    /// A prompt and the model's greedy answer to it (the text before the end-of-answer token).
    public record Golden(String prompt, String answer) {
    }

    /// A chart in the model's directory and what it shows.
    public record Figure(String file, String caption) {
    }

    /// What a card shows when `card.json` lists no figures: the training loss.
    public static final List<Figure> LOSS_ONLY = List.of(new Figure(LOSS_PLOT, "training loss"));

    // ---- card.json -----------------------------------------------------------------------

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("title", title);
        m.put("description", description);
        m.put("commands", commands);
        m.put("wall_seconds", seconds);
        m.put("machine", machine);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("task", "addition");
        e.put("digits", eval.digits);
        e.put("reversed", eval.reversed);
        e.put("problems", eval.problems);
        e.put("seed", eval.seed);
        e.put("max_answer_tokens", eval.maxAnswer);
        e.put("right", eval.right);
        m.put("heldout_exact_match", e);
        List<Object> g = new ArrayList<>();
        for (Golden x : golden) {
            g.add(new LinkedHashMap<>(Map.of("prompt", x.prompt, "greedy_answer", x.answer)));
        }
        m.put("golden", g);
        m.put("notes", notes);
        if (!figures.equals(LOSS_ONLY)) {
            List<Object> f = new ArrayList<>();
            for (Figure x : figures) {
                f.add(new LinkedHashMap<>(Map.of("file", x.file, "caption", x.caption)));
            }
            m.put("figures", f);
        }
        return m;
    }

    public static ModelCard read(Path dir) throws IOException {
        Path f = dir.resolve(JSON);
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + " is missing: every directory in tiny-models/ needs its card (make it with 'tinyseek models make NAME')");
        }
        JsonObject j = JsonObject.parse(Files.readString(f), f.toString());
        JsonObject e = j.getObject("heldout_exact_match");
        if (!e.getString("task").equals("addition")) {
            throw new IOException(f + ": heldout_exact_match.task = '" + e.getString("task") + "', only 'addition' is known");
        }
        Eval eval = new Eval(e.getInt("digits"), e.getBoolean("reversed"), e.getInt("problems"), e.getLong("seed"),
                e.getInt("max_answer_tokens"), e.getInt("right"));
        List<Golden> golden = new ArrayList<>();
        for (Object o : j.getList("golden")) {
            JsonObject g = JsonObject.of(o, f + " golden");
            golden.add(new Golden(g.getString("prompt"), g.getString("greedy_answer")));
        }
        List<Figure> figures = LOSS_ONLY;
        if (j.has("figures")) {
            figures = new ArrayList<>();
            for (Object o : j.getList("figures")) {
                JsonObject x = JsonObject.of(o, f + " figures");
                figures.add(new Figure(x.getString("file"), x.getString("caption")));
            }
        }
        return new ModelCard(j.getString("name"), j.getString("title"), j.getString("description"),
                strings(j.getList("commands")), j.getDouble("wall_seconds"), j.getString("machine"), eval, golden,
                strings(j.getList("notes")), figures);
    }

    private static List<String> strings(List<Object> xs) {
        return xs.stream().map(String::valueOf).toList();
    }

    /// Writes `card.json` and the `README.md` rendered from it.
    public void write(Path dir) throws IOException {
        Files.writeString(dir.resolve(JSON), Json.write(toJson(), true) + "\n");
        Files.writeString(dir.resolve(README), render());
    }

    // ---- README.md -----------------------------------------------------------------------

    /// The human-readable card, made only from the fields of this record.
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(name).append("\n\n").append(title).append("\n\n").append(description).append("\n\n");
        sb.append("## How it was made\n\n```sh\n");
        for (String c : commands) {
            sb.append(c.replace("{out}", "tiny-models/" + name)).append('\n');
        }
        sb.append("```\n\n");
        sb.append(String.format(Locale.ROOT, "Wall time: %.0f s on %s. To make it again from scratch (same seed, same "
                + "weights to the bit; the time depends on the machine):%n%n```sh%n./tinyseek models make %s%n```%n%n", seconds, machine, name));
        sb.append("## Held-out results\n\n");
        sb.append(String.format(Locale.ROOT, "Exact match on %d held-out %d-digit additions (operand pairs training never sees; "
                        + "sums written %s): **%d of %d right, %.1f%%** (greedy, at most %d answer tokens, problem seed %d).%n%n",
                eval.problems, eval.digits, eval.reversed ? "least-significant digit first" : "the usual way",
                eval.right, eval.problems, 100 * eval.accuracy(), eval.maxAnswer, eval.seed));
        sb.append("Greedy answers:\n\n| prompt | answer |\n|---|---|\n");
        for (Golden g : golden) {
            sb.append("| `").append(g.prompt).append("` | `").append(g.answer).append("` |\n");
        }
        sb.append('\n');
        for (String n : notes) {
            sb.append(n).append('\n');
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
        }
        for (Figure x : figures) {
            sb.append("![").append(x.caption).append("](").append(x.file).append(")\n\n");
        }
        sb.append("`./tinyseek models check tiny-models/").append(name).append("` recomputes these figures from the weights; ")
                .append("`TinyModelsTest` does so for every shipped model.\n");
        return sb.toString();
    }

    // ---- checking --------------------------------------------------------------------------

    /// Loads the model in `dir` and recomputes what its card states; returns the disagreements
    /// (empty when the card is right).
    public static List<String> check(Path dir) throws IOException {
        List<String> wrong = new ArrayList<>();
        ModelCard card = read(dir);
        if (!card.name.equals(dir.getFileName().toString())) {
            wrong.add("card.json names '" + card.name + "' but the directory is '" + dir.getFileName() + "'");
        }
        Path readme = dir.resolve(README);
        if (!Files.isRegularFile(readme) || !Files.readString(readme).equals(card.render())) {
            wrong.add(readme + " is not the rendering of card.json (regenerate it: 'tinyseek models make " + card.name + "')");
        }
        for (Figure x : card.figures) {
            if (!Files.isRegularFile(dir.resolve(x.file))) {
                wrong.add(dir.resolve(x.file) + " is missing (the card shows it)");
            }
        }
        Transformer model = Checkpoint.load(dir);
        Eval e = card.eval;
        int right = Eval.countRight(model, e.task(), e.problems, e.seed, e.maxAnswer);
        if (right != e.right) {
            wrong.add("held-out: the card says " + e.right + " of " + e.problems + " right, the weights give " + right);
        }
        for (Golden g : card.golden) {
            String got = Evaluation.answer(model, g.prompt, e.maxAnswer);
            if (!got.equals(g.answer)) {
                wrong.add("greedy answer to '" + g.prompt + "': the card says '" + g.answer + "', the weights give '" + got + "'");
            }
        }
        return wrong;
    }
}
