package dev.tinyseek.backend;

/// Which [Gemm] the model's linear layers use. The default is the fastest one present: the
/// Vector API kernels ([VectorGemm]) when the JVM was started with
/// `--add-modules jdk.incubator.vector` (`./tinyseek`, `./tinyseek jshell` and the tests do
/// that), else the plain-Java GEMM ([JavaGemm]), which needs nothing outside the JDK. Both give
/// the same bits. `blas` calls OpenBLAS and `cuda` cuBLAS through the FFM API.
///
/// ```java
/// Backends.use("java");          // plain Java, whatever else is present
/// Backends.use("blas");          // OpenBLAS; a clear error if libopenblas.so.0 is missing
/// Gemm g = Backends.gemm();
/// ```
///
/// On the command line: `tinyseek --backend blas train ...`.
public final class Backends {

    private static volatile Gemm current = defaultGemm();

    private Backends() {
    }

    /// Whether the Vector API module was resolved at start-up (`--add-modules jdk.incubator.vector`).
    /// Without it [VectorGemm] is never loaded, so a plain `java` or `jshell` runs with no error.
    public static boolean vectorPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /// The fastest backend present without native libraries: `vector`, else `java`.
    public static Gemm defaultGemm() {
        return vectorPresent() ? vector() : new JavaGemm();
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
    public static final java.util.List<String> NAMES = java.util.List.of("vector", "java", "naive", "blas", "cuda");

    /// Chooses a backend by name: `vector` (Vector API; the default where its module is present),
    /// `java` (plain Java), `naive` (the slow control), `blas` (OpenBLAS) or `cuda` (cuBLAS on the
    /// first GPU). One that is missing here (the module, a library or a device) throws a
    /// [BackendUnavailableException] that names what is missing and how to get it.
    public static Gemm byName(String name) {
        return switch (name == null ? "" : name) {
            case "vector" -> {
                if (!vectorPresent()) {
                    throw new BackendUnavailableException("backend 'vector' needs the JVM option --add-modules jdk.incubator.vector"
                            + " (./tinyseek and ./tinyseek jshell pass it); without it use --backend java");
                }
                yield vector();
            }
            case "java" -> new JavaGemm();
            case "naive" -> new NaiveGemm();
            case "blas" -> new BlasGemm();
            case "cuda" -> CudaGemm.open();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; valid: "
                    + String.join(", ", NAMES));
        };
    }

    /// One line on `g` for `bench` and `inspect`: its name, and for `vector` its vector width, for
    /// `java` whether the faster `vector` was left out for want of its module.
    public static String describe(Gemm g) {
        String threads = Parallel.threads() + (Parallel.threads() == 1 ? " thread" : " threads");
        return switch (g.name()) {
            case "vector" -> "vector (Vector API, " + vectorShape() + ", " + threads + ")";
            case "java" -> "java (plain Java, " + threads + (vectorPresent() ? ")"
                    : "; vector needs --add-modules jdk.incubator.vector, which ./tinyseek passes)");
            default -> g.name() + " (" + threads + ")";
        };
    }

    /// Only called where the module is present (the `vector` backend is in use).
    private static String vectorShape() {
        return VectorGemm.shape();
    }

    /// `use(byName(name))`.
    public static void use(String name) {
        use(byName(name));
    }

    /// Only called once [#vectorPresent()] said yes: the JVM resolves the reference to
    /// [VectorGemm] (and through it the Vector API) on the first call, never before.
    private static Gemm vector() {
        return new VectorGemm();
    }
}
