package dev.tinyseek.testkit;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/// A tiny property-based test runner: draw a case from a seeded [Gen], check it, repeat.
///
/// ```java
/// record Case(int n, int v, float[] x) {}
///
/// @Test
/// void rowsSumToOne() {
///     Property.forAll("softmax rows sum to one",
///         g -> {                                    // 1. make a case from the generator
///             int n = g.dim(1, 8), v = g.dim(1, 50); // dims shrink with g.size()
///             return new Case(n, v, g.floats(n * v)); // values: normal, outliers, zeros, ...
///         },
///         c -> {                                    // 2. check it: throw (AssertJ) on failure
///             float[] y = new float[c.n() * c.v()];
///             Softmax.forward(y, c.x(), c.n(), c.v());
///             for (int i = 0; i < c.n(); i++) { ... assertThat(sum).isCloseTo(1.0, within(1e-5)); }
///         });
/// }
/// ```
///
/// What it does:
/// - **Tries.** `-Dtinyseek.tries=N` cases (default 20; pass e.g. 2000 for a deep run). Try `i`
///   uses seed `mix(hash(name), i)`, so a default run is the same on every machine, and its size
///   ramps from 0 (every dimension at its lower bound) up to [Gen#MAX_SIZE].
///   `-Dtinyseek.fresh=true` draws fresh seeds instead (different cases every run).
/// - **Replay.** `-Dtinyseek.seed=S` runs exactly one case, that seed, at size `-Dtinyseek.size`
///   (default [Gen#MAX_SIZE]). Use it together with `-Dtest=Class#method`.
/// - **Shrinking.** When a case fails, the runner replays the property at smaller sizes,
///   smallest first (0, 1, 2, 4, 8, ...), each with the failing seed and a few seeds derived from
///   it, and keeps the first (smallest) case that still fails. Sizes only bound dimensions, so
///   this finds small shapes, not small values.
/// - **Report.** The `AssertionError` names the property, the failing seed and size, the smallest
///   failing case (printed by [Describe]: records with their arrays abbreviated), its error, and
///   the command that replays it, e.g.
///   `./tinyseek test -Dtest=SoftmaxTest#rowsSumToOne -Dtinyseek.seed=123 -Dtinyseek.size=4 -Dsurefire.failIfNoSpecifiedTests=false`.
///   The original error is the cause.
///
/// Keep the `make` function pure (all randomness from the `Gen`), and the case a record whose
/// fields are what the check needs: then the printed case is the whole story.
public final class Property {

    /// How many tries, and whether to replay one seed. Read from system properties by [#fromSystemProperties()].
    public record Settings(int tries, Long seed, int size, boolean fresh) {

        public Settings {
            if (tries < 1) {
                throw new IllegalArgumentException("tinyseek.tries must be >= 1, got " + tries);
            }
            if (size < 0 || size > Gen.MAX_SIZE) {
                throw new IllegalArgumentException("tinyseek.size must be in [0, " + Gen.MAX_SIZE + "], got " + size);
            }
        }

        /// `-Dtinyseek.tries` (default 20), `-Dtinyseek.seed`, `-Dtinyseek.size` (default 100), `-Dtinyseek.fresh`.
        public static Settings fromSystemProperties() {
            return new Settings(Integer.getInteger("tinyseek.tries", 20), Long.getLong("tinyseek.seed"),
                    Integer.getInteger("tinyseek.size", Gen.MAX_SIZE), Boolean.getBoolean("tinyseek.fresh"));
        }

        /// These settings with another number of tries (a property that is expensive or cheap).
        public Settings withTries(int n) {
            return new Settings(n, seed, size, fresh);
        }
    }

    /// Seeds derived from a failing seed that the shrinker also tries at each smaller size.
    private static final int SHRINK_SEEDS_PER_SIZE = 4;

    private Property() {
    }

    /// Checks `check` on `tries` cases made by `make`, with the settings of the system properties.
    public static <C> void forAll(String name, Function<Gen, C> make, Consumer<C> check) {
        forAll(Settings.fromSystemProperties(), name, make, check);
    }

    /// Same, with `tries` scaled: `factor` times the configured number (at least 1), for properties
    /// that are much cheaper or dearer than usual.
    public static <C> void forAll(double factor, String name, Function<Gen, C> make, Consumer<C> check) {
        Settings s = Settings.fromSystemProperties();
        forAll(s.withTries(Math.max(1, (int) Math.round(s.tries() * factor))), name, make, check);
    }

    /// Checks `check` on cases made by `make`, with explicit settings.
    public static <C> void forAll(Settings settings, String name, Function<Gen, C> make, Consumer<C> check) {
        String where = replayTarget();
        if (settings.seed() != null) {
            Failure<C> f = attempt(settings.seed(), settings.size(), make, check);
            if (f != null) {
                throw report(name, where, f, f);
            }
            return;
        }
        long base = settings.fresh() ? System.nanoTime() : name.hashCode();
        int tries = settings.tries();
        for (int i = 0; i < tries; i++) {
            long seed = mix(base * 0x9E3779B97F4A7C15L + i);
            int size = tries == 1 ? Gen.MAX_SIZE : (int) ((long) Gen.MAX_SIZE * i / (tries - 1));
            Failure<C> f = attempt(seed, size, make, check);
            if (f != null) {
                throw report(name, where, f, shrink(f, make, check));
            }
        }
    }

    /// One failing case: where it came from, what it was, and how it failed.
    private record Failure<C>(long seed, int size, C value, Throwable error) {
    }

    private static <C> Failure<C> attempt(long seed, int size, Function<Gen, C> make, Consumer<C> check) {
        C value = null;
        try {
            value = make.apply(new Gen(seed, size));
            check.accept(value);
            return null;
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            return new Failure<>(seed, size, value, e);
        }
    }

    /// Replays at sizes 0, 1, 2, 4, ... below the failing size; the first failure is the smallest.
    private static <C> Failure<C> shrink(Failure<C> failed, Function<Gen, C> make, Consumer<C> check) {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(0);
        for (int s = 1; s < failed.size(); s *= 2) {
            sizes.add(s);
        }
        for (int size : sizes) {
            if (size >= failed.size()) {
                break;
            }
            long seed = failed.seed();
            for (int k = 0; k <= SHRINK_SEEDS_PER_SIZE; k++) {
                Failure<C> f = attempt(seed, size, make, check);
                if (f != null) {
                    return f;
                }
                seed = mix(failed.seed() + 0x632BE59BD9B4E019L * (k + 1));
            }
        }
        return failed;
    }

    private static AssertionError report(String name, String where, Failure<?> first, Failure<?> smallest) {
        StringBuilder m = new StringBuilder();
        m.append("Property '").append(name).append("' failed.\n");
        m.append("  first failure: seed ").append(first.seed()).append(", size ").append(first.size()).append('\n');
        m.append("  smallest failing case found: seed ").append(smallest.seed())
                .append(", size ").append(smallest.size()).append('\n');
        m.append("    case:  ").append(smallest.value() == null ? "(failed while making the case)" : Describe.of(smallest.value())).append('\n');
        m.append("    error: ").append(firstLines(String.valueOf(smallest.error()), 12)).append('\n');
        m.append("  replay the smallest case:\n    ").append(command(where, smallest)).append('\n');
        if (first != smallest) {
            m.append("  replay the first failure:\n    ").append(command(where, first)).append('\n');
        }
        AssertionError e = new AssertionError(m.toString(), smallest.error());
        if (first != smallest) {
            e.addSuppressed(first.error());
        }
        return e;
    }

    private static String command(String where, Failure<?> f) {
        return "./tinyseek test -Dtest=" + where + " -Dtinyseek.seed=" + f.seed()
                + " -Dtinyseek.size=" + f.size() + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    private static String firstLines(String s, int n) {
        String[] lines = s.split("\n", -1);
        if (lines.length <= n) {
            return s.replace("\n", "\n           ");
        }
        return String.join("\n           ", java.util.Arrays.copyOf(lines, n)) + "\n           ...";
    }

    /// `Class#method` of the JUnit test that called us: the first frame on the stack whose method
    /// carries an annotation named `...Test` (`@Test`, `@ParameterizedTest`, `@RepeatedTest`), or
    /// failing that the first frame outside this package.
    private static String replayTarget() {
        StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
        Optional<String> test = walker.walk(frames -> frames
                .filter(f -> isTestMethod(f.getDeclaringClass(), f.getMethodName(), f.getMethodType().parameterArray()))
                .findFirst()
                .map(f -> target(f.getDeclaringClass(), f.getMethodName())));
        return test.orElseGet(() -> walker.walk(frames -> frames
                .filter(f -> !f.getDeclaringClass().getPackageName().equals(Property.class.getPackageName())
                        || f.getDeclaringClass().getSimpleName().endsWith("Test"))
                .filter(f -> f.getDeclaringClass() != Property.class)
                .findFirst()
                .map(f -> target(f.getDeclaringClass(), f.getMethodName()))
                .orElse("UnknownTest")));
    }

    private static boolean isTestMethod(Class<?> c, String method, Class<?>[] params) {
        try {
            Method m = c.getDeclaredMethod(method, params);
            for (var a : m.getAnnotations()) {
                if (a.annotationType().getSimpleName().endsWith("Test")) {
                    return true;
                }
            }
        } catch (NoSuchMethodException | SecurityException ignored) {
            // a synthetic frame: not a test method
        }
        return false;
    }

    private static String target(Class<?> c, String method) {
        String cls = c.getName().substring(c.getPackageName().isEmpty() ? 0 : c.getPackageName().length() + 1);
        String t = cls + "#" + method;
        return t.contains("$") ? "'" + t + "'" : t;
    }

    /// SplitMix64's finaliser: spreads nearby numbers over all 64 bits.
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
