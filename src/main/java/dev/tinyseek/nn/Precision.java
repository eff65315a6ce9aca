package dev.tinyseek.nn;

/// The arithmetic of a [Linear] layer's three GEMMs (forward, activation gradient, weight gradient).
public enum Precision {
    /// Plain `float` GEMMs through the current backend: the default, and the reference.
    FP32,
    /// Simulated FP8 GEMMs as in DeepSeek-V3's training recipe (§3.3): operands rounded to E4M3
    /// with fine-grained scales, products summed per promotion interval and promoted to fp32;
    /// see [Fp8Recipe] and [Fp8Linear]. Master weights and gradients stay `float`.
    FP8;

    /// Parses `fp32` or `fp8` (any case), naming the valid values otherwise.
    public static Precision parse(String s) {
        for (Precision p : values()) {
            if (p.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision '" + s + "' is not known; use fp32 or fp8");
    }
}
