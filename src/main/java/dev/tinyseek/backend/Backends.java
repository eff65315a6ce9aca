package dev.tinyseek.backend;

/// Which [Gemm] the model's linear layers use. The plain-Java one is the default and needs
/// nothing outside the JDK; `blas` calls OpenBLAS and `cuda` cuBLAS through the FFM API.
///
/// ```java
/// Backends.use("java");          // the default
/// Backends.use("blas");          // OpenBLAS; a clear error if libopenblas.so.0 is missing
/// Gemm g = Backends.gemm();
/// ```
///
/// On the command line: `tinyseek --backend blas train ...`.
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

    /// The names [#byName] knows.
    public static final java.util.List<String> NAMES = java.util.List.of("java", "naive", "blas", "cuda");

    /// Chooses a backend by name: `java` (default), `naive` (the slow control), `blas` (OpenBLAS)
    /// or `cuda` (cuBLAS on the first GPU). A native one whose library or device is missing throws
    /// a [BackendUnavailableException] that names the file and how to get it.
    public static Gemm byName(String name) {
        return switch (name == null ? "" : name) {
            case "java" -> new JavaGemm();
            case "naive" -> new NaiveGemm();
            case "blas" -> new BlasGemm();
            case "cuda" -> CudaGemm.open();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; valid: "
                    + String.join(", ", NAMES));
        };
    }

    /// `use(byName(name))`.
    public static void use(String name) {
        use(byName(name));
    }
}
