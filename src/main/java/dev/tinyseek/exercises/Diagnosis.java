package dev.tinyseek.exercises;

import java.util.Locale;

/// Names the likely bug behind a wrong answer from the shape of the whole answer, not one entry:
/// the mistakes students make most often leave a pattern that a formula-only hint does not name.
///
/// - **a flipped sign**: `got ≈ −expected` in every entry (e.g. `x − 1` where `1 − x` is meant);
/// - **a missing or extra scale**: `got ≈ k·expected` with one `k` for every entry (a forgotten
///   `routeScale`, `1/√d`, or a factor of 2);
/// - **a missing or extra term**: `got ≈ expected + c` with one `c`;
/// - **nothing written**: `got` is all zeros;
/// - **truncation instead of rounding**: every wrong code is the neighbour toward zero.
///
/// Each test leaves a pattern only when every entry that can show it agrees, so an unrelated
/// bug is not given a misleading name: the methods return null when nothing fits.
public final class Diagnosis {

    private Diagnosis() {
    }

    /// The likely bug of `actual` against `expected` (compared with `|diff| ≤ rtol·|expected| +
    /// atol`), or null. Non-finite entries are left to the entry-wise message.
    public static String ofArrays(double[] expected, double[] actual, double rtol, double atol) {
        int n = expected.length;
        if (n == 0 || actual.length != n) {
            return null;
        }
        double scale = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(expected[i]) || !Double.isFinite(actual[i])) {
                return null;
            }
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        double floor = atol + 1e-12 * scale; // entries smaller than this say nothing about a sign or a factor
        int informative = 0;
        boolean flipped = true, zeros = true;
        for (int i = 0; i < n; i++) {
            double tol = 2 * (rtol * Math.abs(expected[i]) + atol);
            if (Math.abs(expected[i]) > floor) {
                informative++;
            }
            flipped &= Math.abs(actual[i] + expected[i]) <= tol;
            zeros &= Math.abs(actual[i]) <= atol;
        }
        if (informative == 0) {
            return null;
        }
        if (flipped) {
            return n == 1 ? "got ≈ −expected: a flipped sign? (a difference the wrong way round, or a minus dropped or added)"
                    : "got ≈ −expected in every entry: a flipped sign (a difference the wrong way round, or a minus dropped or added)";
        }
        if (zeros) {
            return "every entry is 0: nothing was written (a result computed into another array, or not returned)";
        }
        if (informative < 2) {
            return null; // one value fits any factor or offset
        }
        // one factor k for all: least squares k = Σ a·e / Σ e², then every entry within tolerance of k·e
        double ae = 0, ee = 0;
        for (int i = 0; i < n; i++) {
            ae += actual[i] * expected[i];
            ee += expected[i] * expected[i];
        }
        double k = ae / ee;
        if (Double.isFinite(k) && k != 0 && Math.abs(k - 1) > 1e-3 && fits(expected, actual, k, 0, rtol, atol)) {
            return String.format(Locale.ROOT, "got ≈ %s × expected in every entry (1/%s = %s): a missing or extra constant "
                    + "factor (a scale)", num(k), num(k), num(1 / k));
        }
        double c = 0;
        for (int i = 0; i < n; i++) {
            c += actual[i] - expected[i];
        }
        c /= n;
        if (Math.abs(c) > 10 * (rtol * scale + atol) && fits(expected, actual, 1, c, rtol, atol)) {
            return String.format(Locale.ROOT, "got ≈ expected %s %s in every entry: a missing or extra term that does not "
                    + "depend on the entry", c < 0 ? "−" : "+", num(Math.abs(c)));
        }
        return null;
    }

    /// Whether `actual_i ≈ k·expected_i + c` for every `i`, within a few times the tolerance.
    private static boolean fits(double[] expected, double[] actual, double k, double c, double rtol, double atol) {
        for (int i = 0; i < expected.length; i++) {
            double want = k * expected[i] + c;
            if (Math.abs(actual[i] - want) > 4 * (rtol * Math.abs(want) + atol) + 1e-6 * Math.abs(c)) {
                return false;
            }
        }
        return true;
    }

    /// The likely bug of a rounder from the direction of its wrong answers: `towardZero` of them
    /// were the representable neighbour nearer to zero than the right one, `awayFromZero` the
    /// neighbour farther from zero, `other` neither (or not neighbours).
    public static String ofRounding(int towardZero, int awayFromZero, int other) {
        int wrong = towardZero + awayFromZero + other;
        if (wrong == 0 || other > 0) {
            return null;
        }
        if (awayFromZero == 0) {
            return "every wrong code (" + wrong + " of them) is the neighbour toward zero of the right one: that is truncation "
                    + "(dropping the bits below the mantissa) instead of rounding to the nearest";
        }
        if (towardZero == 0) {
            return "every wrong code (" + wrong + " of them) is the neighbour away from zero of the right one: rounding up in "
                    + "magnitude where the value is below the midpoint, or ties sent away from zero";
        }
        return null;
    }

    static String num(double v) {
        double a = Math.abs(v);
        return a != 0 && (a < 1e-3 || a >= 1e5) ? String.format(Locale.ROOT, "%.4g", v) : String.format(Locale.ROOT, "%.4f", v)
                .replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
