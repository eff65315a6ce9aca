package dev.tinyseek.backend;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/// The binding to OpenBLAS (Debian's `libopenblas0`): `cblas_sgemm` and the thread-count calls.
/// Hand-written, one downcall per C function, each with its C signature beside it.
///
/// **No copies.** `cblas_sgemm` is bound with `Linker.Option.critical(true)`: the JVM then lets
/// the call read and write Java `float[]` arrays in place (`MemorySegment.ofArray`), without
/// copying them to native memory. The price is that the garbage collector waits while the call
/// runs, which is right for a call that lasts micro- to milliseconds and never calls back into Java.
///
/// **Which file.** `libopenblas.so.0` through the system loader first, then the usual paths of
/// Debian/Ubuntu, Fedora and Homebrew; `-Dtinyseek.blas=/path/to/libopenblas.so.0` replaces
/// them all. Debian's `libopenblas.so.0` has 32-bit integers (the `libopenblas64` packages,
/// with 64-bit ones, are not used). The C prototypes are those of OpenBLAS's `cblas.h`.
@SuppressWarnings("restricted") // FFM: loading libraries, downcalls, sizing native pointers
public final class OpenBlas {

    // enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };                (cblas.h)
    static final int ROW_MAJOR = 101;
    // enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113 };
    static final int NO_TRANS = 111;
    static final int TRANS = 112;

    /// What the error message tells the user to do when the library is missing.
    static final String HOW_TO_GET = "Install it with `sudo apt-get install libopenblas0` (Debian/Ubuntu; "
            + "`dnf install openblas` on Fedora, `brew install openblas` on macOS), or point "
            + "-Dtinyseek.blas=/path/to/libopenblas.so.0 at a copy. The Java backend (--backend java, the default) needs nothing.";

    static List<String> defaultCandidates() {
        return NativeLibrary.candidates("tinyseek.blas",
                "libopenblas.so.0",
                "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
                "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
                "/usr/lib64/libopenblas.so.0",
                "/usr/lib/libopenblas.so.0",
                "libopenblas.so",
                "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
                "/usr/local/opt/openblas/lib/libopenblas.dylib");
    }

    private static volatile OpenBlas instance;

    private final NativeLibrary lib;
    private final MethodHandle sgemm;
    private final MethodHandle setNumThreads;
    private final MethodHandle getNumThreads;
    private final MethodHandle getConfig;

    private OpenBlas(NativeLibrary lib) {
        this.lib = lib;
        // void cblas_sgemm(const enum CBLAS_ORDER Order, const enum CBLAS_TRANSPOSE TransA,
        //                  const enum CBLAS_TRANSPOSE TransB, const blasint M, const blasint N,
        //                  const blasint K, const float alpha, const float *A, const blasint lda,
        //                  const float *B, const blasint ldb, const float beta, float *C,
        //                  const blasint ldc);
        this.sgemm = lib.downcall("cblas_sgemm", FunctionDescriptor.ofVoid(
                        JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT),
                Linker.Option.critical(true));
        // void openblas_set_num_threads(int num_threads);
        this.setNumThreads = lib.downcall("openblas_set_num_threads", FunctionDescriptor.ofVoid(JAVA_INT));
        // int openblas_get_num_threads(void);
        this.getNumThreads = lib.downcall("openblas_get_num_threads", FunctionDescriptor.of(JAVA_INT));
        // char* openblas_get_config(void);
        this.getConfig = lib.downcall("openblas_get_config", FunctionDescriptor.of(ADDRESS));
    }

    /// The library, loaded on first use; throws a [BackendUnavailableException] naming the
    /// files tried and how to install it when it is not there.
    public static OpenBlas load() {
        OpenBlas b = instance;
        if (b == null) {
            synchronized (OpenBlas.class) {
                b = instance;
                if (b == null) {
                    b = load(defaultCandidates());
                    instance = b;
                }
            }
        }
        return b;
    }

    /// Loads from the given candidate files (tests use this to see the message for a missing one).
    static OpenBlas load(List<String> candidates) {
        return new OpenBlas(NativeLibrary.open("OpenBLAS (libopenblas.so.0)", candidates, HOW_TO_GET));
    }

    /// Whether OpenBLAS can be loaded here.
    public static boolean isAvailable() {
        try {
            load();
            return true;
        } catch (BackendUnavailableException e) {
            return false;
        }
    }

    /// The file that was opened.
    public String file() {
        return lib.file;
    }

    /// `C[M,N] = alpha · op(A) · op(B) + beta · C`, row-major, on Java arrays in place.
    /// `lda`, `ldb`, `ldc` are the row lengths of A, B, C as stored.
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda,   // [M,K] or [K,M]
                      float[] b, int bOff, int ldb,   // [K,N] or [N,K]
                      float beta,
                      float[] c, int cOff, int ldc) { // [M,N]
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                    alpha, slice(a, aOff), lda, slice(b, bOff), ldb, beta, slice(c, cOff), ldc);
        } catch (Throwable t) {
            throw rethrow("cblas_sgemm", t);
        }
    }

    /// A heap segment over `x` starting at element `off`: with the critical option the native
    /// code sees the array's own memory.
    private static MemorySegment slice(float[] x, int off) {
        MemorySegment s = MemorySegment.ofArray(x);
        return off == 0 ? s : s.asSlice((long) off * Float.BYTES);
    }

    /// Sets the number of threads OpenBLAS uses for one call.
    public void setThreads(int n) {
        threadsSet = n;
        try {
            setNumThreads.invokeExact(n);
        } catch (Throwable t) {
            throw rethrow("openblas_set_num_threads", t);
        }
    }

    private volatile int threadsSet = -1;

    /// Sets OpenBLAS's thread count to `n` unless it already is (a call costs little, but the
    /// GEMM asks before every product). The count is global to the library; callers that want
    /// different counts must not run at the same time (see [BlasGemm]).
    void useThreads(int n) {
        if (n != threadsSet) {
            setThreads(n);
            threadsSet = n;
        }
    }

    /// The number of threads OpenBLAS uses now.
    public int threads() {
        try {
            return (int) getNumThreads.invokeExact();
        } catch (Throwable t) {
            throw rethrow("openblas_get_num_threads", t);
        }
    }

    /// The build's description, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64`.
    public String config() {
        try {
            MemorySegment p = (MemorySegment) getConfig.invokeExact();
            return p.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw rethrow("openblas_get_config", t);
        }
    }

    static RuntimeException rethrow(String call, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(call + " failed: " + t, t);
    }
}
