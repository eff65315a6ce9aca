package dev.tinyseek.train;

import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tensor.Rng;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/// Turns a task's problems into supervised training batches (the "SFT" data of a cold start):
/// each row is `prompt + answer + "\n"` as byte tokens (ids 0..255), and the loss counts only
/// the answer and its terminating newline — the model is not asked to predict the question.
///
/// Row layout for `"12+5=" → "17"`, T = 10 (· is padding, byte 0, never a target):
///
///     inputs   1  2  +  5  =  1  7  \n ·  ·
///     targets  -  -  -  -  1  7  \n -  -  -
public final class TaskData implements Supplier<Batch> {

    /// The token that ends an answer.
    public static final int END = '\n';
    /// The padding token (never a target).
    public static final int PAD = 0;

    private final Task task;
    private final Rng rng;
    private final int b, t;

    public TaskData(Task task, long seed, int batch, int seqLen) {
        if (batch <= 0 || seqLen <= 1) {
            throw new IllegalArgumentException("task data: batch = " + batch + " and seqLen = " + seqLen
                    + " must be positive (seqLen at least 2)");
        }
        this.task = task;
        this.rng = new Rng(seed);
        this.b = batch;
        this.t = seqLen;
    }

    /// The sampler's state, to save with a checkpoint; [#restore(long)] continues from it.
    public long rngState() {
        return rng.state();
    }

    /// Continues from a state saved by [#rngState()].
    public TaskData restore(long state) {
        rng.restore(state);
        return this;
    }

    /// The byte tokens of a string.
    public static int[] encode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xFF;
        }
        return out;
    }

    /// The string of byte tokens (stopping at the first token above 255, which is not a byte).
    public static String decode(int[] tokens) {
        byte[] bytes = new byte[tokens.length];
        int n = 0;
        for (int tok : tokens) {
            if (tok < 0 || tok > 255) {
                break;
            }
            bytes[n++] = (byte) tok;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public Batch get() {
        int[] inputs = new int[b * t];
        int[] targets = new int[b * t];
        java.util.Arrays.fill(targets, CrossEntropy.IGNORE);
        for (int row = 0; row < b; row++) {
            Problem p = task.sample(rng, Split.TRAIN);
            int[] prompt = encode(p.prompt());
            int[] full = encode(p.prompt() + p.answer() + (char) END);
            if (full.length > t + 1) {
                throw new IllegalArgumentException("task data: the problem \"" + p.prompt() + p.answer() + "\" needs "
                        + (full.length - 1) + " positions but seqLen is " + t + "; raise --seq-len");
            }
            int off = row * t;
            for (int i = 0; i < full.length - 1; i++) {
                inputs[off + i] = full[i];
                if (i + 1 >= prompt.length) {
                    targets[off + i] = full[i + 1];
                }
            }
        }
        return new Batch(inputs, targets, b, t);
    }
}
