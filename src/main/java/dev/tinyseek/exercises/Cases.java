package dev.tinyseek.exercises;

import java.lang.reflect.RecordComponent;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.Function;

/// The grader's small property runner: cases are drawn from a seeded [Gen] at sizes `0, 1, ...,
/// SIZES − 1` (every dimension at its lower bound at size 0), a few seeds per size, **smallest
/// first**, and the first case that fails is the one reported. So the report shows the smallest
/// failing case that was drawn, without a separate shrinking pass (the test suite's
/// `testkit.Property` shrinks after the fact; a grader can afford to go small to large).
///
/// The seeds are fixed: two runs of the grader on the same file print the same report.
public final class Cases {

    /// Sizes `0 .. SIZES − 1`.
    public static final int SIZES = 8;
    /// Seeds tried at each size.
    public static final int SEEDS_PER_SIZE = 4;

    private Cases() {
    }

    /// The case a check is on now, for the report of a check that runs out of time: the grader
    /// gives each check's thread one of these, and [#sweep], [#single] and [#at] keep it current.
    public static final class Current {
        private volatile int size = -1;
        private volatile Object at;
        private volatile Check.Outcome settled;

        /// The failure a sweep had already found when it went on to larger cases, or null.
        public Check.Outcome settled() {
            return settled;
        }

        /// The case as the report shows it, or null before the first.
        public String describe() {
            Object c = at;
            int s = size;
            return c == null ? null : (s >= 0 ? "size " + s + ": " : "") + show(c);
        }
    }

    private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

    /// Makes `c` the holder of this thread's current case.
    public static void track(Current c) {
        CURRENT.set(c);
    }

    /// Marks `c` (of size `size`, or −1 for a fixed case) as the case running now.
    public static void at(int size, Object c) {
        Current cur = CURRENT.get();
        if (cur != null) {
            cur.at = c;
            cur.size = size;
        }
    }

    /// A seeded stream of random draws, with a size that bounds the dimensions.
    public static final class Gen {
        private final SplittableRandom random;
        private final int size;

        public Gen(long seed, int size) {
            this.random = new SplittableRandom(seed);
            this.size = size;
        }

        public int size() {
            return size;
        }

        /// An integer in `[lo, hi]` whose top grows with the size (`lo` at size 0).
        public int dim(int lo, int hi) {
            int top = lo + (hi - lo) * size / (SIZES - 1);
            return intIn(lo, top);
        }

        /// A uniform integer in `[lo, hi]`, independent of the size.
        public int intIn(int lo, int hi) {
            return lo + random.nextInt(hi - lo + 1);
        }

        public double uniform(double lo, double hi) {
            return lo + (hi - lo) * random.nextDouble();
        }

        public boolean coin() {
            return random.nextBoolean();
        }

        public double normal() {
            double u = 1 - random.nextDouble(), v = random.nextDouble(); // Box-Muller
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }

        /// `n` floats from N(0, σ²).
        public float[] normals(int n, double sigma) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (sigma * normal());
            }
            return x;
        }

        /// `n` floats uniform in `[lo, hi)`.
        public float[] uniforms(int n, double lo, double hi) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) uniform(lo, hi);
            }
            return x;
        }
    }

    /// Runs `check` on cases made by `make`, sizes small to large; returns the first failure
    /// (the smallest case) or a pass with the number of cases run. `name` seeds the draws.
    public static <C> Check.Outcome sweep(String name, Function<Gen, C> make, Consumer<C> check) {
        int n = 0;
        long base = name.hashCode() * 0x9E3779B97F4A7C15L;
        for (int size = 0; size < SIZES; size++) {
            for (int k = 0; k < SEEDS_PER_SIZE; k++) {
                long seed = mix(base + size * 131L + k);
                C c = null;
                n++;
                try {
                    c = make.apply(new Gen(seed, size));
                    at(size, c);
                    check.accept(c);
                } catch (Throwable e) {
                    if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                        throw (VirtualMachineError) e;
                    }
                    Check.Outcome first = Check.Outcome.fail(n, "size " + size + ": " + (c == null ? "(failed while making the case)" : show(c)),
                            message(e));
                    return e instanceof Mismatch m && m.likely() == null ? likelyFromLarger(first, base, size, k, make, check) : first;
                }
            }
        }
        return Check.Outcome.pass(n);
    }

    /// How many cases after the first failure a sweep tries, looking for the likely bug.
    static final int LOOK_FURTHER = 8;

    /// A small case often cannot show a pattern (one value fits any factor): when the first
    /// failure names no likely bug, the next [#LOOK_FURTHER] cases are tried, and the first
    /// failure among them that names one adds it to `first`. `first` stays the reported case.
    private static <C> Check.Outcome likelyFromLarger(Check.Outcome first, long base, int size0, int k0, Function<Gen, C> make,
                                                     Consumer<C> check) {
        Current cur = CURRENT.get();
        if (cur != null) {
            cur.settled = first;
        }
        int tried = 0;
        for (int size = size0; size < SIZES && tried < LOOK_FURTHER; size++) {
            for (int k = size == size0 ? k0 + 1 : 0; k < SEEDS_PER_SIZE && tried < LOOK_FURTHER; k++, tried++) {
                try {
                    C c = make.apply(new Gen(mix(base + size * 131L + k), size));
                    at(size, c);
                    check.accept(c);
                } catch (Mismatch m) {
                    if (m.likely() != null) {
                        return Check.Outcome.fail(first.cases(), first.failingCase(), first.message()
                                + "\nlikely bug (seen on a larger failing case, size " + size + "): " + m.likely());
                    }
                } catch (Submission.Gone e) {
                    return Check.Outcome.fail(first.cases(), first.failingCase(), first.message()
                            + "\nthen, on a larger case (size " + size + "): " + e.getMessage());
                } catch (RuntimeException | StackOverflowError e) {
                    return first; // the larger cases fail otherwise: nothing to add
                }
            }
        }
        return first;
    }

    /// Runs `check` once on a fixed, named case (a worked example or an edge case).
    public static <C> Check.Outcome single(C c, Consumer<C> check) {
        at(-1, c);
        try {
            check.accept(c);
            return Check.Outcome.pass(1);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw (VirtualMachineError) e;
            }
            return Check.Outcome.fail(1, show(c), message(e));
        }
    }

    /// What went wrong, as the report prints it: our own mismatch messages as they are, and what
    /// became of a submission's process; anything the student's code threw with its type and the
    /// first line of its stack inside their class.
    static String message(Throwable e) {
        if (e instanceof Mismatch || e instanceof Submission.Gone) {
            return e.getMessage();
        }
        StringBuilder s = new StringBuilder("your code threw " + e);
        for (StackTraceElement f : e.getStackTrace()) {
            if (!f.getClassName().startsWith("dev.tinyseek.") && !f.getClassName().startsWith("java.")
                    && !f.getClassName().startsWith("jdk.")) {
                s.append("\n  at ").append(f);
                break;
            }
        }
        return s.toString();
    }

    /// A case, readably: records field by field, arrays by their first [#SHOWN] values.
    public static String show(Object o) {
        if (o == null) {
            return "null";
        }
        if (o.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(o);
            StringJoiner j = new StringJoiner(", ", o.getClass().getComponentType().getSimpleName() + "[" + n + "]{", "}");
            for (int i = 0; i < Math.min(n, SHOWN); i++) {
                j.add(show(java.lang.reflect.Array.get(o, i)));
            }
            if (n > SHOWN) {
                j.add("...");
            }
            return j.toString();
        }
        if (o instanceof Record r) {
            StringJoiner j = new StringJoiner(", ");
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    j.add(c.getName() + " = " + show(c.getAccessor().invoke(r)));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    j.add(c.getName() + " = ?");
                }
            }
            return j.toString();
        }
        if (o instanceof Float f) {
            return floatText(f);
        }
        return String.valueOf(o);
    }

    /// How many values of an array a case shows.
    public static final int SHOWN = 8;

    static String floatText(float f) {
        return Float.isFinite(f) && f != 0 && (Math.abs(f) < 1e-3 || Math.abs(f) >= 1e5) ? String.format("%.6e", f) : Float.toString(f);
    }

    /// SplitMix64's finaliser.
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
