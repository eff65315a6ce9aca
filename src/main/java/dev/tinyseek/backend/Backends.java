package dev.tinyseek.backend;

/// Which [Gemm] the model's linear layers use. The plain-Java one is the default and needs
/// nothing outside the JDK.
///
/// ```java
/// Backends.use("java");          // the default
/// Gemm g = Backends.gemm();
/// ```
public final class Backends {

    private static volatile Gemm current = new JavaGemm();

    private Backends() {
    }

    /// The GEMM in use now.
    public static Gemm gemm() {
        return current;
    }

    /// Uses `g` for every later GEMM.
    public static void use(Gemm g) {
        if (g == null) {
            throw new IllegalArgumentException("backend must not be null");
        }
        current = g;
    }

    /// Chooses a backend by name: `java` (default) or `naive` (the slow control).
    public static Gemm byName(String name) {
        return switch (name) {
            case "java" -> new JavaGemm();
            case "naive" -> new NaiveGemm();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; valid: java, naive");
        };
    }

    /// `use(byName(name))`.
    public static void use(String name) {
        use(byName(name));
    }
}
