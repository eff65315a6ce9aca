package dev.tinyseek.rl;

import dev.tinyseek.train.TaskData;
import dev.tinyseek.train.Evaluation;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.train.AdamW;
import dev.tinyseek.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/// The supervised cold start before GRPO (DeepSeek-R1's "cold start", in miniature): train on
/// `prompt + answer` with cross-entropy on the answer ([TaskData]) and **stop early**, as soon as
/// greedy accuracy on 200 *training* problems reaches `target`, checked every `check` steps.
///
/// GRPO needs a policy that is weak but not hopeless: from a model that never answers right,
/// every group's rewards are equal and there is no signal; from one that is nearly always right,
/// there is nothing left to learn. The stop rule looks only at training problems, so the
/// held-out set stays untouched for the accuracy that is reported.
public final class ColdStart {

    /// Steps trained, the training-problem accuracy at the stop, the seconds it took, and the
    /// training loss of every step (`[steps]`).
    public record Result(int steps, double trainAccuracy, double seconds, double[] losses) {

        @Override
        public String toString() {
            String loss = losses.length == 0 ? "" : String.format(java.util.Locale.ROOT, ", loss %.4f → %.4f",
                    losses[0], losses[losses.length - 1]);
            return String.format(java.util.Locale.ROOT, "cold start: %d steps, train accuracy %.1f%%%s, %.1f s",
                    steps, 100 * trainAccuracy, loss, seconds);
        }
    }

    private ColdStart() {
    }

    /// Trains `model` in place: AdamW (β 0.9/0.95, weight decay 0.1, clip 1.0), `lr` after a
    /// warmup of min(100, maxSteps/10) steps, batches of `batch` sequences of `seqLen` tokens.
    public static Result run(Transformer model, Task task, long seed, double target, int maxSteps, int check,
                             double lr, int batch, int seqLen, int maxNew) {
        if (maxSteps < 1 || check < 1) {
            throw new IllegalArgumentException("cold start: maxSteps = " + maxSteps + " and check = " + check + " must be >= 1");
        }
        AdamW opt = new AdamW(model.params(), 0.9, 0.95, 1e-8, 0.1);
        TaskData data = new TaskData(task, seed, batch, seqLen);
        Trainer.Options so = new Trainer.Options(maxSteps, lr, lr, Math.min(100, maxSteps / 10), 0.1, 1.0, 0);
        Trainer trainer = new Trainer(null).biasUpdateSpeed(0.001);
        List<Problem> trainCheck = new ArrayList<>();
        SplittableRandom cr = new SplittableRandom(seed + 99);
        for (int i = 0; i < 200; i++) {
            trainCheck.add(task.sample(cr, Split.TRAIN));
        }
        long t0 = System.nanoTime();
        double acc = 0;
        int steps = 0;
        List<Double> losses = new ArrayList<>();
        while (steps < maxSteps) {
            int to = Math.min(maxSteps, steps + check);
            for (Trainer.Step st : trainer.train(model, opt, data, so, null, steps, to, null).steps()) {
                losses.add(st.loss());
            }
            steps = to;
            acc = Evaluation.exactMatch(model, task, trainCheck, maxNew);
            if (acc >= target) {
                break;
            }
        }
        return new Result(steps, acc, (System.nanoTime() - t0) / 1e9,
                losses.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
