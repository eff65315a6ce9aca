/// FP8 numerics, simulated to the bit on a CPU: the number formats, the scaling recipes and a
/// simulated FP8 GEMM with DeepSeek-V3's accumulation (`docs/fp8.md`, DeepSeek-V3 §3.3).
///
/// - Codecs: [Fp8Format] (E4M3FN, E5M2, E4M3FNUZ, E5M2FNUZ) with an explicit [Overflow] mode,
///   [E8M0] (MX / "UE8M0" scales), [Bf16] and [Fp16].
/// - Scaling: [BlockScaling] (1x128 activation tiles, 128x128 weight blocks, any tile size),
///   [MxScaling] (1x32 blocks with E8M0 scales, OCP and NVIDIA rules), [DelayedScaling]
///   (per-tensor, TransformerEngine's amax history), [ScaleMath] (amax, power-of-two rounding).
///   Every quantised tensor is a [BlockQuantized] record: codes, scales, shape.
/// - GEMM: [Fp8Gemm] computes `C = Σ_Kblocks s_a·s_b·(Σ q_a·q_b)` with a choice of
///   [Accumulation] (exact, fp32, Hopper's 14-bit [TensorCoreAccumulator]), a promotion
///   interval N_C and a [ScaleOrder].
///
/// Conventions, for every class here: encoders take `float` only (quantising a `double` would
/// round twice, `docs/fp8.md#quantise-from-float-only`); NaN codes are canonicalised on encode (0x7F|sign for the OCP
/// formats, 0x80 for FNUZ); scales are *dequantisation* scales (`x ≈ code · scale`, as
/// DeepSeek's `weight_scale_inv` and `torch._scaled_mm`). This package imports nothing else
/// from the project.
package dev.tinyseek.fp8;
