package dev.tinyseek.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/// The binding to cuBLAS (`libcublas.so.13` or `.12`): a handle and single-precision GEMM.
///
/// cuBLAS is column-major, as Fortran BLAS; [CudaGemm] turns our row-major products into
/// column-major ones. `alpha` and `beta` are host pointers (the handle's default pointer mode),
/// read before the call returns. Every `cublasStatus_t` is checked: non-zero becomes a
/// [NativeCallException] with `cublasGetStatusString`'s text.
///
/// Enum values from cuBLAS's `cublas_api.h`: `CUBLAS_OP_N = 0`, `CUBLAS_OP_T = 1`,
/// `CUBLAS_STATUS_SUCCESS = 0`.
@SuppressWarnings("restricted") // FFM: loading libraries, downcalls, sizing native pointers
public final class Cublas {

    // typedef enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2, ... } cublasOperation_t;  (cublas_api.h)
    static final int OP_N = 0;
    static final int OP_T = 1;

    static final String HOW_TO_GET = "It comes with NVIDIA's CUDA 12 or 13 toolkit (/usr/local/cuda/lib64) or the "
            + "pip wheel nvidia-cublas-cu12 (add its lib folder to LD_LIBRARY_PATH); "
            + "-Dtinyseek.cublas=/path/to/libcublas.so.12 names the file. The Java backend (--backend java) needs none of it.";

    static List<String> defaultCandidates() {
        return NativeLibrary.candidates("tinyseek.cublas",
                "libcublas.so.13", "libcublas.so.12",
                "/usr/local/cuda/lib64/libcublas.so.13", "/usr/local/cuda/lib64/libcublas.so.12",
                "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.13",
                "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.12");
    }

    private static volatile Cublas instance;

    final NativeLibrary lib;
    private final MethodHandle create, destroy, sgemm, statusString;

    private Cublas(NativeLibrary lib) {
        this.lib = lib;
        // cublasStatus_t cublasCreate_v2(cublasHandle_t *handle);
        create = lib.downcall("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);
        destroy = lib.downcall("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
        //                               cublasOperation_t transb, int m, int n, int k,
        //                               const float *alpha, const float *A, int lda,
        //                               const float *B, int ldb, const float *beta,
        //                               float *C, int ldc);
        sgemm = lib.downcall("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        // const char* cublasGetStatusString(cublasStatus_t status);
        statusString = lib.downcall("cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /// cuBLAS, loaded on first use; a [BackendUnavailableException] naming the files tried when missing.
    public static Cublas load() {
        Cublas c = instance;
        if (c == null) {
            synchronized (Cublas.class) {
                c = instance;
                if (c == null) {
                    c = load(defaultCandidates());
                    instance = c;
                }
            }
        }
        return c;
    }

    static Cublas load(List<String> candidates) {
        return new Cublas(NativeLibrary.open("cuBLAS (libcublas.so.13 or libcublas.so.12)", candidates, HOW_TO_GET));
    }

    /// `cublasCreate_v2`: a new handle on the current device.
    public MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasCreate_v2", (int) create.invokeExact(out));
            return out.get(ADDRESS, 0);
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cublasCreate_v2", t);
        }
    }

    /// `cublasDestroy_v2`.
    public void destroy(MemorySegment handle) {
        try {
            check("cublasDestroy_v2", (int) destroy.invokeExact(handle));
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cublasDestroy_v2", t);
        }
    }

    /// `cublasSgemm_v2`, column-major: `C[m,n] = alpha · op(A) · op(B) + beta · C` on device pointers.
    public void sgemm(MemorySegment handle, int transa, int transb, int m, int n, int k, float alpha,
                      MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(JAVA_FLOAT, alpha);
            MemorySegment be = arena.allocateFrom(JAVA_FLOAT, beta);
            check("cublasSgemm_v2", (int) sgemm.invokeExact(handle, transa, transb, m, n, k, al, a, lda, b, ldb, be, c, ldc));
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cublasSgemm_v2", t);
        }
    }

    /// `cublasGetStatusString`: cuBLAS's text for a status (e.g. `CUBLAS_STATUS_INVALID_VALUE`).
    public String statusText(int status) {
        try {
            MemorySegment p = (MemorySegment) statusString.invokeExact(status);
            return p.equals(MemorySegment.NULL) ? "unknown status" : p.reinterpret(512).getString(0);
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cublasGetStatusString", t);
        }
    }

    void check(String call, int status) {
        if (status != 0) {
            throw new NativeCallException(call, status, statusText(status));
        }
    }
}
