package dev.tinyseek.fp8;

/// The order in which a promoted partial sum `p` is multiplied by the two scales and added to the
/// fp32 accumulator (spec/fp8.md §4.5, pitfall 12). The orders differ by an fp32 ulp now and then.
public enum ScaleOrder {
    /// DeepGEMM's SM90 kernel: the scale product first, then one fused multiply-add,
    /// `acc = fma(s_a·s_b, p, acc)`.
    SCALES_FIRST,
    /// DeepSeek-V3's Triton `fp8_gemm` demo: `acc += (p·s_a)·s_b`; we model Triton's default
    /// floating-point fusion of the final multiply and add as `acc = fma(p·s_a, s_b, acc)`
    /// [our assumption; not checked on hardware].
    PARTIAL_FIRST
}
