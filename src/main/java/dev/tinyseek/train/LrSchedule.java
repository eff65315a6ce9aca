package dev.tinyseek.train;

/// Learning rate: linear warmup from 0 to `peak` over `warmup` steps, then cosine decay to
/// `min` at step `total` (and `min` after it). DeepSeek-V3 warms up linearly and decays with a
/// cosine (`docs/model.md#training-settings`); a short run squeezes the same shape into its length.
public record LrSchedule(double peak, double min, int warmup, int total) {

    public LrSchedule {
        if (!(peak > 0) || !(min >= 0) || min > peak) {
            throw new IllegalArgumentException("lr schedule: need 0 <= min <= peak and peak > 0, got peak " + peak + ", min " + min);
        }
        if (warmup < 0 || total <= 0) {
            throw new IllegalArgumentException("lr schedule: need warmup >= 0 and total > 0, got " + warmup + ", " + total);
        }
    }

    /// The rate at 0-based step `s`.
    public double at(int s) {
        if (s < warmup) {
            return peak * (s + 1) / warmup;
        }
        if (s >= total) {
            return min;
        }
        double progress = (double) (s - warmup) / Math.max(1, total - warmup);
        return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
    }
}
