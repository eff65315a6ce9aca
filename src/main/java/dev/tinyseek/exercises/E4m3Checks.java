package dev.tinyseek.exercises;

import dev.tinyseek.fp8.Fp8Format;
import dev.tinyseek.fp8.Overflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/// How `e4m3` is graded. All 2^32 floats would take minutes; the inputs that decide a rounder
/// are few: every code's value, every midpoint between neighbours and the floats one ulp either
/// side of it, the overflow and underflow edges, and random floats for the rest. Each is compared
/// with tinyseek's [Fp8Format#E4M3FN] in both overflow modes; the first (smallest) mismatch is
/// reported.
final class E4m3Checks {

    private E4m3Checks() {
    }

    private static final Fp8Format F = Fp8Format.E4M3FN;

    private static final String EQ = "round the exact value to the nearest E4M3FN value, ties to an even mantissa; "
            + "normal (1 + m/8)·2^(e−7), subnormal m·2^-9; overflow after rounding (|x| ≤ 464 → 448), then ±448 "
            + "(saturating) or NaN 0x7F|sign (fp8/Fp8Format.java; docs/fp8.md#rounding)";

    static Exercise<E4m3Exercise> exercise() {
        return new Exercise<>("e4m3", "rounding a float to FP8 E4M3FN (round to nearest even, saturating or not)",
                E4m3Exercise.class, "MyE4m3", "fp8/Fp8Format.java", List.of(
                new Check<>("every finite code's value encodes to that code (±0 included)",
                        "a value that is exactly representable must come back unchanged; check the exponent bias (7) "
                                + "and the subnormal range (exponent field 0: m·2^-9). " + EQ,
                        s -> compare(s, codeValues())),
                new Check<>("midpoints between neighbouring codes round to the even code",
                        "a tie goes to the code whose last mantissa bit is 0, not away from zero; e.g. 1.0625 → 1.0 "
                                + "(0x38), 1.1875 → 1.25 (0x3A). " + EQ,
                        s -> compare(s, midpoints(0))),
                new Check<>("one ulp either side of a midpoint rounds to the nearer code",
                        "compare the bits below the kept mantissa with exactly half an ulp: more rounds up, less "
                                + "rounds down, whatever the parity. " + EQ,
                        s -> {
                            List<Float> xs = new ArrayList<>(midpoints(1));
                            xs.addAll(midpoints(-1));
                            return compare(s, xs);
                        }),
                new Check<>("overflow: up to 464 gives 448; beyond, ±448 (saturating) or NaN; ±∞ the same",
                        "round first, then overflow: 464 is the midpoint between 448 and the missing 480 and goes to "
                                + "the even 448; nextUp(464) overflows. " + EQ,
                        s -> compare(s, List.of(448f, 449f, 460f, 464f, Math.nextUp(464f), Math.nextDown(464f), 465f, 480f,
                                500f, 1e6f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, -448f, -464f, -Math.nextUp(464f),
                                -1e6f, Float.NEGATIVE_INFINITY))),
                new Check<>("subnormals and underflow: 2^-10 → 0, just above → 0x01, 7.5·2^-9 → 0x08, −0 → 0x80",
                        "below 2^-6 the spacing is fixed at 2^-9; half of 2^-9 is a tie that goes to the even 0; "
                                + "the sign of a value that underflows stays. " + EQ,
                        s -> compare(s, List.of(0f, -0f, 0x1p-10f, Math.nextUp(0x1p-10f), Math.nextDown(0x1p-10f), 0x1p-9f,
                                1.5f * 0x1p-9f, 7.5f * 0x1p-9f, Math.nextDown(7.5f * 0x1p-9f), 0x1p-6f, 0x1p-20f,
                                Float.MIN_VALUE, -0x1p-10f, -Math.nextUp(0x1p-10f), -Float.MIN_VALUE, -7.5f * 0x1p-9f))),
                new Check<>("NaN gives a NaN code (0x7F or 0xFF)",
                        "test for NaN before anything else (a NaN compares false with everything). " + EQ,
                        s -> compare(s, List.of(Float.NaN, -Float.NaN, Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFC00123)))),
                new Check<>("200,000 random floats (random bits, and uniform in ±500) match tinyseek's encoder",
                        EQ,
                        s -> compare(s, randomFloats()))));
    }

    /// One input of the encoder, as a failing case shows it.
    record Input(float x, boolean saturate) {
    }

    private static final java.lang.reflect.Method ENCODE;

    static {
        try {
            ENCODE = E4m3Exercise.class.getMethod("encode", float.class, boolean.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /// Compares the student's code with ours on every input, both modes; the mismatch with the
    /// smallest |x| is the reported case, with the direction of all the wrong codes when they
    /// share one ([Diagnosis#ofRounding]). The calls go in batches ([Submission#many]).
    static Check.Outcome compare(E4m3Exercise s, List<Float> xs) {
        List<Object[]> args = new ArrayList<>(2 * xs.size());
        List<Input> inputs = new ArrayList<>(2 * xs.size());
        for (float x : xs) {
            for (boolean sat : new boolean[] {false, true}) {
                args.add(new Object[] {x, sat});
                inputs.add(new Input(x, sat));
            }
        }
        Submission.Many answers = Submission.many(s, ENCODE, args, inputs);
        float worst = Float.NaN;
        String worstCase = null, message = null;
        int towardZero = 0, awayFromZero = 0, other = 0;
        for (int i = 0; i < answers.results().size(); i++) {
            float x = inputs.get(i).x();
            boolean sat = inputs.get(i).saturate();
            int want = F.encode(x, sat ? Overflow.SATURATE : Overflow.NON_SATURATE);
            int got = (Integer) answers.results().get(i);
            boolean same = want == got || (F.isNaN(want) && got >= 0 && got <= 255 && F.isNaN(got));
            if (!same) {
                switch (direction(x, want, got)) {
                    case -1 -> towardZero++;
                    case 1 -> awayFromZero++;
                    case 0 -> other++;
                    default -> { } // a NaN on either side: overflow and NaN rules, not rounding
                }
                if (message == null || smaller(x, worst)) {
                    worst = x;
                    worstCase = describe(x, sat);
                    message = String.format(Locale.ROOT, "expected code 0x%02X (%s), got %s", want, value(want), codeText(got));
                }
            }
        }
        Throwable e = answers.thrown();
        if (e != null) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw (VirtualMachineError) e;
            }
            Input at = inputs.get(answers.results().size());
            return Check.Outcome.fail(answers.results().size() + 1, describe(at.x(), at.saturate()), Cases.message(e));
        }
        if (message != null) {
            String likely = Diagnosis.ofRounding(towardZero, awayFromZero, other);
            return Check.Outcome.fail(args.size(), worstCase, message + (likely == null ? "" : "\nlikely bug: " + likely));
        }
        return Check.Outcome.pass(args.size());
    }

    /// −1 when `got` is the code next to `want` on the side of zero, +1 when it is the next one
    /// away from zero, 2 when either is a NaN code (overflow, not rounding), 0 otherwise (a sign
    /// error, a jump of more than one code, not a code).
    static int direction(float x, int want, int got) {
        if (got >= 0 && got <= 255 && (F.isNaN(want) || F.isNaN(got))) {
            return 2;
        }
        if (got < 0 || got > 255 || (want & 0x80) != (got & 0x80)) {
            return 0;
        }
        int w = want & 0x7F, g = got & 0x7F;
        if (g == w - 1 && Math.abs(F.decode(got)) <= Math.abs(x)) {
            return -1;
        }
        return g == w + 1 ? 1 : 0;
    }

    private static boolean smaller(float x, float than) {
        if (Float.isNaN(than)) {
            return false;
        }
        return Float.isNaN(x) ? false : Math.abs(x) < Math.abs(than);
    }

    static String describe(float x, boolean sat) {
        return String.format(Locale.ROOT, "x = %s (bits 0x%08X), saturate = %s", Float.toString(x), Float.floatToRawIntBits(x), sat);
    }

    static String codeText(int code) {
        if (code < 0 || code > 255) {
            return code + " (not a code: codes are 0..255)";
        }
        return String.format(Locale.ROOT, "0x%02X (%s)", code, value(code));
    }

    static String value(int code) {
        float v = F.decode(code);
        return Float.isNaN(v) ? "NaN" : Float.toString(v);
    }

    /// The value of every non-NaN code, smallest magnitude first.
    static List<Float> codeValues() {
        List<Float> xs = new ArrayList<>();
        for (int c = 0; c < 0x7F; c++) {
            xs.add(F.decode(c));
            xs.add(F.decode(c | 0x80));
        }
        return xs;
    }

    /// Every midpoint between neighbouring positive codes (and its negative), moved by `ulps`
    /// float ulps away from zero (0: the midpoint itself, an exact float).
    static List<Float> midpoints(int ulps) {
        List<Float> xs = new ArrayList<>();
        for (int c = 0; c < 0x7E; c++) {
            float m = (F.decode(c) + F.decode(c + 1)) / 2; // exact: both are on a fine binary grid
            float x = ulps == 0 ? m : ulps > 0 ? Math.nextUp(m) : Math.nextDown(m);
            xs.add(x);
            xs.add(-x);
        }
        return xs;
    }

    static List<Float> randomFloats() {
        SplittableRandom r = new SplittableRandom(0xE4E3L);
        List<Float> xs = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            xs.add(Float.intBitsToFloat(r.nextInt()));
            xs.add((float) (r.nextDouble() * 1000 - 500));
        }
        return xs;
    }
}
