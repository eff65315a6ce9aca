package dev.tinyseek.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// The binding to cuBLASLt (`libcublasLt.so.13` or `.12`) for one operation: an FP8 GEMM on the
/// tensor cores, so that the simulated FP8 GEMM of the `fp8` package can be compared with what
/// the hardware computes.
///
/// `C[M,N] = s_a · s_b · A·Bᵀ` (fp32 out) for E4M3 codes `A [M,K]` and `B [N,K]` row-major (our
/// `y = x Wᵀ` layout) and one dequantisation scale per tensor. How it maps onto cuBLASLt:
/// 1. cuBLASLt is column-major, and FP8 on Hopper accepts only the "TN" form: its first operand
///    transposed, its second not. A row-major `[R,K]` array is the column-major `K×R` matrix
///    (its transpose) with leading dimension K. We want `Cᵀ = B·Aᵀ` (`N×M`, column-major, which
///    is our row-major `C [M,N]`); with `B_cm = Bᵀ` (`K×N`) and `A_cm = Aᵀ` (`K×M`) that is
///    `B_cmᵀ · A_cm = op_T(B_cm) · op_N(A_cm)`: exactly TN.
/// 2. The scales go in as *device* pointers through the matmul descriptor attributes
///    `CUBLASLT_MATMUL_DESC_A_SCALE_POINTER` / `B_SCALE_POINTER` (cuBLASLt's A is our B).
/// 3. Compute type `CUBLAS_COMPUTE_32F`, scale type `CUDA_R_32F`, inputs `CUDA_R_8F_E4M3`,
///    output `CUDA_R_32F`; cuBLASLt requires M, N and K to be multiples of 16 for FP8 (checked here).
///
/// Enum values, from NVIDIA's headers (CUDA 12.6 `cublasLt.h`, `cublas_api.h`, `library_types.h`):
/// `CUBLASLT_MATMUL_DESC_TRANSA = 3`, `TRANSB = 4`, `A_SCALE_POINTER = 17`, `B_SCALE_POINTER = 18`;
/// `CUBLAS_COMPUTE_32F = 68`; `CUDA_R_32F = 0`, `CUDA_R_8F_E4M3 = 28`.
@SuppressWarnings("restricted") // FFM: loading libraries, downcalls, sizing native pointers
public final class CublasLt {

    // cublasLtMatmulDescAttributes_t                                                   (cublasLt.h)
    static final int DESC_TRANSA = 3;
    static final int DESC_TRANSB = 4;
    static final int DESC_A_SCALE_POINTER = 17;
    static final int DESC_B_SCALE_POINTER = 18;
    // cublasComputeType_t: CUBLAS_COMPUTE_32F = 68                                     (cublas_api.h)
    static final int COMPUTE_32F = 68;
    // cudaDataType_t: CUDA_R_32F = 0, CUDA_R_8F_E4M3 = 28                            (library_types.h)
    static final int R_32F = 0;
    static final int R_8F_E4M3 = 28;
    /// Workspace for cuBLASLt's algorithms (32 MiB is what NVIDIA's samples give Hopper).
    static final long WORKSPACE_BYTES = 32L << 20;

    static final String HOW_TO_GET = "It comes with NVIDIA's CUDA 12 or 13 toolkit (/usr/local/cuda/lib64) or the "
            + "pip wheel nvidia-cublas-cu12 (add its lib folder to LD_LIBRARY_PATH); "
            + "-Dtinyseek.cublaslt=/path/to/libcublasLt.so.12 names the file.";

    static List<String> defaultCandidates() {
        return NativeLibrary.candidates("tinyseek.cublaslt",
                "libcublasLt.so.13", "libcublasLt.so.12",
                "/usr/local/cuda/lib64/libcublasLt.so.13", "/usr/local/cuda/lib64/libcublasLt.so.12",
                "/usr/local/cuda/targets/x86_64-linux/lib/libcublasLt.so.13",
                "/usr/local/cuda/targets/x86_64-linux/lib/libcublasLt.so.12");
    }

    private static volatile CublasLt instance;

    final NativeLibrary lib;
    private final MethodHandle create, destroy, descCreate, descDestroy, descSetAttribute,
            layoutCreate, layoutDestroy, matmul, statusString;

    private CublasLt(NativeLibrary lib) {
        this.lib = lib;
        // cublasStatus_t cublasLtCreate(cublasLtHandle_t *lightHandle);
        create = lib.downcall("cublasLtCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // cublasStatus_t cublasLtDestroy(cublasLtHandle_t lightHandle);
        destroy = lib.downcall("cublasLtDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // cublasStatus_t cublasLtMatmulDescCreate(cublasLtMatmulDesc_t *matmulDesc,
        //                                         cublasComputeType_t computeType, cudaDataType_t scaleType);
        descCreate = lib.downcall("cublasLtMatmulDescCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        // cublasStatus_t cublasLtMatmulDescDestroy(cublasLtMatmulDesc_t matmulDesc);
        descDestroy = lib.downcall("cublasLtMatmulDescDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // cublasStatus_t cublasLtMatmulDescSetAttribute(cublasLtMatmulDesc_t matmulDesc,
        //                   cublasLtMatmulDescAttributes_t attr, const void *buf, size_t sizeInBytes);
        descSetAttribute = lib.downcall("cublasLtMatmulDescSetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        // cublasStatus_t cublasLtMatrixLayoutCreate(cublasLtMatrixLayout_t *matLayout, cudaDataType type,
        //                                           uint64_t rows, uint64_t cols, int64_t ld);
        layoutCreate = lib.downcall("cublasLtMatrixLayoutCreate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        // cublasStatus_t cublasLtMatrixLayoutDestroy(cublasLtMatrixLayout_t matLayout);
        layoutDestroy = lib.downcall("cublasLtMatrixLayoutDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // cublasStatus_t cublasLtMatmul(cublasLtHandle_t lightHandle, cublasLtMatmulDesc_t computeDesc,
        //                   const void *alpha, const void *A, cublasLtMatrixLayout_t Adesc,
        //                   const void *B, cublasLtMatrixLayout_t Bdesc, const void *beta,
        //                   const void *C, cublasLtMatrixLayout_t Cdesc, void *D, cublasLtMatrixLayout_t Ddesc,
        //                   const cublasLtMatmulAlgo_t *algo, void *workspace, size_t workspaceSizeInBytes,
        //                   cudaStream_t stream);
        matmul = lib.downcall("cublasLtMatmul", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        // const char* cublasLtGetStatusString(cublasStatus_t status);
        statusString = lib.downcall("cublasLtGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /// cuBLASLt, loaded on first use; a [BackendUnavailableException] naming the files tried when missing.
    public static CublasLt load() {
        CublasLt c = instance;
        if (c == null) {
            synchronized (CublasLt.class) {
                c = instance;
                if (c == null) {
                    c = load(defaultCandidates());
                    instance = c;
                }
            }
        }
        return c;
    }

    static CublasLt load(List<String> candidates) {
        return new CublasLt(NativeLibrary.open("cuBLASLt (libcublasLt.so.13 or libcublasLt.so.12)", candidates, HOW_TO_GET));
    }

    /// Checks the shape rules of cuBLASLt's FP8 GEMM before any device work, naming the problem.
    static void checkFp8Shape(int m, int n, int k, byte[] a, byte[] b) {
        if (m <= 0 || n <= 0 || k <= 0 || m % 16 != 0 || n % 16 != 0 || k % 16 != 0) {
            throw new IllegalArgumentException("cuBLASLt FP8 GEMM needs M, N and K to be positive multiples of 16, got M="
                    + m + " N=" + n + " K=" + k + "; pad the operands with zeros");
        }
        if (a.length != m * k || b.length != n * k) {
            throw new IllegalArgumentException("cuBLASLt FP8 GEMM: A must hold M·K = " + m * k + " codes and B N·K = "
                    + n * k + ", got " + a.length + " and " + b.length);
        }
    }

    /// `C[M,N] = scaleA · scaleB · A·Bᵀ` in fp32 on the GPU, for E4M3 codes `a [M,K]`, `b [N,K]`.
    /// Allocates, runs and frees everything in one call (a check, not a fast path).
    public float[] fp8Gemm(CudaRuntime rt, int m, int n, int k,
                           byte[] a, float scaleA,   // [M,K] E4M3 codes, dequantisation scale
                           byte[] b, float scaleB) { // [N,K] E4M3 codes, dequantisation scale
        checkFp8Shape(m, n, k, a, b);
        MemorySegment dA = null, dB = null, dD = null, dScales = null, work = null;
        MemorySegment handle = null, desc = null, la = null, lb = null, ld = null;
        try (Arena arena = Arena.ofConfined()) {
            // 1. operands and scales on the device
            dA = rt.malloc((long) m * k);
            dB = rt.malloc((long) n * k);
            dD = rt.malloc((long) m * n * Float.BYTES);
            dScales = rt.malloc(2L * Float.BYTES);
            work = rt.malloc(WORKSPACE_BYTES);
            rt.toDevice(dA, a, 0, m * k);
            rt.toDevice(dB, b, 0, n * k);
            // cuBLASLt's A is our B, its B our A (step 1 of the class comment): scales [s_b, s_a]
            rt.toDevice(dScales, new float[]{scaleB, scaleA}, 0, 2);
            // 2. handle and descriptors
            handle = out(arena, "cublasLtCreate", p -> (int) create.invokeExact(p));
            desc = out(arena, "cublasLtMatmulDescCreate", p -> (int) descCreate.invokeExact(p, COMPUTE_32F, R_32F));
            setInt(arena, desc, DESC_TRANSA, Cublas.OP_T);
            setInt(arena, desc, DESC_TRANSB, Cublas.OP_N);
            setPointer(arena, desc, DESC_A_SCALE_POINTER, dScales);
            setPointer(arena, desc, DESC_B_SCALE_POINTER, dScales.reinterpret(8).asSlice(Float.BYTES));
            la = layout(arena, R_8F_E4M3, k, n, k);   // our B [N,K] row-major = K×N column-major
            lb = layout(arena, R_8F_E4M3, k, m, k);   // our A [M,K] row-major = K×M column-major
            ld = layout(arena, R_32F, n, m, n);       // D N×M column-major = our C [M,N] row-major
            // 3. the product (beta = 0: C is not read; C and D share the buffer and layout)
            MemorySegment alpha = arena.allocateFrom(JAVA_FLOAT, 1f), beta = arena.allocateFrom(JAVA_FLOAT, 0f);
            check("cublasLtMatmul", (int) matmul.invokeExact(handle, desc, alpha, dB, la, dA, lb, beta, dD, ld, dD, ld,
                    MemorySegment.NULL, work, WORKSPACE_BYTES, MemorySegment.NULL));
            rt.synchronize();
            float[] c = new float[m * n];
            rt.toHost(c, 0, dD, m * n);
            return c;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cublasLtMatmul", t);
        } finally {
            // 4. everything freed, in reverse
            for (MemorySegment l : new MemorySegment[]{ld, lb, la}) {
                if (l != null) {
                    quietly(() -> (int) layoutDestroy.invokeExact(l));
                }
            }
            MemorySegment d = desc, h = handle;
            if (d != null) {
                quietly(() -> (int) descDestroy.invokeExact(d));
            }
            if (h != null) {
                quietly(() -> (int) destroy.invokeExact(h));
            }
            for (MemorySegment p : new MemorySegment[]{work, dScales, dD, dB, dA}) {
                if (p != null) {
                    rt.free(p);
                }
            }
        }
    }

    @FunctionalInterface
    private interface StatusCall {
        int call(MemorySegment out) throws Throwable;
    }

    @FunctionalInterface
    private interface Cleanup {
        int call() throws Throwable;
    }

    /// Calls a `create`-style function that writes a handle through its first argument.
    private MemorySegment out(Arena arena, String name, StatusCall f) throws Throwable {
        MemorySegment p = arena.allocate(ADDRESS);
        check(name, f.call(p));
        return p.get(ADDRESS, 0);
    }

    private MemorySegment layout(Arena arena, int type, long rows, long cols, long ldim) throws Throwable {
        return out(arena, "cublasLtMatrixLayoutCreate", p -> (int) layoutCreate.invokeExact(p, type, rows, cols, ldim));
    }

    private void setInt(Arena arena, MemorySegment desc, int attr, int value) throws Throwable {
        MemorySegment v = arena.allocateFrom(JAVA_INT, value);
        check("cublasLtMatmulDescSetAttribute(" + attr + ")", (int) descSetAttribute.invokeExact(desc, attr, v, 4L));
    }

    private void setPointer(Arena arena, MemorySegment desc, int attr, MemorySegment device) throws Throwable {
        MemorySegment v = arena.allocateFrom(ADDRESS, device);
        check("cublasLtMatmulDescSetAttribute(" + attr + ")", (int) descSetAttribute.invokeExact(desc, attr, v, ADDRESS.byteSize()));
    }

    private static void quietly(Cleanup c) {
        try {
            c.call();
        } catch (Throwable ignored) {
            // cleaning up after an error: the first error is the one to report
        }
    }

    /// `cublasLtGetStatusString`.
    public String statusText(int status) {
        try {
            MemorySegment p = (MemorySegment) statusString.invokeExact(status);
            return p.equals(MemorySegment.NULL) ? "unknown status" : p.reinterpret(512).getString(0);
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cublasLtGetStatusString", t);
        }
    }

    void check(String call, int status) {
        if (status != 0) {
            throw new NativeCallException(call, status, statusText(status));
        }
    }
}
