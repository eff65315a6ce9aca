package dev.tinyseek.rl;

import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.train.Batch;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/// Supervised batches of `prompt → completion` pairs in the [R1Template]'s tokens: each row is
/// `prompt + completion + <eos>`, padded with `<pad>`, and the loss counts only the completion
/// and its `<eos>` (the prompt's operands are random: predicting them teaches nothing).
///
/// Examples come either from a fixed list (a cold-start set, rejection-sampled traces), drawn
/// uniformly with replacement, or from a generator (a corpus that never repeats).
public final class SftData implements Supplier<Batch> {

    /// One training document: what the model sees and what it must write.
    public record Example(String prompt, String completion) {
    }

    /// Makes an example from the data's random generator.
    @FunctionalInterface
    public interface Source {
        Example next(Rng rng);
    }

    private final Source source;
    private final Rng rng;
    private final int b, t;

    /// `batch` rows of `seqLen` tokens from `source`.
    public SftData(Source source, long seed, int batch, int seqLen) {
        if (batch <= 0 || seqLen <= 1) {
            throw new IllegalArgumentException("SFT data: batch = " + batch + " and seqLen = " + seqLen
                    + " must be positive (seqLen at least 2)");
        }
        this.source = source;
        this.rng = new Rng(seed);
        this.b = batch;
        this.t = seqLen;
    }

    /// Rows drawn uniformly (with replacement) from a fixed list.
    public static SftData of(List<Example> examples, long seed, int batch, int seqLen) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("SFT data: the list of examples is empty; nothing to train on");
        }
        List<Example> copy = List.copyOf(examples);
        return new SftData(r -> copy.get(r.nextInt(copy.size())), seed, batch, seqLen);
    }

    @Override
    public Batch get() {
        int[] inputs = new int[b * t];   // [B·T]
        int[] targets = new int[b * t];  // [B·T]
        Arrays.fill(inputs, R1Template.PAD);
        Arrays.fill(targets, CrossEntropy.IGNORE);
        for (int row = 0; row < b; row++) {
            Example e = source.next(rng);
            R1Template.Encoded enc = R1Template.encode(e.prompt(), e.completion());
            int[] all = enc.tokens();
            if (all.length > t + 1) {
                throw new IllegalArgumentException("SFT data: the example \"" + e.prompt() + e.completion() + "\" needs "
                        + (all.length - 1) + " positions but seqLen is " + t + "; raise seqLen");
            }
            int off = row * t;
            for (int i = 0; i + 1 < all.length; i++) {
                inputs[off + i] = all[i];
                if (i + 1 >= enc.completionStart()) {
                    targets[off + i] = all[i + 1];
                }
            }
        }
        return new Batch(inputs, targets, b, t);
    }
}
