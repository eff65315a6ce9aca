package dev.tinyseek.experiments;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.SpeculativeDecoder;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.train.TaskData;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.train.TrainingState;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/// `tinyseek bench --mtp`: what speculative decoding with the MTP modules buys on a trained
/// model, every figure from one process with the variants interleaved.
///
/// 1. Acceptance per draft depth over held-out problems (greedy, stop at the newline), and a
///    check that every speculative answer is the plain greedy answer.
/// 2. Answer tokens per second: plain greedy against speculative at draft depth 1..D, in
///    interleaved rounds (best round of each); and the same with the prompts' prefill (timed in
///    the same rounds, and the same for every variant) taken out, the decoding speed proper.
/// 3. The cost model: the time of a main-model step of `1..D+1` rows and of one MTP step, relative
///    to a one-row main step, and the speed-up they predict:
///
///        speed-up ≈ E[tokens per round] / (verify(D+1) + Σ_k draft_k) ,
///        E[tokens per round] = 1 + α_1 + α_1 α_2 + ... (α_k: acceptance at depth k)
///
///    where every cost is in one-row main steps. Prefill is the same for both and left out of it.
/// 4. What MTP costs in training: tokens/s of the `tiny` preset with D = 0, 1, 2 modules
///    (batch 8 × 64, interleaved rounds).
public final class MtpBench {

    private MtpBench() {
    }

    /// The run: `problems` held-out `digits`-digit additions (answers written lowest digit
    /// first unless `reversed` is false), `rounds` interleaved timing rounds, and whether to add
    /// the training cost of the MTP modules.
    public record Settings(int digits, boolean reversed, int problems, int rounds, boolean trainingCost) {

        /// 2-digit reversed addition, 200 problems, 5 rounds, with the training cost.
        public static Settings defaults() {
            return new Settings(2, true, 200, 5, true);
        }

        /// The digits and digit order that the run in `dir` was trained with (its
        /// `trainer_state.json`), or the defaults' when it has none.
        public Settings trainedIn(Path dir) throws java.io.IOException {
            if (!Files.isRegularFile(dir.resolve(TrainingState.STATE))) {
                return this;
            }
            var settings = TrainingState.readState(dir).settings();
            return new Settings(Integer.parseInt(settings.getOrDefault("digits", "2")),
                    !"true".equals(settings.get("no-reverse")), problems, rounds, trainingCost);
        }

        public Settings withProblems(int problems) {
            return new Settings(digits, reversed, problems, rounds, trainingCost);
        }

        public Settings withRounds(int rounds) {
            return new Settings(digits, reversed, problems, rounds, trainingCost);
        }

        public Settings withTrainingCost(boolean trainingCost) {
            return new Settings(digits, reversed, problems, rounds, trainingCost);
        }
    }

    /// What was measured: `acceptance[d][k]` the acceptance at depth k + 1 when drafting d deep,
    /// `tokensPerStep[d]` the answer tokens per main-model step at draft depth d (index 0 unused),
    /// and `tokensPerSecond[d]` the answer tokens/s (d = 0: plain greedy), prefill included.
    public record Result(double[][] acceptance, double[] tokensPerStep, double[] tokensPerSecond) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("MtpBench.Result[plain " + Math.round(tokensPerSecond[0]) + " tokens/s");
            for (int d = 1; d < tokensPerSecond.length; d++) {
                sb.append(String.format("; depth %d: acceptance %s, %.2f tokens/step, %.0f tokens/s", d,
                        Arrays.toString(acceptance[d]), tokensPerStep[d], tokensPerSecond[d]));
            }
            return sb.append("]").toString();
        }
    }

    /// Runs the benchmark on `model` (it needs at least one MTP module), printing each figure to
    /// `out` as it is measured.
    public static Result run(Path dir, Transformer model, Settings s, PrintStream out) {
        int depthMax = model.mtp.size();
        if (depthMax == 0) {
            throw new IllegalArgumentException(dir + " has no MTP module (num_nextn_predict_layers = 0); "
                    + "give --model a run trained with --mtp-depth 1 or more");
        }
        int digits = s.digits(), problems = s.problems(), rounds = s.rounds();
        boolean reversed = s.reversed();
        Addition task = new Addition(digits, reversed, true);
        List<Problem> ps = task.heldOut(problems, 4242);
        int[][] prompts = ps.stream().map(p -> TaskData.encode(p.prompt())).toArray(int[][]::new);
        int maxNew = digits + 3; // the answer (digits + 1) and the newline, with one to spare
        out.printf("model %s: %d MTP module(s); %d held-out %d-digit problems, greedy, stop at the newline; %d thread(s)%n",
                dir, depthMax, ps.size(), digits, Parallel.threads());

        // 1. acceptance per depth, and speculative = plain greedy for every problem
        int[][] plain = new int[prompts.length][];
        int answerTokens = 0;
        for (int i = 0; i < prompts.length; i++) {
            plain[i] = Generator.greedy(model, prompts[i], maxNew, TaskData.END);
            answerTokens += plain[i].length;
        }
        double[][] alpha = new double[depthMax + 1][];
        alpha[0] = new double[0];
        double[] tokensPerRound = new double[depthMax + 1];
        for (int d = 1; d <= depthMax; d++) {
            int[] checked = new int[d], accepted = new int[d];
            int steps = 0;
            for (int i = 0; i < prompts.length; i++) {
                SpeculativeDecoder.Result r = SpeculativeDecoder.greedy(model, prompts[i], maxNew, TaskData.END, d);
                if (!Arrays.equals(r.tokens(), plain[i])) {
                    throw new IllegalStateException("speculative output differs from greedy on " + ps.get(i).prompt()
                            + ": a bug; please report it");
                }
                for (int k = 0; k < d; k++) {
                    checked[k] += r.checkedAt()[k];
                    accepted[k] += r.acceptedAt()[k];
                }
                steps += r.rounds();
            }
            alpha[d] = new double[d];
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < d; k++) {
                alpha[d][k] = checked[k] == 0 ? 0 : (double) accepted[k] / checked[k];
                line.append(String.format("%s depth %d %.3f (%d/%d)", k == 0 ? "" : ",", k + 1, alpha[d][k], accepted[k], checked[k]));
            }
            // tokens after the first (which prefill gives), per main-model step
            tokensPerRound[d] = steps == 0 ? Double.NaN : (double) (answerTokens - prompts.length) / steps;
            out.printf("draft depth %d: acceptance%s; %s answer tokens per main-model step (plain: 1); output = greedy%n",
                    d, line, steps == 0 ? "no" : String.format("%.2f", tokensPerRound[d]));
        }

        // 2. answer tokens/s, interleaved: plain, then depth 1..D, then the prefill alone (index
        //    D + 1), rotating the order each round
        double[] best = new double[depthMax + 2];
        Arrays.fill(best, Double.MAX_VALUE);
        int variants = depthMax + 2;
        for (int r = -1; r < rounds; r++) { // round -1 warms the JIT up
            for (int j = 0; j < variants; j++) {
                int d = (j + Math.max(0, r)) % variants;
                long t0 = System.nanoTime();
                for (int[] p : prompts) {
                    if (d == 0) {
                        Generator.greedy(model, p, maxNew, TaskData.END);
                    } else if (d <= depthMax) {
                        SpeculativeDecoder.greedy(model, p, maxNew, TaskData.END, d);
                    } else {
                        model.decodeStep(model.newDecodeState(p.length + maxNew), p);
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                if (r >= 0) {
                    best[d] = Math.min(best[d], secs);
                }
            }
        }
        double prefill = best[depthMax + 1];
        out.printf("answer tokens/s (best of %d interleaved rounds; prefill included): plain %.0f", rounds, answerTokens / best[0]);
        for (int d = 1; d <= depthMax; d++) {
            out.printf(", speculative depth %d %.0f (%.2fx)", d, answerTokens / best[d], best[0] / best[d]);
        }
        out.println();
        if (answerTokens > prompts.length && best[0] > prefill) {
            out.printf("decoding after the prompt (its prefill, %.1f%% of plain's time, taken out): plain %.0f tokens/s",
                    100 * prefill / best[0], (answerTokens - prompts.length) / (best[0] - prefill));
            for (int d = 1; d <= depthMax; d++) {
                out.printf(", speculative depth %d %.0f (%.2fx)", d, (answerTokens - prompts.length) / (best[d] - prefill),
                        (best[0] - prefill) / (best[d] - prefill));
            }
            out.println();
        } else {
            out.println("decoding after the prompt: nothing to time (every answer ended at its first token, which the prefill gives)");
        }

        // 3. the cost model: step times relative to one main-model row, at the answer's position
        costModel(model, prompts[0], rounds, tokensPerRound, out);
        if (s.trainingCost()) {
            trainingCost(rounds, out);
        }
        double[] tps = new double[depthMax + 1];
        for (int d = 0; d <= depthMax; d++) {
            tps[d] = answerTokens / best[d];
        }
        return new Result(alpha, tokensPerRound, tps);
    }

    /// 3. The cost model: the time of a main-model step of `1..D+1` rows and of one MTP step (two
    /// rows) after `prompt`, in one-row main steps (best of `rounds`), and the speed-up they
    /// predict with `tokensPerRound[d]` tokens per main step at draft depth `d` (NaN: not measured).
    public static void costModel(Transformer model, int[] prompt, int rounds, double[] tokensPerRound, PrintStream out) {
        int depthMax = model.mtp.size();
        double[] main = new double[depthMax + 2]; // main[t]: a main step of t rows
        double[] draft = new double[depthMax + 1]; // draft[k]: depth k's step, as rows it reads in a round
        Transformer.DecodeState st = model.newDecodeState(Math.min(model.config.maxPositionEmbeddings(), prompt.length + 2 * depthMax + 4));
        Transformer.Decoded pre = model.decodeStep(st, prompt);
        int n = prompt.length, c = model.config.hiddenSize();
        float[] h = Arrays.copyOfRange(pre.hidden(), 0, 2 * c);
        int reps = 200;
        Arrays.fill(main, Double.MAX_VALUE);
        Arrays.fill(draft, Double.MAX_VALUE);
        for (int r = 0; r <= rounds; r++) {
            for (int t = 1; t <= depthMax + 1; t++) {
                int[] toks = Arrays.copyOf(prompt, t);
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    model.decodeStep(st, toks);
                    st.truncate(n);
                }
                main[t] = Math.min(main[t], (System.nanoTime() - t0) / 1e9 / reps);
            }
            for (int k = 1; k <= depthMax; k++) {
                int rows = Math.min(2, n); // a round after an accepted draft: the module catches up on two positions
                int[] toks = Arrays.copyOf(prompt, rows);
                float[] hs = Arrays.copyOf(h, rows * c);
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    model.draftMtp(st, k, hs, toks);
                    st.truncateMtp(k, 0);
                }
                draft[k] = Math.min(draft[k], (System.nanoTime() - t0) / 1e9 / reps);
            }
        }
        out.printf("step cost in one-row main steps (%.3f ms): main step of", 1000 * main[1]);
        for (int t = 2; t <= depthMax + 1; t++) {
            out.printf(" %d rows %.2f%s", t, main[t] / main[1], t == depthMax + 1 ? ";" : ",");
        }
        for (int k = 1; k <= depthMax; k++) {
            out.printf(" MTP depth %d (2 rows) %.2f%s", k, draft[k] / main[1], k == depthMax ? "" : ",");
        }
        out.println();
        for (int d = 1; d <= depthMax; d++) {
            double cost = main[d + 1] / main[1];
            for (int k = 1; k <= d; k++) {
                cost += draft[k] / main[1];
            }
            if (Double.isNaN(tokensPerRound[d])) {
                out.printf("cost model, depth %d: step cost %.2f; with every draft accepted, %d tokens per step = %.2fx at best%n",
                        d, cost, d + 1, (d + 1) / cost);
            } else {
                out.printf("cost model, depth %d: %.2f tokens per step / %.2f step cost = %.2fx expected without prefill"
                        + " (%.2fx at best, every draft accepted)%n", d, tokensPerRound[d], cost, tokensPerRound[d] / cost, (d + 1) / cost);
            }
        }
    }

    /// 4. Training tokens/s of the tiny preset with 0, 1 and 2 MTP modules: the same random batch
    /// (8 × 64), a few optimizer steps per variant per round, best round of each.
    public static void trainingCost(int rounds, PrintStream out) {
        int b = 8, t = 64, steps = 3;
        dev.tinyseek.tensor.Rng rng = new dev.tinyseek.tensor.Rng(5);
        int[] in = new int[b * t], tgt = new int[b * t];
        for (int i = 0; i < in.length; i++) {
            in[i] = rng.nextInt(256);
            tgt[i] = rng.nextInt(256);
        }
        dev.tinyseek.train.Batch batch = new dev.tinyseek.train.Batch(in, tgt, b, t);
        double[] best = new double[3];
        Arrays.fill(best, Double.MAX_VALUE);
        Transformer[] models = new Transformer[3];
        dev.tinyseek.train.AdamW[] opts = new dev.tinyseek.train.AdamW[3];
        for (int d = 0; d < 3; d++) {
            models[d] = new Transformer(dev.tinyseek.model.ModelConfig.tiny().withMtpDepth(d), 1);
            opts[d] = dev.tinyseek.train.AdamW.deepseek(models[d].params());
        }
        var o = new dev.tinyseek.train.Trainer.Options(steps, 1e-4, 1e-5, 0, 0.1, 1.0, 0);
        for (int r = -1; r < rounds; r++) {
            for (int j = 0; j < 3; j++) {
                int d = (j + Math.max(0, r)) % 3;
                long t0 = System.nanoTime();
                new dev.tinyseek.train.Trainer(null).train(models[d], opts[d], () -> batch, o, null);
                double secs = (System.nanoTime() - t0) / 1e9;
                if (r >= 0) {
                    best[d] = Math.min(best[d], secs);
                }
            }
        }
        out.printf("training, tiny preset, batch %d x %d: MTP depth 0 %.0f tokens/s, depth 1 %.0f (%.2fx), depth 2 %.0f (%.2fx)%n",
                b, t, steps * b * t / best[0], steps * b * t / best[1], best[0] / best[1], steps * b * t / best[2], best[0] / best[2]);
    }
}
