import dev.tinyseek.exercises.E4m3Exercise;

/// Exercise `e4m3`: round a float to FP8 E4M3FN.
///
/// E4M3FN is S EEEE MMM with bias 7. Exponent field 0: zero and subnormals m·2^-9; fields 1..15:
/// (1 + m/8)·2^(e−7); S.1111.111 (0x7F, 0xFF) is NaN, so the largest value is 448 (0x7E). No infinity.
///
/// - round the exact value to the nearest code; a tie goes to the code with an even mantissa;
/// - overflow is decided after rounding (|x| ≤ 464 gives 448); an overflow, ±Infinity included,
///   gives ±448 (0x7E | sign) when `saturate`, else NaN (0x7F | sign);
/// - NaN gives 0x7F or 0xFF; −0 gives 0x80, and a negative value that rounds to 0 keeps its sign.
///
/// Hint: Float.floatToRawIntBits(x) gives sign, exponent and the 23 mantissa bits.
/// tinyseek's own: src/main/java/dev/tinyseek/fp8/Fp8Format.java (read it after you pass).
/// Grade it: ./tinyseek grade MyE4m3.java
public class MyE4m3 implements E4m3Exercise {

    @Override
    public int encode(float x, boolean saturate) {
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MyE4m3.encode");
    }
}
