package dev.tinyseek.tensor;

import java.util.Locale;

/// How an array reads inside a one-line summary (the `toString` of results and routings in
/// jshell): its type and length, then its first few values, `float[1024] [0.125, -0.5, 2.0, …]`,
/// instead of Java's `[F@5b37e0d2`.
public final class Preview {

    /// Values shown before the ellipsis.
    public static final int SHOWN = 6;

    private Preview() {
    }

    public static String of(float[] x) { // [n]
        if (x == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("float[").append(x.length).append("] [");
        for (int i = 0; i < Math.min(x.length, SHOWN); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", x[i]));
        }
        return sb.append(x.length > SHOWN ? ", …]" : "]").toString();
    }

    public static String of(double[] x) { // [n]
        if (x == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("double[").append(x.length).append("] [");
        for (int i = 0; i < Math.min(x.length, SHOWN); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", x[i]));
        }
        return sb.append(x.length > SHOWN ? ", …]" : "]").toString();
    }

    public static String of(int[] x) { // [n]
        if (x == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("int[").append(x.length).append("] [");
        for (int i = 0; i < Math.min(x.length, SHOWN); i++) {
            sb.append(i == 0 ? "" : ", ").append(x[i]);
        }
        return sb.append(x.length > SHOWN ? ", …]" : "]").toString();
    }
}
