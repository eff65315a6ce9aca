package dev.tinyseek.exercises;

import java.util.Locale;

/// A property that did not hold, with a message that names the value, what was expected, and
/// what the student's code gave. The comparisons every exercise uses live here.
public final class Mismatch extends AssertionError {

    private final String likely;

    public Mismatch(String message) {
        this(message, null);
    }

    /// A mismatch whose message ends with the likely bug `likely` (null: none named).
    public Mismatch(String message, String likely) {
        super(likely == null ? message : message + "\nlikely bug: " + likely);
        this.likely = likely;
    }

    /// The likely bug this mismatch names ([Diagnosis]), or null.
    public String likely() {
        return likely;
    }

    /// Fails with `message` unless `ok`.
    public static void check(boolean ok, String message) {
        if (!ok) {
            throw new Mismatch(message);
        }
    }

    /// Fails unless `|actual_i − expected_i| ≤ rtol·|expected_i| + atol` for every `i`; a NaN or
    /// an infinity matches only the same value. Names the worst entry, shows both arrays' heads,
    /// and the likely bug when the whole answer has the pattern of one ([Diagnosis]).
    public static void close(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (actual == null) {
            throw new Mismatch(what + ": your code returned null; expected " + expected.length + " values");
        }
        if (expected.length != actual.length) {
            throw new Mismatch(what + ": expected " + expected.length + " values but your code gave " + actual.length);
        }
        int worst = -1;
        double worstRatio = 1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            double ratio = diff / (rtol * Math.abs(expected[i]) + atol);
            if (Double.isNaN(ratio)) {
                ratio = Double.compare(actual[i], expected[i]) == 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            if (ratio > worstRatio) {
                worst = i;
                worstRatio = ratio;
            }
        }
        if (worst >= 0) {
            String likely = Diagnosis.ofArrays(expected, actual, rtol, atol);
            throw new Mismatch(String.format(Locale.ROOT,
                    "%s[%d]: expected %.9g, got %.9g (|diff| %.3g; tolerance %.2g·|expected| + %.2g)%n    expected %s%n    got      %s",
                    what, worst, expected[worst], actual[worst], Math.abs(actual[worst] - expected[worst]), rtol, atol,
                    head(expected, worst), head(actual, worst)), likely);
        }
    }

    public static void close(String what, double[] expected, float[] actual, double rtol, double atol) {
        close(what, expected, actual == null ? null : toDouble(actual), rtol, atol);
    }

    public static void close(String what, float[] expected, float[] actual, double rtol, double atol) {
        close(what, toDouble(expected), actual == null ? null : toDouble(actual), rtol, atol);
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /// A few values around index `at` (the worst one marked with `*`).
    static String head(double[] x, int at) {
        int from = Math.max(0, Math.min(at - 2, x.length - 6));
        int to = Math.min(x.length, from + 6);
        StringBuilder s = new StringBuilder("[" + from + ".." + (to - 1) + "]: ");
        for (int i = from; i < to; i++) {
            s.append(String.format(Locale.ROOT, "%.6g", x[i])).append(i == at ? "*" : "").append(i + 1 < to ? ", " : "");
        }
        return s.toString();
    }
}
