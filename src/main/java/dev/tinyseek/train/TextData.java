package dev.tinyseek.train;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/// Training batches of a language model: `B` windows of `T + 1` consecutive tokens drawn at
/// seeded random offsets from one token stream (the training split only); each window gives
/// `T` inputs and, shifted by one, their `T` next tokens as targets.
public final class TextData implements Supplier<Batch> {

    private final int[] tokens; // [N]: the training split, tokenized
    private final int b, t;
    private SplittableRandom rng;
    private long draws;
    private final long seed;

    /// @throws IllegalArgumentException if the stream is shorter than one window of `t + 1` tokens
    public TextData(int[] tokens, long seed, int b, int t) {
        if (b < 1 || t < 1) {
            throw new IllegalArgumentException("batch " + b + " x " + t + ": both must be at least 1");
        }
        if (tokens.length < t + 1) {
            throw new IllegalArgumentException("the token stream has " + tokens.length + " tokens, fewer than one window of "
                    + (t + 1) + "; use a shorter sequence length");
        }
        this.tokens = tokens;
        this.b = b;
        this.t = t;
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    /// The token stream batches are cut from.
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public Batch get() {
        int[] in = new int[b * t], tg = new int[b * t];
        for (int bi = 0; bi < b; bi++) {
            int start = rng.nextInt(tokens.length - t); // the window [start, start + t] fits
            System.arraycopy(tokens, start, in, bi * t, t);
            System.arraycopy(tokens, start + 1, tg, bi * t, t);
        }
        draws++;
        return new Batch(in, tg, b, t);
    }

    /// How many batches were drawn (with the seed, the state of the generator).
    public long draws() {
        return draws;
    }

    /// Puts the generator where it was after `n` batches from the start.
    public void restore(long n) {
        rng = new SplittableRandom(seed);
        draws = 0;
        for (long i = 0; i < n; i++) {
            get();
        }
    }
}
