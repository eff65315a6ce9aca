package dev.tinyseek.cli;

import dev.tinyseek.experiments.ExpertLoads;
import dev.tinyseek.chart.Plot;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.rl.Evaluation;
import dev.tinyseek.rl.TaskData;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.train.AdamW;
import dev.tinyseek.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// `tinyseek balance-ablation`: the same DeepSeek-V3-style model, seed and data trained three
/// ways — no load balancing, an auxiliary balance loss only, and auxiliary-loss-free bias
/// updates only — with the final loss, the expert-load imbalance and the held-out accuracy of
/// each, as a table and (with `--plots`) a chart of the imbalance over training.
final class BalanceAblationCommand implements Main.Command {

    @Override
    public String summary() {
        return "MoE load balancing: none vs auxiliary loss vs auxiliary-loss-free bias, same seed and data";
    }

    static Args spec() {
        return new Args("balance-ablation", "Trains the DeepSeek-V3-style model three times on the same seed and data: without\n"
                + "balancing, with the sequence-wise balance loss only (--aux-alpha), and with the bias updates only\n"
                + "(--bias-gamma). Prints final loss, max load violation and held-out exact match for each.")
                .option("preset", "NAME", "tiny", "model shape: tiny | small")
                .option("digits", "N", "2", "digits per operand of the addition task")
                .option("steps", "N", "1500", "optimizer steps per run")
                .option("batch", "N", "64", "sequences per step")
                .option("lr", "X", "3e-3", "peak learning rate")
                .option("seed", "N", "1", "seed of weights and data (the same for the three runs)")
                .option("aux-alpha", "X", "0.01", "weight of the balance loss in the auxiliary-loss run")
                .option("bias-gamma", "X", "0.001", "bias update speed in the auxiliary-loss-free run")
                .option("eval-problems", "N", "300", "held-out problems for the accuracy column")
                .option("threads", "N", String.valueOf(Runtime.getRuntime().availableProcessors()), "worker threads")
                .option("plots", "DIR", null, "write balance.png (max violation by step, the three runs)");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        ModelConfig cfg = ModelConfig.preset(a.choice("preset", "tiny", "small"));
        int digits = a.integer("digits", 1, 9), steps = a.integer("steps", 1, 10_000_000), batch = a.integer("batch", 1, 65536);
        double lr = a.number("lr", 1e-7, 1), alpha = a.number("aux-alpha", 0, 10), gamma = a.number("bias-gamma", 0, 1);
        long seed = a.longValue("seed");
        int evalProblems = a.integer("eval-problems", 1, 1_000_000);
        Parallel.setThreads(a.integer("threads", 1, 1024));
        Task task = new Addition(digits, true, true);
        Problem example = task.sample(new java.util.SplittableRandom(0), dev.tinyseek.tasks.Split.TRAIN);
        int seqLen = TaskData.encode(example.prompt() + example.answer()).length;
        List<Problem> heldOut = task.heldOut(evalProblems, 12345);

        String[] names = {"no balancing", "auxiliary loss only (alpha " + alpha + ")", "auxiliary-loss-free bias (gamma " + gamma + ")"};
        double[][] settings = {{0, 0}, {0, alpha}, {gamma, 0}};
        List<Plot.Series> curves = new ArrayList<>();
        List<Map<String, Double>> rows = new ArrayList<>();
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
            for (int s = from; s < st.size(); s++) {
                loss += st.get(s).loss();
            }
            loss /= st.size() - from;
            double[] viol = ExpertLoads.lastTenthViolation(h);
            double meanViol = 0;
            for (double v : viol) {
                meanViol += v / viol.length;
            }
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("loss", loss);
            row.put("violation", meanViol);
            row.put("accuracy", h.evals().get(h.evals().size() - 1).get("acc"));
            row.put("seconds", h.seconds());
            rows.add(row);
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
                a.string("preset"), digits, steps, batch, seqLen, seed);
        out.println("| balancing | final loss | max violation | held-out exact match |");
        out.println("|---|---|---|---|");
        for (int arm = 0; arm < 3; arm++) {
            Map<String, Double> r = rows.get(arm);
            out.printf("| %s | %.4f | %.3f | %.1f%% |%n", names[arm], r.get("loss"), r.get("violation"), 100 * r.get("accuracy"));
        }
        if (a.has("plots")) {
            Path png = Path.of(a.string("plots")).resolve("balance.png");
            Plot.lines(png, "expert load imbalance (last MoE layer, moving average of 25 steps)", "step",
                    "max load / mean - 1", curves);
            out.println("\nwrote " + png);
        }
        return 0;
    }

    static double[] movingAverage(double[] x, int w) {
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
