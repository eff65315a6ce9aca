package dev.tinyseek.backend;

/// A native call returned an error status: the message names the call, the status number and
/// the library's own text for it (`cudaMalloc failed: status 2 (out of memory)`).
public final class NativeCallException extends RuntimeException {

    /// The function that failed, e.g. `cublasSgemm_v2`.
    public final String call;
    /// The status it returned (a `cudaError_t` or `cublasStatus_t`).
    public final int status;

    public NativeCallException(String call, int status, String text) {
        super(call + " failed: status " + status + " (" + text + ")");
        this.call = call;
        this.status = status;
    }
}
