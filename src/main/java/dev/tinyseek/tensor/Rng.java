package dev.tinyseek.tensor;

/// The project's only source of randomness: a seeded SplitMix64 generator.
///
/// Same seed, same numbers, on every machine and JDK (unlike `java.util.Random`'s Gaussian,
/// this one is specified here in full). [#split()] derives an independent stream, so that, say,
/// weight initialisation and data sampling do not disturb each other.
public final class Rng implements java.util.random.RandomGenerator {

    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /// The whole state: `new Rng(0).restore(state)` continues exactly where this one is.
    public long state() {
        return state;
    }

    /// Sets the state saved by [#state()] (to resume a run) and returns this generator.
    public Rng restore(long savedState) {
        this.state = savedState;
        return this;
    }

    /// The next 64 random bits (SplitMix64, Steele, Lea and Flood 2014).
    @Override
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /// Uniform in [0, 1) with 53 random bits.
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /// Uniform in [0, 1) with 24 random bits.
    @Override
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /// Uniform integer in [0, bound).
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        // Lemire's multiply-shift; the tiny bias (< 2^-32 · bound) does not matter here
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /// Uniform integer in [lo, hi) (as `RandomGenerator`: the upper end excluded).
    @Override
    public int nextInt(int lo, int hi) {
        if (lo >= hi) {
            throw new IllegalArgumentException("need lo < hi, got " + lo + ", " + hi);
        }
        return lo + nextInt(hi - lo);
    }

    /// A standard normal sample (Box-Muller; one value per call, the second is dropped for simplicity).
    @Override
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /// An independent generator derived from this one.
    public Rng split() {
        return new Rng(nextLong() ^ 0x5DEECE66DL);
    }

    /// Fills `x` with normal samples of standard deviation `std`.
    public void fillNormal(float[] x, double std) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (nextGaussian() * std);
        }
    }
}
