package dev.tinyseek.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// The binding to the CUDA runtime (`libcudart.so.13` or `.12`): device memory, copies, and
/// the device count. Every call's `cudaError_t` is checked; a non-zero one becomes a
/// [NativeCallException] naming the call and `cudaGetErrorString`'s text.
///
/// Device pointers are [MemorySegment]s of size zero (addresses only: Java never reads device
/// memory). Host arrays are passed to `cudaMemcpy` in place, with `Linker.Option.critical(true)`
/// as in [OpenBlas]; a copy from pageable memory is synchronous, so the array is read before the
/// call returns.
///
/// Enum values are those of CUDA's `driver_types.h` (`cudaMemcpyHostToDevice = 1`,
/// `cudaMemcpyDeviceToHost = 2`, `cudaSuccess = 0`).
@SuppressWarnings("restricted") // FFM: loading libraries, downcalls, sizing native pointers
public final class CudaRuntime {

    // enum cudaMemcpyKind { cudaMemcpyHostToHost = 0, cudaMemcpyHostToDevice = 1,
    //                       cudaMemcpyDeviceToHost = 2, ... };                    (driver_types.h)
    static final int HOST_TO_DEVICE = 1;
    static final int DEVICE_TO_HOST = 2;

    static final String HOW_TO_GET = "It comes with NVIDIA's CUDA 12 or 13 toolkit (/usr/local/cuda/lib64) or the "
            + "pip wheel nvidia-cuda-runtime-cu12 (add its lib folder to LD_LIBRARY_PATH), and needs an NVIDIA driver; "
            + "-Dtinyseek.cudart=/path/to/libcudart.so.12 names the file. The Java backend (--backend java) needs none of it.";

    static List<String> defaultCandidates() {
        return NativeLibrary.candidates("tinyseek.cudart",
                "libcudart.so.13", "libcudart.so.12",
                "/usr/local/cuda/lib64/libcudart.so.13", "/usr/local/cuda/lib64/libcudart.so.12",
                "/usr/local/cuda/targets/x86_64-linux/lib/libcudart.so.13",
                "/usr/local/cuda/targets/x86_64-linux/lib/libcudart.so.12");
    }

    private static volatile CudaRuntime instance;

    final NativeLibrary lib;
    private final MethodHandle malloc, free, memcpyHeap, synchronize, deviceCount, errorString;

    private CudaRuntime(NativeLibrary lib) {
        this.lib = lib;
        // cudaError_t cudaMalloc(void **devPtr, size_t size);
        malloc = lib.downcall("cudaMalloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        // cudaError_t cudaFree(void *devPtr);
        free = lib.downcall("cudaFree", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind);
        // (critical: the host side is a Java array, read or written in place)
        memcpyHeap = lib.downcall("cudaMemcpy", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT),
                Linker.Option.critical(true));
        // cudaError_t cudaDeviceSynchronize(void);
        synchronize = lib.downcall("cudaDeviceSynchronize", FunctionDescriptor.of(JAVA_INT));
        // cudaError_t cudaGetDeviceCount(int *count);
        deviceCount = lib.downcall("cudaGetDeviceCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // const char* cudaGetErrorString(cudaError_t error);
        errorString = lib.downcall("cudaGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /// The runtime, loaded on first use; a [BackendUnavailableException] naming the files tried
    /// and how to get them when it is not there.
    public static CudaRuntime load() {
        CudaRuntime r = instance;
        if (r == null) {
            synchronized (CudaRuntime.class) {
                r = instance;
                if (r == null) {
                    r = load(defaultCandidates());
                    instance = r;
                }
            }
        }
        return r;
    }

    static CudaRuntime load(List<String> candidates) {
        return new CudaRuntime(NativeLibrary.open("CUDA runtime (libcudart.so.13 or libcudart.so.12)", candidates, HOW_TO_GET));
    }

    /// The number of CUDA devices; 0 when the driver reports none (or no driver: the status text
    /// then says why, see [#deviceCountProblem()]).
    public int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(JAVA_INT);
            int status = (int) deviceCount.invokeExact(n);
            return status == 0 ? n.get(JAVA_INT, 0) : 0;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cudaGetDeviceCount", t);
        }
    }

    /// Why [#deviceCount()] found nothing, in the runtime's words (e.g. "no CUDA-capable device is
    /// detected", "CUDA driver version is insufficient for CUDA runtime version"), or null when
    /// there is a device.
    public String deviceCountProblem() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(JAVA_INT);
            int status = (int) deviceCount.invokeExact(n);
            if (status != 0) {
                return "cudaGetDeviceCount returned status " + status + " (" + errorText(status) + ")";
            }
            return n.get(JAVA_INT, 0) == 0 ? "cudaGetDeviceCount found 0 devices" : null;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cudaGetDeviceCount", t);
        }
    }

    /// `cudaMalloc`: `bytes` of device memory.
    public MemorySegment malloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cudaMalloc(" + bytes + " bytes)", (int) malloc.invokeExact(out, Math.max(bytes, 1)));
            return out.get(ADDRESS, 0);
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cudaMalloc", t);
        }
    }

    /// `cudaFree`.
    public void free(MemorySegment device) {
        try {
            check("cudaFree", (int) free.invokeExact(device));
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cudaFree", t);
        }
    }

    /// Copies `n` floats from `src[off..]` to the start of `device`.
    public void toDevice(MemorySegment device, float[] src, int off, int n) {
        copy("cudaMemcpy(host to device)", device, slice(src, off), (long) n * Float.BYTES, HOST_TO_DEVICE);
    }

    /// Copies `n` bytes from `src[off..]` to the start of `device`.
    public void toDevice(MemorySegment device, byte[] src, int off, int n) {
        MemorySegment s = MemorySegment.ofArray(src).asSlice(off);
        copy("cudaMemcpy(host to device)", device, s, n, HOST_TO_DEVICE);
    }

    /// Copies `n` floats from the start of `device` to `dst[off..]`.
    public void toHost(float[] dst, int off, MemorySegment device, int n) {
        copy("cudaMemcpy(device to host)", slice(dst, off), device, (long) n * Float.BYTES, DEVICE_TO_HOST);
    }

    private void copy(String what, MemorySegment dst, MemorySegment src, long bytes, int kind) {
        if (bytes == 0) {
            return;
        }
        try {
            check(what, (int) memcpyHeap.invokeExact(dst, src, bytes, kind));
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cudaMemcpy", t);
        }
    }

    private static MemorySegment slice(float[] x, int off) {
        MemorySegment s = MemorySegment.ofArray(x);
        return off == 0 ? s : s.asSlice((long) off * Float.BYTES);
    }

    /// `cudaDeviceSynchronize`: waits for all queued work (and reports its errors).
    public void synchronize() {
        try {
            check("cudaDeviceSynchronize", (int) synchronize.invokeExact());
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cudaDeviceSynchronize", t);
        }
    }

    /// `cudaGetErrorString`: the runtime's text for a status.
    public String errorText(int status) {
        try {
            MemorySegment p = (MemorySegment) errorString.invokeExact(status);
            return p.equals(MemorySegment.NULL) ? "unknown error" : p.reinterpret(512).getString(0);
        } catch (Throwable t) {
            throw OpenBlas.rethrow("cudaGetErrorString", t);
        }
    }

    /// Throws a [NativeCallException] naming `call` unless `status` is `cudaSuccess` (0).
    void check(String call, int status) {
        if (status != 0) {
            throw new NativeCallException(call, status, errorText(status));
        }
    }
}
