package dev.tinyseek.backend;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/// The GEMM of cuBLAS on the first GPU: operands copied to the device, `cublasSgemm_v2`, the
/// result copied back.
///
/// **Row-major through a column-major library.** cuBLAS reads a matrix column by column. Our
/// row-major `X [R, C]` in memory *is*, read column by column, the matrix `Xᵀ [C, R]`. So instead
/// of `C = op(A)·op(B)` we ask cuBLAS for `Cᵀ = op(B)ᵀ · op(A)ᵀ` (the transpose identity
/// `(XY)ᵀ = YᵀXᵀ`): it writes `Cᵀ` column-major, which is `C` row-major, with no copy or
/// transposition anywhere. [#plan] works out the arguments; a CPU test runs them through a
/// column-major reference to check the identity on every transpose combination.
///
/// **Weights on the device.** Copying every operand for every call costs more than the product at
/// the model's sizes. [#keepOnDevice(float[])] uploads an array once and keeps it, keyed by the
/// array's identity (not its contents): later calls that pass that same array use the device copy.
/// Training updates weights in place, so a kept array must be [#refresh(float[])]ed after it changes
/// (or [#release(float[])]d); arrays not kept are copied on every call, which is always right.
///
/// Every CUDA and cuBLAS status is checked ([NativeCallException] names the call and the
/// status text). One handle and one set of scratch buffers, so calls are serialised.
@SuppressWarnings("restricted") // FFM: loading libraries, downcalls, sizing native pointers
public final class CudaGemm implements Gemm, AutoCloseable {

    private final CudaRuntime rt;
    private final Cublas cublas;
    private final MemorySegment handle;
    private final Map<float[], MemorySegment> kept = new IdentityHashMap<>();
    private final MemorySegment[] scratch = new MemorySegment[3]; // A, B, C
    private final long[] scratchFloats = new long[3];
    private volatile boolean closed;

    private CudaGemm(CudaRuntime rt, Cublas cublas) {
        this.rt = rt;
        this.cublas = cublas;
        this.handle = cublas.create();
    }

    private static CudaGemm shared;

    /// The process's CUDA GEMM (one handle and its device buffers), opened on first use and again
    /// after [#close()]. Throws a [BackendUnavailableException] naming the missing file, or saying
    /// that no GPU was found and why.
    public static synchronized CudaGemm open() {
        if (shared == null || shared.closed) {
            shared = create();
        }
        return shared;
    }

    private static CudaGemm create() {
        CudaRuntime rt = CudaRuntime.load();
        String problem = rt.deviceCountProblem();
        if (problem != null) {
            throw new BackendUnavailableException("no CUDA GPU: " + problem + ". The cuda backend needs an NVIDIA GPU "
                    + "with its driver (nvidia-smi lists it); the Java backend (--backend java) needs none.");
        }
        return new CudaGemm(rt, Cublas.load());
    }

    /// Whether a GPU and the libraries are there: null if so, else the reason.
    public static String unavailableReason() {
        try {
            CudaRuntime rt = CudaRuntime.load();
            String problem = rt.deviceCountProblem();
            if (problem != null) {
                return "no CUDA GPU: " + problem;
            }
            Cublas.load();
            return null;
        } catch (BackendUnavailableException e) {
            return e.getMessage();
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    /// The arguments of the column-major call that computes a row-major `C = op(A)·op(B)`.
    ///
    /// @param firstIsB always true: cuBLAS's first operand is our B, its second our A
    record ColumnMajorCall(int transa, int transb, int m, int n, int k, boolean firstIsB, int lda, int ldb, int ldc) {
    }

    /// `Cᵀ [N,M] = op(B)ᵀ · op(A)ᵀ`. Our B stored row-major is, read column-major, `B_storedᵀ`:
    /// - not `transB`: stored `[K,N]`, read as `N×K` = `op(B)ᵀ` already → `OP_N`, leading dim N;
    /// - `transB`: stored `[N,K]`, read as `K×N` = `op(B)`; we need its transpose → `OP_T`, leading dim K.
    /// The same for A in the second place (leading dim K, or M when `transA`); `Cᵀ` has leading dim N.
    static ColumnMajorCall plan(boolean transA, boolean transB, int m, int n, int k) {
        return new ColumnMajorCall(
                transB ? Cublas.OP_T : Cublas.OP_N,
                transA ? Cublas.OP_T : Cublas.OP_N,
                n, m, k, true,
                Math.max(1, transB ? k : n),
                Math.max(1, transA ? m : k),
                Math.max(1, n));
    }

    @Override
    public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k,
                                  float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        Gemm.checkShapes(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
        if (closed) {
            throw new IllegalStateException("this CudaGemm was closed; open a new one (Backends.use(\"cuda\"))");
        }
        if (Gemm.handledEmpty(m, n, k, c, cOff, accumulate)) { // empty C, or an empty sum (K = 0)
            return;
        }
        // 1. operands on the device: a kept copy, or the scratch buffer filled now
        MemorySegment dA = operand(0, a, aOff, (long) m * k);
        MemorySegment dB = operand(1, b, bOff, (long) k * n);
        MemorySegment dC = buffer(2, (long) m * n);
        if (accumulate) {
            rt.toDevice(dC, c, cOff, m * n);
        }
        // 2. the product, column-major, by the transpose identity
        ColumnMajorCall p = plan(transA, transB, m, n, k);
        cublas.sgemm(handle, p.transa(), p.transb(), p.m(), p.n(), p.k(), 1f,
                dB, p.lda(), dA, p.ldb(), accumulate ? 1f : 0f, dC, p.ldc());
        // 3. back to the host (cudaMemcpy waits for the product on the default stream)
        rt.toHost(c, cOff, dC, m * n);
    }

    private MemorySegment operand(int slot, float[] x, int off, long count) {
        MemorySegment d = kept.get(x);
        if (d != null) {
            return off == 0 ? d : d.reinterpret((long) x.length * Float.BYTES).asSlice((long) off * Float.BYTES);
        }
        MemorySegment s = buffer(slot, count);
        rt.toDevice(s, x, off, (int) count);
        return s;
    }

    /// A scratch device buffer of at least `floats` floats, grown by doubling.
    private MemorySegment buffer(int slot, long floats) {
        if (scratchFloats[slot] < floats) {
            if (scratch[slot] != null) {
                rt.free(scratch[slot]);
            }
            long size = Math.max(floats, 2 * scratchFloats[slot]);
            scratch[slot] = rt.malloc(size * Float.BYTES);
            scratchFloats[slot] = size;
        }
        return scratch[slot];
    }

    /// Uploads `x` once and uses the device copy whenever `x` itself is passed again.
    public synchronized void keepOnDevice(float[] x) {
        if (!kept.containsKey(x)) {
            MemorySegment d = rt.malloc((long) x.length * Float.BYTES);
            rt.toDevice(d, x, 0, x.length);
            kept.put(x, d);
        }
    }

    /// Copies a kept array again after it changed on the host (e.g. after an optimizer step).
    public synchronized void refresh(float[] x) {
        MemorySegment d = kept.get(x);
        if (d == null) {
            throw new IllegalArgumentException("refresh: this array is not kept on the device; call keepOnDevice first");
        }
        rt.toDevice(d, x, 0, x.length);
    }

    /// Frees a kept array's device copy; later calls copy it each time again.
    public synchronized void release(float[] x) {
        MemorySegment d = kept.remove(x);
        if (d != null) {
            rt.free(d);
        }
    }

    /// How many arrays are kept on the device.
    public synchronized int keptCount() {
        return kept.size();
    }

    /// Frees every device buffer and the cuBLAS handle.
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MemorySegment d : kept.values()) {
            rt.free(d);
        }
        kept.clear();
        for (int i = 0; i < scratch.length; i++) {
            if (scratch[i] != null) {
                rt.free(scratch[i]);
                scratch[i] = null;
                scratchFloats[i] = 0;
            }
        }
        cublas.destroy(handle);
    }
}
