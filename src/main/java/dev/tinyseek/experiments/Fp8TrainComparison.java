package dev.tinyseek.experiments;

import dev.tinyseek.chart.Plot;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Fp8Recipe;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.train.Evaluation;
import dev.tinyseek.train.TaskData;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.train.AdamW;
import dev.tinyseek.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/// The train part of `tinyseek fp8-ablation`: the DeepSeek-V3-style model (MLA + MoE) trained on
/// addition from the same seed and the same batches, in fp32 and in FP8 (DeepSeek's recipe), and
/// two FP8 ablations: one scale per tensor, and activation gradients in TxT blocks.
///
/// How the loss difference is measured. DeepSeek-V3 reports the relative loss error of FP8
/// against BF16 below 0.25%, on smooth curves of billions of tokens. Our curves on addition fall
/// in sudden drops (the model "gets" a digit position at some step), and a drop that happens
/// ten steps earlier in one run makes the per-step difference of that moment tens of percent
/// while meaning little. So the headline figure is the **windowed relative difference**: the
/// mean loss over each window of `window` steps, `|mean_fp8 − mean_fp32| / mean_fp32`, averaged
/// over the windows (and its maximum, and the last window). The per-step figures are printed too.
///
/// The last run is the yardstick: fp32 again, from the same initial weights, on other batches of
/// the same task. How far it lands from the first fp32 run is how much any small change of the
/// trajectory moves these curves; an FP8 difference of that size is not a precision effect.
public final class Fp8TrainComparison {

    private Fp8TrainComparison() {
    }

    public record Run(String name, Precision precision, Fp8Recipe recipe, long dataSeedOffset) {
    }

    /// Trains fp32 and the FP8 variants on the same seed and data, prints the table and writes
    /// `train_loss.png` and `train_reldiff.png` to `dir`; returns the windowed loss curves.
    public static Fp8Ablations.Chart run(PrintStream out, Path dir, String preset, int steps, int batch, int digits, int window, int evalProblems, long seed)
            throws IOException {
        ModelConfig cfg = ModelConfig.preset(preset);
        int tile = cfg.hiddenSize() >= 256 ? 128 : 32;
        Fp8Recipe v3 = Fp8Recipe.deepseek(tile);
        List<Run> runs = List.of(
                new Run("fp32", Precision.FP32, null, 0),
                new Run("fp8 (1x" + tile + " / " + tile + "x" + tile + ")", Precision.FP8, v3, 0),
                new Run("fp8, per-tensor scales", Precision.FP8, v3.withPerTensor(true), 0),
                new Run("fp8, dy in " + tile + "x" + tile + " blocks", Precision.FP8, v3.withGradientBlocks(true), 0),
                new Run("fp32, other batches (noise floor)", Precision.FP32, null, 1));
        Task task = new Addition(digits, true, true);
        Problem example = task.sample(new java.util.SplittableRandom(0), dev.tinyseek.tasks.Split.TRAIN);
        int seqLen = TaskData.encode(example.prompt() + example.answer()).length;
        List<Problem> heldOut = task.heldOut(evalProblems, 12345);
        out.printf("%s preset, %d-digit addition, %d steps of %d x %d tokens, seed %d, tile T = %d%n",
                preset, digits, steps, batch, seqLen, seed, tile);
        List<double[]> losses = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>(), seconds = new ArrayList<>();
        for (Run r : runs) {
            Transformer model = new Transformer(cfg, seed);
            model.setPrecision(r.precision(), r.recipe());
            Trainer.Options o = new Trainer.Options(steps, 3e-3, 3e-4, Math.min(100, steps / 10), 0.1, 1.0, 0);
            Trainer.History h = new Trainer(null).train(model, AdamW.deepseek(model.params()), new TaskData(task, seed + r.dataSeedOffset(), batch, seqLen), o,
                    m -> Map.of("acc", Evaluation.exactMatch(m, task, heldOut, example.answer().length() + 2)));
            losses.add(h.steps().stream().mapToDouble(Trainer.Step::loss).toArray());
            accuracy.add(h.evals().get(h.evals().size() - 1).get("acc"));
            seconds.add(h.seconds());
            out.printf("  %-36s %6.1f s, final loss %.4f%n", r.name(), h.seconds(), h.lastLoss());
        }
        // the table: windowed and per-step relative differences against fp32
        double[] ref = losses.get(0);
        double[] refW = windowMeans(ref, window);
        out.println();
        out.printf("| run | loss, last window | windowed rel. diff.: mean | max | last window | per step: mean | max | held-out exact match | time |%n");
        out.println("|---|---|---|---|---|---|---|---|---|");
        List<Plot.Series> curves = new ArrayList<>(), diffs = new ArrayList<>();
        double[] x = new double[refW.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i + 0.5) * window;
        }
        for (int ri = 0; ri < runs.size(); ri++) {
            double[] w = windowMeans(losses.get(ri), window);
            double[] rel = new double[w.length];
            double mean = 0, max = 0;
            for (int i = 0; i < w.length; i++) {
                rel[i] = Math.abs(w[i] - refW[i]) / refW[i];
                mean += rel[i] / w.length;
                max = Math.max(max, rel[i]);
            }
            double stepMean = 0, stepMax = 0;
            for (int i = 0; i < ref.length; i++) {
                double d = Math.abs(losses.get(ri)[i] - ref[i]) / ref[i];
                stepMean += d / ref.length;
                stepMax = Math.max(stepMax, d);
            }
            out.printf("| %s | %.4f | %.3f%% | %.3f%% | %.3f%% | %.3f%% | %.2f%% | %.1f%% | %.0f s |%n", runs.get(ri).name(), w[w.length - 1],
                    100 * mean, 100 * max, 100 * rel[rel.length - 1], 100 * stepMean, 100 * stepMax, 100 * accuracy.get(ri), seconds.get(ri));
            curves.add(new Plot.Series(runs.get(ri).name(), x, w));
            if (ri > 0) {
                double[] pct = new double[rel.length];
                for (int i = 0; i < rel.length; i++) {
                    pct[i] = 100 * rel[i];
                }
                diffs.add(new Plot.Series(runs.get(ri).name(), x, pct));
            }
        }
        out.printf("(windows of %d steps; relative differences against the fp32 run; DeepSeek-V3: below 0.25%%)%n", window);
        out.println("relative difference of each window's mean loss against fp32, in %, window by window:");
        for (int ri = 1; ri < runs.size(); ri++) {
            double[] w = windowMeans(losses.get(ri), window);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                sb.append(String.format(" %.2f", 100 * Math.abs(w[i] - refW[i]) / refW[i]));
            }
            out.printf("  %-36s%s%n", runs.get(ri).name(), sb);
        }
        Path loss = dir.resolve("train_loss.png");
        Plot.lines(loss, "training loss, mean of each " + window + " steps, same seed and data", "step", "cross-entropy", curves);
        Path diff = dir.resolve("train_reldiff.png");
        Plot.lines(diff, "|loss - fp32 loss| / fp32 loss, per window of " + window + " steps", "step", "relative difference (%)", diffs);
        out.println("wrote " + loss + " and " + diff);
        return new Fp8Ablations.Chart(loss, curves);
    }

    /// Means of consecutive windows of `w` values (a last partial window is dropped unless it is the only one).
    public static double[] windowMeans(double[] x, int w) {
        int n = Math.max(1, x.length / w);
        int len = Math.min(w, x.length);
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < len; j++) {
                s += x[i * w + j];
            }
            m[i] = s / len;
        }
        return m;
    }
}
