package dev.tinyseek.testkit;

import java.util.SplittableRandom;

/// The generator a property draws its case from: a seeded random stream plus a *size*.
///
/// The size (0 to [#MAX_SIZE]) scales every dimension drawn with [#dim(int, int)] or
/// [#shape(int, int, int)]: at size 0 each dimension is its lower bound, at [#MAX_SIZE] it can
/// reach its upper bound. Values ([#intIn(int, int)], the float arrays) do not depend on the size.
/// Shrinking a failing case is therefore just replaying the property with a smaller size (and the
/// same or a nearby seed): every draw stays in its declared range, so the case is still valid,
/// only smaller. See [Property].
///
/// Float arrays come in a few [Dist]ributions, because the bugs of numerical code hide in
/// different places: large outliers (overflow, lost precision, FP8 scaling), exact zeros
/// (division by a zero norm, `-0.0`), and plain normal or uniform values.
///
/// The stream is `java.util.SplittableRandom` (SplitMix64): the same seed gives the same case on
/// every machine running the same JDK. It is independent of the code under test (no `tensor.Rng`).
public final class Gen {

    /// The largest size, used by the last tries and by a replay without `-Dtinyseek.size`.
    public static final int MAX_SIZE = 100;

    /// Distributions of float arrays.
    public enum Dist {
        /// N(0, 1).
        NORMAL,
        /// Uniform in [−1, 1).
        UNIFORM,
        /// N(0, 1) with a few entries (about 1 in 16, at least one) scaled up by 100 to 1000.
        OUTLIERS,
        /// N(0, 1) with about a third of the entries exactly zero (some of them `-0.0`).
        ZEROS,
        /// A mix: every entry draws its own distribution among the four above.
        MIXED
    }

    private final SplittableRandom random;
    private final long seed;
    private final int size;

    /// A generator for one try: `seed` fixes every draw, `size` in `[0, MAX_SIZE]` bounds the dimensions.
    public Gen(long seed, int size) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be in [0, " + MAX_SIZE + "], got " + size);
        }
        this.seed = seed;
        this.size = size;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    public int size() {
        return size;
    }

    // ---- integers -------------------------------------------------------------------------

    /// A uniform integer in `[lo, hi]` (both inclusive), independent of the size.
    public int intIn(int lo, int hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("intIn: empty range [" + lo + ", " + hi + "]");
        }
        return lo + random.nextInt(hi - lo + 1);
    }

    /// A dimension in `[lo, hi]` whose upper end shrinks with the size: uniform in
    /// `[lo, lo + (hi − lo)·size/MAX_SIZE]`. Use it for every length a failure might depend on.
    public int dim(int lo, int hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("dim: empty range [" + lo + ", " + hi + "]");
        }
        int top = lo + (int) ((long) (hi - lo) * size / MAX_SIZE);
        return intIn(lo, top);
    }

    /// A shape of `rank` dimensions, each drawn with [#dim(int, int)].
    public int[] shape(int rank, int lo, int hi) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = dim(lo, hi);
        }
        return s;
    }

    /// `n` uniform integers in `[lo, hi]` (token ids, targets).
    public int[] ints(int n, int lo, int hi) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = intIn(lo, hi);
        }
        return x;
    }

    public boolean bool() {
        return random.nextBoolean();
    }

    /// True with probability `p`.
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /// One of the options, uniformly.
    @SafeVarargs
    public final <T> T oneOf(T... options) {
        return options[random.nextInt(options.length)];
    }

    /// A 64-bit seed for the code under test (e.g. a `tensor.Rng`), drawn from this stream.
    public long nextSeed() {
        return random.nextLong();
    }

    // ---- reals ----------------------------------------------------------------------------

    /// Uniform in `[lo, hi)`.
    public double doubleIn(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /// A standard normal sample.
    public double gaussian() {
        return random.nextGaussian();
    }

    /// `n` floats of the given distribution.
    public float[] floats(int n, Dist dist) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) draw(dist);
        }
        if (dist == Dist.OUTLIERS && n > 0) {
            int i = random.nextInt(n); // at least one outlier
            x[i] = (float) outlier();
        }
        return x;
    }

    /// `n` floats of a distribution chosen at random for this array (including [Dist#MIXED]).
    public float[] floats(int n) {
        return floats(n, oneOf(Dist.values()));
    }

    /// `n` floats from N(0, std²): for weights and upstream gradients, where outliers would only
    /// make a tolerance meaningless.
    public float[] normal(int n, double std) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * std);
        }
        return x;
    }

    /// `n` floats uniform in `[lo, hi)`.
    public float[] uniform(int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) doubleIn(lo, hi);
        }
        return x;
    }

    private double draw(Dist dist) {
        return switch (dist) {
            case NORMAL -> random.nextGaussian();
            case UNIFORM -> doubleIn(-1, 1);
            case OUTLIERS -> random.nextInt(16) == 0 ? outlier() : random.nextGaussian();
            case ZEROS -> {
                int r = random.nextInt(6);
                yield r == 0 ? 0.0 : r == 1 ? -0.0 : random.nextGaussian();
            }
            case MIXED -> draw(Dist.values()[random.nextInt(4)]);
        };
    }

    /// A value 100 to 1000 times larger than a typical normal sample, either sign.
    private double outlier() {
        double v = doubleIn(100, 1000);
        return random.nextBoolean() ? v : -v;
    }
}
