package dev.tinyseek.experiments;

import dev.tinyseek.train.ExpertLoads;
import dev.tinyseek.chart.Plot;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.train.Evaluation;
import dev.tinyseek.train.TaskData;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.train.AdamW;
import dev.tinyseek.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/// MoE load balancing, three ways on the same DeepSeek-V3-style model, seed and data: no load
/// balancing, an auxiliary balance loss only, and auxiliary-loss-free bias updates only — with
/// the final loss, the expert-load imbalance and the held-out accuracy of each, as a table and
/// (with a plots folder) a chart of the imbalance over training (`tinyseek balance-ablation`).
public final class BalanceAblation {

    private BalanceAblation() {
    }

    /// The runs: `preset` tiny | small, `digits`-digit addition, `steps` of `batch` problems at
    /// peak learning rate `lr`, the balance-loss weight `alpha` of the second run and the bias
    /// update speed `gamma` of the third, `evalProblems` held-out problems, and where to write
    /// `balance.png` (null: no chart).
    public record Settings(String preset, int digits, int steps, int batch, double lr, long seed, double alpha, double gamma,
                           int evalProblems, Path plots) {

        /// The command line's defaults: tiny, 2 digits, 1500 steps of 64, lr 3e-3, seed 1, alpha 0.01, gamma 0.001, 300 problems.
        public static Settings defaults() {
            return new Settings("tiny", 2, 1500, 64, 3e-3, 1, 0.01, 0.001, 300, null);
        }

        public Settings withSteps(int steps) {
            return new Settings(preset, digits, steps, batch, lr, seed, alpha, gamma, evalProblems, plots);
        }

        public Settings withBatch(int batch) {
            return new Settings(preset, digits, steps, batch, lr, seed, alpha, gamma, evalProblems, plots);
        }

        public Settings withEvalProblems(int evalProblems) {
            return new Settings(preset, digits, steps, batch, lr, seed, alpha, gamma, evalProblems, plots);
        }

        public Settings withPlots(Path plots) {
            return new Settings(preset, digits, steps, batch, lr, seed, alpha, gamma, evalProblems, plots);
        }
    }

    /// One run: its name, the mean loss of the last tenth of the steps, the max load violation
    /// (max expert load / mean - 1, averaged over the last tenth and the MoE layers), the held-out
    /// exact match and the seconds it trained.
    public record Arm(String name, double loss, double violation, double accuracy, double seconds) {
    }

    /// The three runs, in the order none, auxiliary loss, bias.
    public record Result(List<Arm> arms) {

        /// The Markdown table the command line prints.
        public String table() {
            StringBuilder sb = new StringBuilder("| balancing | final loss | max violation | held-out exact match |\n|---|---|---|---|\n");
            for (Arm r : arms) {
                sb.append(String.format("| %s | %.4f | %.3f | %.1f%% |%n", r.name(), r.loss(), r.violation(), 100 * r.accuracy()));
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return table();
        }
    }

    /// Trains the three runs, printing a line as each finishes, then the table (and the chart).
    public static Result run(Settings s, PrintStream out) throws java.io.IOException {
        ModelConfig cfg = ModelConfig.preset(s.preset());
        int digits = s.digits(), steps = s.steps(), batch = s.batch();
        double lr = s.lr(), alpha = s.alpha(), gamma = s.gamma();
        long seed = s.seed();
        int evalProblems = s.evalProblems();
        Task task = new Addition(digits, true, true);
        Problem example = task.sample(new java.util.SplittableRandom(0), dev.tinyseek.tasks.Split.TRAIN);
        int seqLen = TaskData.encode(example.prompt() + example.answer()).length;
        List<Problem> heldOut = task.heldOut(evalProblems, 12345);

        String[] names = {"no balancing", "auxiliary loss only (alpha " + alpha + ")", "auxiliary-loss-free bias (gamma " + gamma + ")"};
        double[][] settings = {{0, 0}, {0, alpha}, {gamma, 0}};
        List<Plot.Series> curves = new ArrayList<>();
        List<Arm> rows = new ArrayList<>();
        for (int arm = 0; arm < 3; arm++) {
            Transformer model = new Transformer(cfg, seed);
            model.setBalanceLossAlpha(settings[arm][1]);
            Trainer.Options o = new Trainer.Options(steps, lr, lr / 10, Math.min(100, steps / 10), 0.1, 1.0, 0);
            Trainer.History h = new Trainer(null).biasUpdateSpeed(settings[arm][0])
                    .train(model, AdamW.deepseek(model.params()), new TaskData(task, seed, batch, seqLen), o,
                            m -> Map.of("acc", Evaluation.exactMatch(m, task, heldOut, example.answer().length() + 2)));
            List<Trainer.Step> st = h.steps();
            int from = st.size() - Math.max(1, st.size() / 10);
            double loss = 0;
            for (int i = from; i < st.size(); i++) {
                loss += st.get(i).loss();
            }
            loss /= st.size() - from;
            double[] viol = ExpertLoads.lastTenthViolation(h);
            double meanViol = 0;
            for (double v : viol) {
                meanViol += v / viol.length;
            }
            rows.add(new Arm(names[arm], loss, meanViol, h.evals().get(h.evals().size() - 1).get("acc"), h.seconds()));
            out.printf("%s: done in %.1f s%n", names[arm], h.seconds());
            double[] x = new double[st.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            curves.add(new Plot.Series(names[arm], x, movingAverage(ExpertLoads.violationByStep(h, -1), 25)));
        }
        out.println();
        out.printf("%s preset, %d-digit addition, %d steps of %d x %d tokens, seed %d; loss = mean cross-entropy of the last tenth "
                + "of the steps; violation = max expert load / mean load - 1, averaged over the last tenth and the MoE layers%n%n",
                s.preset(), digits, steps, batch, seqLen, seed);
        Result result = new Result(List.copyOf(rows));
        out.print(result.table());
        if (s.plots() != null) {
            Path png = s.plots().resolve("balance.png");
            Plot.lines(png, "expert load imbalance (last MoE layer, moving average of 25 steps)", "step",
                    "max load / mean - 1", curves);
            out.println("\nwrote " + png);
        }
        return result;
    }

    public static double[] movingAverage(double[] x, int w) {
        double[] y = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i];
            if (i >= w) {
                sum -= x[i - w];
            }
            y[i] = sum / Math.min(i + 1, w);
        }
        return y;
    }
}
