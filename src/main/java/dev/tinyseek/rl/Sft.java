package dev.tinyseek.rl;

import dev.tinyseek.model.Transformer;
import dev.tinyseek.train.AdamW;
import dev.tinyseek.train.Batch;
import dev.tinyseek.train.Trainer;

import java.io.PrintStream;
import java.util.function.Supplier;

/// Supervised fine-tuning for the R1 stages (cold start, SFT on rejection-sampled traces,
/// distillation): AdamW with DeepSeek-V3's β (0.9, 0.95) and weight decay 0.1, clip 1, a warmup of
/// a tenth of the steps (at most 100) then cosine decay to a tenth of `lr`.
///
/// With `maxSeconds > 0` it stops at the first multiple of 10 steps past that wall time (the
/// distillation comparison gives two methods the same time), so the step count then depends on
/// the machine; the result says how many steps ran.
public final class Sft {

    /// Steps run, the last step's loss, seconds.
    public record Result(int steps, double finalLoss, double seconds) {
    }

    private Sft() {
    }

    public static Result run(Transformer model, Supplier<Batch> data, int steps, double lr, double maxSeconds) {
        return run(model, data, steps, lr, maxSeconds, null);
    }

    /// As [#run(Transformer, Supplier, int, double, double)], printing the trainer's progress to
    /// `progress` (null for none).
    public static Result run(Transformer model, Supplier<Batch> data, int steps, double lr, double maxSeconds,
                             PrintStream progress) {
        AdamW opt = new AdamW(model.params(), 0.9, 0.95, 1e-8, 0.1);
        Trainer.Options o = new Trainer.Options(steps, lr, lr / 10, Math.min(100, steps / 10), 0.1, 1.0, 0);
        Trainer trainer = new Trainer(progress).biasUpdateSpeed(0.001);
        if (maxSeconds <= 0) { // no time limit: one run of every step
            Trainer.History h = trainer.train(model, opt, data, o, null);
            return new Result(steps, h.lastLoss(), h.seconds());
        }
        long t0 = System.nanoTime();
        int done = 0;
        double loss = Double.NaN;
        while (done < steps) {
            int to = Math.min(steps, done + 10);
            loss = trainer.train(model, opt, data, o, null, done, to, null).lastLoss();
            done = to;
            if ((System.nanoTime() - t0) / 1e9 >= maxSeconds) {
                break;
            }
        }
        return new Result(done, loss, (System.nanoTime() - t0) / 1e9);
    }
}
