package dev.tinyseek.train;

/// The weight `λ` of the Multi-Token Prediction loss `(λ/D) Σ_k CE_k` (DeepSeek-V3 eq. 25)
/// over a run: `first` until the fraction `switchAt` of the steps, `later` after it.
///
/// DeepSeek-V3 trained with λ = 0.3 for the first 10T tokens and 0.1 for the remaining 4.8T
/// (§4.2), i.e. `0.3:0.1@0.676`. A constant weight is `first == later` (written `0.3`).
///
/// Written on the command line as `X` (constant) or `X:Y@F` (X until the fraction F of the
/// steps, then Y); [#parse] reads both and [#toString] writes them back.
public record MtpWeight(double first, double later, double switchAt) {

    /// DeepSeek-V3's schedule: 0.3 for 10T of 14.8T tokens, then 0.1.
    public static final MtpWeight DEEPSEEK_V3 = new MtpWeight(0.3, 0.1, 10.0 / 14.8);

    public MtpWeight {
        if (!(first >= 0) || !(later >= 0) || Double.isInfinite(first) || Double.isInfinite(later)) {
            throw new IllegalArgumentException("MTP loss weight: lambda must be a finite number >= 0, got "
                    + first + " and " + later);
        }
        if (!(switchAt >= 0 && switchAt <= 1)) {
            throw new IllegalArgumentException("MTP loss weight: the switch point " + switchAt
                    + " must be a fraction of the run in [0, 1] (e.g. 0.3:0.1@0.7)");
        }
    }

    /// A weight that never changes.
    public static MtpWeight constant(double lambda) {
        return new MtpWeight(lambda, lambda, 1);
    }

    /// `λ` at 0-based step `s` of a run of `total` steps.
    public double at(int s, int total) {
        return s < switchAt * total ? first : later;
    }

    /// Reads `X` or `X:Y@F`; the message of a bad text names the form that is valid.
    public static MtpWeight parse(String text) {
        String t = text.strip();
        try {
            int colon = t.indexOf(':');
            if (colon < 0) {
                return constant(Double.parseDouble(t));
            }
            int at = t.indexOf('@', colon);
            if (at < 0) {
                throw new NumberFormatException();
            }
            return new MtpWeight(Double.parseDouble(t.substring(0, colon)), Double.parseDouble(t.substring(colon + 1, at)),
                    Double.parseDouble(t.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MTP loss weight '" + text + "' is not valid; write a number (0.3) or "
                    + "FIRST:LATER@FRACTION (0.3:0.1@0.7: 0.3 for the first 70% of the steps, then 0.1)");
        }
    }

    @Override
    public String toString() {
        return first == later ? fmt(first) : fmt(first) + ":" + fmt(later) + "@" + fmt(switchAt);
    }

    private static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x) : String.valueOf(x);
    }
}
