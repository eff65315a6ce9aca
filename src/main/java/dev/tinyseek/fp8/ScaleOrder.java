package dev.tinyseek.fp8;

/// The order in which a promoted partial sum `p` is multiplied by the two scales and added to the
/// fp32 accumulator (`docs/fp8.md#the-fp8-gemm`). The orders differ by an fp32 ulp now and then.
///
/// The Triton demo's order is `(part*sa)*sb + acc`, and Triton
/// may fuse the final multiply and add (`enable_fp_fusion`, on by default); both readings are
/// offered: [#PARTIAL_FIRST] (fused) and [#PARTIAL_FIRST_UNFUSED] (three roundings, the
/// pseudocode taken literally).
public enum ScaleOrder {
    /// DeepGEMM's SM90 kernel: the scale product first, then one fused multiply-add,
    /// `acc = fma(s_a·s_b, p, acc)`.
    SCALES_FIRST,
    /// DeepSeek-V3's Triton `fp8_gemm` demo: `acc += (p·s_a)·s_b`; we model Triton's default
    /// floating-point fusion of the final multiply and add as `acc = fma(p·s_a, s_b, acc)`
    /// [our assumption; not checked on hardware].
    PARTIAL_FIRST,
    /// The Triton demo's order with no fusion, `(part*sa)*sb + acc` literally:
    /// `acc = acc + (p·s_a)·s_b`, every operation rounded to fp32.
    PARTIAL_FIRST_UNFUSED
}
