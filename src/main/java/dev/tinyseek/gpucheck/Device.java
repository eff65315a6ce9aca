package dev.tinyseek.gpucheck;

import dev.tinyseek.backend.Gemm;

/// What the GPU check runs on: a single-precision GEMM, an FP8 tensor-core product, and a place to
/// keep weights. [CudaDevice] is the GPU (cuBLAS and cuBLASLt); [JavaStandIn] puts the Java
/// backend in its place, so that `run --cpu-selftest` runs every check's harness on any machine.
public interface Device extends AutoCloseable {

    /// A short description for the report (`cuda: libcublas.so.12 ...`, `java stand-in`).
    String describe();

    /// The GEMM the model's layers use on this device.
    Gemm gemm();

    /// `C[M,N] = A·Bᵀ` in fp32 for E4M3 codes `a [M,K]` and `b [N,K]` with unit scales: the
    /// tensor core's partial sum over one promotion interval (K = 128 in the check).
    float[] fp8Products(int m, int n, int k,
                        byte[] a,  // [M,K] E4M3 codes
                        byte[] b); // [N,K] E4M3 codes

    /// Keeps `x` on the device until [#release]; calls that pass `x` then read that copy.
    void keep(float[] x);

    /// Copies a kept `x` again after it changed on the host.
    void refresh(float[] x);

    /// Drops the device copy of `x`.
    void release(float[] x);

    /// Waits for queued device work (for timings).
    void synchronize();

    @Override
    void close();
}
