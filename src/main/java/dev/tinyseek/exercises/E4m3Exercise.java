package dev.tinyseek.exercises;

/// Exercise `e4m3`: rounding a `float` to FP8 E4M3FN (`fp8/Fp8Format.java`, `docs/fp8.md#rounding`).
///
/// E4M3FN is `S EEEE MMM` with bias 7: exponent field 0 holds zero and the subnormals
/// `m·2^-9`; fields 1..15 hold `(1 + m/8)·2^(e−7)`; `S.1111.111` (0x7F, 0xFF) is NaN, so the
/// largest value is 448 (0x7E). There is no infinity.
///
/// Round the exact value to the nearest code, ties to the code with an even mantissa. Overflow
/// is decided after rounding (|x| ≤ 464 gives 448). What overflows, ±∞ included, becomes ±448
/// when `saturate`, else NaN (0x7F with the sign bit of `x`). A NaN gives 0x7F or 0xFF; `−0`
/// gives 0x80, and a negative value that rounds to zero keeps its sign.
public interface E4m3Exercise {

    /// The E4M3FN code (0..255) of `x`.
    int encode(float x, boolean saturate);
}
