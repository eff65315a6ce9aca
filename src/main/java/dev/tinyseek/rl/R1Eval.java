package dev.tinyseek.rl;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/// The R1 paper's evaluation (§3) of a model in the [R1Template], on a fixed list of problems:
/// `k` samples per problem at temperature 0.6 and top-p 0.95 give pass@1, cons@k (majority vote),
/// the mean completion length and the share of completions that think; one greedy completion per
/// problem gives greedy accuracy.
///
/// A sampled completion is right when it ended, has the template's shape (one `<think>`, one
/// non-empty `<answer>`) and its answer passes the task's verifier: the same rule as the
/// accuracy reward of [R1Rewards#accuracy].
public final class R1Eval {

    /// What the paper reports (temperature 0.6, top-p 0.95).
    public static final double TEMPERATURE = 0.6, TOP_P = 0.95;

    /// `pass1`, `consK`, `meanTokens` (the end token included), `thinkShare` (a non-empty
    /// `<think>`), `wellFormedShare` and `readableShare` (the mean share of readable steps in the
    /// completions that think, 0 when none does) are over the `k` samples per problem; `greedy`
    /// over one greedy completion each.
    public record Metrics(int problems, int k, double pass1, double greedy, double consK,
                          double meanTokens, double thinkShare, double wellFormedShare, double readableShare) {

        @Override
        public String toString() {
            return String.format("pass@1 %.1f%%, greedy %.1f%%, cons@%d %.1f%%, %.1f tokens, thinks %.1f%%",
                    100 * pass1, 100 * greedy, k, 100 * consK, meanTokens, 100 * thinkShare);
        }
    }

    private R1Eval() {
    }

    /// Scores `model` on `problems` with `k` samples each (problems in parallel, each with its
    /// own generator drawn from `seed` in order: the result does not depend on the thread count).
    public static Metrics evaluate(Transformer model, Task task, List<Problem> problems, int k, int maxNew, long seed) {
        if (problems.isEmpty() || k < 1) {
            throw new IllegalArgumentException("R1 evaluation: " + problems.size() + " problems and k = " + k
                    + "; need at least one problem and k >= 1");
        }
        int n = problems.size();
        long[] seeds = new long[n];
        Rng r = new Rng(seed);
        for (int i = 0; i < n; i++) {
            seeds[i] = r.nextLong();
        }
        double[] pass = new double[n], cons = new double[n], greedy = new double[n];
        double[] tokens = new double[n], thinks = new double[n], formed = new double[n], readable = new double[n];
        int[] thinkingCount = new int[n];
        Sampler sampler = new Sampler(TEMPERATURE, 0, TOP_P);
        Parallel.forRange(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                Problem p = problems.get(i);
                List<String> answers = new ArrayList<>(k);
                for (Completions.Sample s : Completions.sample(model, Codec.R1, p, k, sampler, maxNew, new Rng(seeds[i]))) {
                    boolean ok = s.ended() && AnswerFormat.R1.wellFormed(s.text());
                    String a = ok ? AnswerFormat.R1.extract(s.text()) : null;
                    answers.add(a);
                    pass[i] += a != null && task.verify(p, a) ? 1 : 0;
                    formed[i] += ok ? 1 : 0;
                    tokens[i] += s.tokens().length;
                    if (R1Template.thinks(s.text())) {
                        thinks[i]++;
                        thinkingCount[i]++;
                        readable[i] += R1Template.thinking(p, s.text()).readableShare();
                    }
                }
                String vote = PassAtK.majority(answers);
                cons[i] = vote != null && task.verify(p, vote) ? 1 : 0;
                Completions.Sample g = Completions.greedy(model, Codec.R1, p, maxNew);
                greedy[i] = R1Rewards.accuracy(task).score(p, g.text(), g.ended());
            }
        });
        int thinking = 0;
        double readableSum = 0;
        for (int i = 0; i < n; i++) {
            thinking += thinkingCount[i];
            readableSum += readable[i];
        }
        double nk = (double) n * k;
        return new Metrics(n, k, sum(pass) / nk, sum(greedy) / n, sum(cons) / n, sum(tokens) / nk,
                sum(thinks) / nk, sum(formed) / nk, thinking == 0 ? 0 : readableSum / thinking);
    }

    /// The greedy completions of the first `count` problems, as `prompt → completion` lines.
    public static List<String> examples(Transformer model, List<Problem> problems, int count, int maxNew) {
        List<String> out = new ArrayList<>();
        for (Problem p : problems.subList(0, Math.min(count, problems.size()))) {
            Completions.Sample g = Completions.greedy(model, Codec.R1, p, maxNew);
            out.add(R1Template.prompt(p) + " " + g.text() + (g.ended() ? "" : " [cut]"));
        }
        return out;
    }

    /// One completion sampled at T 0.6 / top-p 0.95 for each problem, as `prompt completion` lines.
    public static List<String> samples(Transformer model, List<Problem> problems, int maxNew, long seed) {
        List<String> out = new ArrayList<>();
        Rng r = new Rng(seed);
        Sampler sampler = new Sampler(TEMPERATURE, 0, TOP_P);
        for (Problem p : problems) {
            Completions.Sample s = Completions.sample(model, Codec.R1, p, 1, sampler, maxNew, r).get(0);
            out.add(R1Template.prompt(p) + " " + s.text() + (s.ended() ? "" : " [cut]"));
        }
        return out;
    }

    private static double sum(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s;
    }
}
