package dev.tinyseek.moe;

/// Expert-load statistics: how evenly a batch's tokens spread over the routed experts.
public final class LoadStats {

    private LoadStats() {
    }

    /// Maximum violation `max_i load_i / mean load − 1` (0 = perfectly balanced; DeepSeek-V3's
    /// balance figures use this measure).
    public static double maxViolation(int[] loads) {
        double sum = 0, max = 0;
        for (int l : loads) {
            sum += l;
            max = Math.max(max, l);
        }
        double mean = sum / loads.length;
        return mean == 0 ? 0 : max / mean - 1;
    }
}
