package dev.tinyseek.fp8;

/// What an encoder does with a value that rounds past the largest finite code (spec/fp8.md §2.2).
///
/// Rounding always comes first: E4M3FN values up to the midpoint 464 round to 448 and are *not*
/// an overflow; only what rounds beyond the largest finite value overflows.
public enum Overflow {
    /// ±max, as CUDA's `__NV_SATFINITE`, TransformerEngine and the OCP spec's saturating mode.
    /// ±Inf inputs also become ±max (OCP OFP8 §5.2.1; ml_dtypes would keep them, we follow the
    /// spec). NaN stays NaN.
    SATURATE,
    /// The format's overflow value, as ml_dtypes and PyTorch ≤ 2.12: NaN for E4M3FN and the FNUZ
    /// formats, ±Inf for E5M2. ±Inf inputs map the same way.
    NON_SATURATE
}
