package dev.tinyseek.fp8;

/// What an encoder does with a value that rounds past the largest finite code (`docs/fp8.md#overflow-and-special-values`).
///
/// Rounding always comes first: E4M3FN values up to the midpoint 464 round to 448 and are *not*
/// an overflow; only what rounds beyond the largest finite value overflows.
public enum Overflow {
    /// ±max, as CUDA's `__NV_SATFINITE`, TransformerEngine and the OCP spec's saturating mode.
    /// For the OCP formats (E4M3FN, E5M2) ±Inf inputs also become ±max (OCP OFP8 §5.2.1; ml_dtypes
    /// would keep them, we follow the spec). For the FNUZ formats, which have no Inf and are not
    /// OCP formats, ±Inf inputs become the NaN 0x80, as ml_dtypes with saturation and the ONNX
    /// Cast table of `onnx#7085` (`docs/fp8.md#pitfalls`: mapping FNUZ ±Inf to ±max is the
    /// reference bug of `onnx#6220`); [#SATURATE_ALL] keeps the other reading. NaN stays NaN.
    SATURATE,
    /// As [#SATURATE], and ±Inf inputs become ±max in the FNUZ formats too (ONNX Cast-24 after
    /// `onnx#7130`, "consistent with the Graphcore paper"). The same as [#SATURATE] for E4M3FN,
    /// E5M2 and E8M0.
    SATURATE_ALL,
    /// The format's overflow value, as ml_dtypes and PyTorch ≤ 2.12: NaN for E4M3FN and the FNUZ
    /// formats, ±Inf for E5M2. ±Inf inputs map the same way.
    NON_SATURATE
}
