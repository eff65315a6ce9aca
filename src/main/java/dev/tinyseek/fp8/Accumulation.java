package dev.tinyseek.fp8;

/// How the sum of FP8 products inside one promotion interval is accumulated: the "tensor core"
/// part of the GEMM, before the partial sum is scaled and promoted (`docs/fp8.md#the-tensor-core-accumulator`).
public enum Accumulation {
    /// The ideal tensor core: products summed in `double`, then rounded once to `float`. Products
    /// of FP8 values are exact, and for E4M3 so is the sum of up to 2^20 of them, so the partial
    /// sum is the exact sum rounded to nearest. The reference and the default.
    EXACT,
    /// A naive `float += a·b` in `k` order: for teaching contrast only.
    FP32_SEQUENTIAL,
    /// Hopper (H100/H200/H800) FP8 tensor cores: every 32 products are added to the accumulator in
    /// one fused step that aligns all terms to the largest exponent and truncates them to 13
    /// fraction bits, keeping an e8m13 result ("about 14 bits", DeepSeek-V3 §3.3.2); see
    /// [TensorCoreAccumulator].
    HOPPER_E8M13
}
