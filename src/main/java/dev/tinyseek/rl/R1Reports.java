package dev.tinyseek.rl;

import dev.tinyseek.chart.Plot;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// What the R1 recipes ([R1Base], [R1Zero], [R1Recipe], [R1Distill]) report: their tables, their
/// figures under the keys of `tinyseek r1 ... --json`, R1-Zero's CSV and chart, and the card and
/// files of a saved model.
public final class R1Reports {

    private R1Reports() {
    }

    /// The metrics under `prefix` + `pass1`, `greedy`, `cons_k`, `mean_tokens`, `think_share`.
    public static Map<String, Object> metrics(String prefix, R1Eval.Metrics m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put(prefix + "pass1", m.pass1());
        j.put(prefix + "greedy", m.greedy());
        j.put(prefix + "cons_k", m.consK());
        j.put(prefix + "mean_tokens", m.meanTokens());
        j.put(prefix + "think_share", m.thinkShare());
        return j;
    }

    /// Saves an R1 model with its tokenizer (bytes + the template's special tokens).
    public static void save(Transformer m, Path dir, Map<String, String> meta, PrintStream out) throws IOException {
        Checkpoint.save(m, dir, Dtype.F32, meta);
        R1Template.TOKENIZER.save(dir.resolve("tokenizer.json"));
        out.println("saved " + dir + " (config.json, model.safetensors, tokenizer.json)");
    }

    // ---- R1-Zero -----------------------------------------------------------------------------

    /// R1-Zero's sampled completions at the start, in the middle and at the end.
    public static void printSamples(R1Zero.Result r, PrintStream out) {
        out.println("sampled completions (T 0.6) of three held-out problems, at the start:");
        r.samplesStart().forEach(x -> out.println("  " + x));
        out.println("in the middle:");
        r.samplesMiddle().forEach(x -> out.println("  " + x));
        out.println("at the end:");
        r.samplesEnd().forEach(x -> out.println("  " + x));
    }

    /// The table of the main run and its controls (preceded by an empty line).
    public static String zeroTable(R1Zero.Result main, List<R1Zero.Result> controls) {
        StringBuilder sb = new StringBuilder(String.format("%n"));
        sb.append(String.format("| run | pass@1 start -> end | greedy end | cons@k end | tokens start -> end | thinks end | seconds |%n"));
        sb.append(String.format("|---|---|---|---|---|---|---|%n"));
        for (R1Zero.Result r : all(main, controls)) {
            sb.append(String.format("| %s | %.1f%% -> %.1f%% | %.1f%% | %.1f%% | %.1f -> %.1f | %.1f%% | %.0f |%n", r.control().label(),
                    100 * r.start().pass1(), 100 * r.end().pass1(), 100 * r.end().greedy(), 100 * r.end().consK(),
                    r.start().meanTokens(), r.end().meanTokens(), 100 * r.end().thinkShare(), r.seconds()));
        }
        return sb.toString();
    }

    /// The figures of `tinyseek r1 zero --json`.
    public static Map<String, Object> zeroJson(R1Zero.Result main, List<R1Zero.Result> controls) {
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

    /// Every evaluation of the main run and its controls, one CSV row each.
    public static void writeCsv(Path file, R1Zero.Result main, List<R1Zero.Result> controls) throws IOException {
        StringBuilder sb = new StringBuilder("run,step,grpo_seconds,pass1,greedy,cons_k,mean_tokens,think_share,well_formed,readable\n");
        for (R1Zero.Result r : all(main, controls)) {
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

    /// pass@1 and the mean completion length by GRPO step, for the main run and its controls.
    public static void plot(Path png, R1Zero.Result main, List<R1Zero.Result> controls, long seed) throws IOException {
        Files.createDirectories(png.getParent());
        List<Plot.Series> series = new ArrayList<>();
        for (R1Zero.Result r : all(main, controls)) {
            double[] x = r.curve().stream().mapToDouble(R1Zero.Point::step).toArray();
            series.add(new Plot.Series(r.control().label() + ": pass@1 (%)", x,
                    r.curve().stream().mapToDouble(p -> 100 * p.metrics().pass1()).toArray()));
            series.add(new Plot.Series(r.control().label() + ": mean tokens", x,
                    r.curve().stream().mapToDouble(p -> p.metrics().meanTokens()).toArray()));
        }
        Plot.lines(png, "R1-Zero on 3-digit addition, seed " + seed, "GRPO step", "pass@1 (%) / mean completion tokens", series);
    }

    private static List<R1Zero.Result> all(R1Zero.Result main, List<R1Zero.Result> controls) {
        List<R1Zero.Result> all = new ArrayList<>(List.of(main));
        all.addAll(controls);
        return all;
    }

    // ---- the recipe and distillation ------------------------------------------------------------

    /// The recipe's table, one row per stage (preceded by an empty line).
    public static String recipeTable(R1Recipe.Result r) {
        StringBuilder sb = new StringBuilder(String.format("%n"));
        sb.append(String.format("| stage | pass@1 | greedy | cons@k | mean tokens | thinks | readable steps | seconds |%n"));
        sb.append(String.format("|---|---|---|---|---|---|---|---|%n"));
        for (R1Recipe.Stage st : r.stages()) {
            R1Eval.Metrics m = st.metrics();
            sb.append(String.format("| %s | %.1f%% | %.1f%% | %.1f%% | %.1f | %.1f%% | %.1f%% | %.0f |%n", st.name(), 100 * m.pass1(),
                    100 * m.greedy(), 100 * m.consK(), m.meanTokens(), 100 * m.thinkShare(), 100 * m.readableShare(), st.seconds()));
        }
        return sb.toString();
    }

    /// The figures of `tinyseek r1 recipe --json`.
    public static Map<String, Object> recipeJson(R1Recipe.Result r) {
        Map<String, Object> j = new LinkedHashMap<>();
        for (R1Recipe.Stage st : r.stages()) {
            j.putAll(metrics(st.name().toLowerCase().replaceAll("[^a-z0-9]+", "_") + "_", st.metrics()));
        }
        j.put("seconds", r.seconds());
        return j;
    }

    /// The students' table: the base, the distilled one and the one trained by GRPO alone
    /// (preceded by an empty line).
    public static String distillTable(R1Distill.Result r) {
        StringBuilder sb = new StringBuilder(String.format("%n"));
        sb.append(String.format("| student | pass@1 | greedy | cons@k | mean tokens | thinks | steps | seconds |%n"));
        sb.append(String.format("|---|---|---|---|---|---|---|---|%n"));
        for (R1Distill.Row row : List.of(r.base(), r.distilled(), r.rlOnly())) {
            R1Eval.Metrics m = row.metrics();
            sb.append(String.format("| %s | %.1f%% | %.1f%% | %.1f%% | %.1f | %.1f%% | %d | %.0f |%n", row.name(), 100 * m.pass1(),
                    100 * m.greedy(), 100 * m.consK(), m.meanTokens(), 100 * m.thinkShare(), row.steps(), row.seconds()));
        }
        return sb.toString();
    }

    /// The figures of `tinyseek r1 distill --json`.
    public static Map<String, Object> distillJson(R1Distill.Result r, double secondsEach) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.putAll(metrics("student_base_", r.base().metrics()));
        j.putAll(metrics("distilled_", r.distilled().metrics()));
        j.putAll(metrics("rl_only_", r.rlOnly().metrics()));
        j.put("distilled_steps", r.distilled().steps());
        j.put("rl_only_steps", r.rlOnly().steps());
        j.put("seconds_each", secondsEach);
        return j;
    }

    // ---- the card ------------------------------------------------------------------------------

    /// The card of a model saved by an R1 action: `r1.json` (the command, the held-out metrics
    /// as [R1Eval] gives them for the held-out problems × `k` samples with `evalSeed`, and the
    /// seconds) and a `README.md` rendered from it. A test recomputes the metrics from the weights.
    public static void card(Path dir, String title, String command, R1Eval.Metrics m, long evalSeed, double seconds,
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
