package dev.tinyseek.gpucheck;

import dev.tinyseek.backend.BackendUnavailableException;
import dev.tinyseek.backend.CublasLt;
import dev.tinyseek.backend.CudaGemm;
import dev.tinyseek.backend.CudaLibraries;
import dev.tinyseek.backend.CudaRuntime;
import dev.tinyseek.backend.Gemm;

/// The GPU: cuBLAS for the GEMM ([CudaGemm]), cuBLASLt for the FP8 product ([CublasLt]), both on
/// the first device, loaded from the files that [CudaLibraries] chose.
///
/// The files are handed to the bindings through the same properties a user can pass
/// (`-Dtinyseek.cudart=...`, `-Dtinyseek.cublaslt=...`, `-Dtinyseek.cublas=...`); a property the
/// user set wins. They are loaded runtime first, then cuBLASLt, then cuBLAS (which links to
/// cuBLASLt by its soname).
public final class CudaDevice implements Device {

    private final CudaRuntime rt;
    private final CublasLt lt;
    private final CudaGemm gemm;
    private final String files;

    private CudaDevice(CudaRuntime rt, CublasLt lt, CudaGemm gemm, String files) {
        this.rt = rt;
        this.lt = lt;
        this.gemm = gemm;
        this.files = files;
    }

    /// Opens the GPU with the chosen files; a [BackendUnavailableException] when a file does not
    /// load or there is no device (its message says which and why).
    public static CudaDevice open(CudaLibraries.Choice choice) {
        setIfAbsent("tinyseek.cudart", choice.cudart().toString());
        setIfAbsent("tinyseek.cublaslt", choice.cublasLt().toString());
        setIfAbsent("tinyseek.cublas", choice.cublas().toString());
        CudaRuntime rt = CudaRuntime.load();
        String problem = rt.deviceCountProblem();
        if (problem != null) {
            throw new BackendUnavailableException("no CUDA GPU: " + problem);
        }
        CublasLt lt = CublasLt.load();
        CudaGemm gemm = CudaGemm.open();
        return new CudaDevice(rt, lt, gemm, "cudart " + System.getProperty("tinyseek.cudart")
                + ", cublasLt " + System.getProperty("tinyseek.cublaslt") + ", cublas " + System.getProperty("tinyseek.cublas"));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null || System.getProperty(key).isBlank()) {
            System.setProperty(key, value);
        }
    }

    /// The files loaded, as `cudart <path>, cublasLt <path>, cublas <path>`.
    public String files() {
        return files;
    }

    @Override
    public String describe() {
        String smi = nvidiaSmi();
        return "cuda (" + rt.deviceCount() + " device(s)" + (smi.isEmpty() ? "" : "; nvidia-smi: " + smi) + "; " + files + ")";
    }

    /// The GPUs' names, driver version and memory as `nvidia-smi` reports them, or "" where it does not run.
    static String nvidiaSmi() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,driver_version,memory.total",
                    "--format=csv,noheader").redirectErrorStream(true).start();
            String out;
            try (java.io.InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroy();
                return "";
            }
            return p.exitValue() == 0 ? out.replace('\n', ';') : "";
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public Gemm gemm() {
        return gemm;
    }

    @Override
    public float[] fp8Products(int m, int n, int k, byte[] a, byte[] b) {
        return lt.fp8Gemm(rt, m, n, k, a, 1f, b, 1f);
    }

    @Override
    public void keep(float[] x) {
        gemm.keepOnDevice(x);
    }

    @Override
    public void refresh(float[] x) {
        gemm.refresh(x);
    }

    @Override
    public void release(float[] x) {
        gemm.release(x);
    }

    @Override
    public void synchronize() {
        rt.synchronize();
    }

    @Override
    public void close() {
        gemm.close();
    }
}
