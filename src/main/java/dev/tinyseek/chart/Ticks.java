package dev.tinyseek.chart;

import java.util.Locale;

/// Axis ticks on round values: a step of 1, 2 or 5 times a power of ten, chosen so that about
/// `target` ticks cover a range, and labels that show each tick with just the decimals its step
/// needs (0.1, 0.2, ... rather than 0.170, 0.330, ...).
record Ticks(double step, double first, double last) {

    /// Ticks of step 1, 2 or 5 × 10^k covering `[lo, hi]` with at most about `target` intervals;
    /// `first` ≤ `lo` and `last` ≥ `hi` are multiples of the step (the axis is widened to them).
    static Ticks covering(double lo, double hi, int target) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || hi < lo) {
            throw new IllegalArgumentException("ticks: range [" + lo + ", " + hi + "] is not a finite interval");
        }
        if (hi == lo) { // one value: an interval of one unit of its magnitude around it
            double m = lo == 0 ? 1 : Math.pow(10, Math.floor(Math.log10(Math.abs(lo))));
            lo -= m / 2;
            hi += m / 2;
        }
        double step = niceStep((hi - lo) / Math.max(1, target));
        double first = Math.floor(lo / step + 1e-9) * step, last = Math.ceil(hi / step - 1e-9) * step;
        return new Ticks(step, first, last);
    }

    /// Ticks of a round step inside `[lo, hi]` (the axis keeps its range, as a colour scale does).
    static Ticks inside(double lo, double hi, int target) {
        Ticks t = covering(lo, hi, target);
        double first = Math.ceil(lo / t.step - 1e-9) * t.step, last = Math.floor(hi / t.step + 1e-9) * t.step;
        return new Ticks(t.step, first, Math.max(first, last));
    }

    /// 1, 2 or 5 × 10^k, the smallest at least `raw`.
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double m = norm <= 1 + 1e-9 ? 1 : norm <= 2 + 1e-9 ? 2 : norm <= 5 + 1e-9 ? 5 : 10;
        return m * mag;
    }

    /// The tick values, `first, first + step, ..., last` (each rounded to the step's decimals).
    double[] values() {
        int n = (int) Math.round((last - first) / step) + 1;
        double[] v = new double[n];
        double scale = Math.pow(10, decimals());
        for (int i = 0; i < n; i++) {
            double x = first + i * step;
            v[i] = Math.round(x * scale) / scale + 0.0; // + 0.0: no -0
        }
        return v;
    }

    /// Decimals a label needs: none for a step of 1 or more, 1 for 0.1, 0.2 or 0.5, and so on.
    int decimals() {
        return Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    }

    /// A tick's label with the decimals of the step: `0.25` → "0.25" with a step of 0.05,
    /// `1500` → "1500" with a step of 500.
    String label(double v) {
        return String.format(Locale.ROOT, "%." + decimals() + "f", v + 0.0);
    }
}
