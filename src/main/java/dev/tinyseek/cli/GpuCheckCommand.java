package dev.tinyseek.cli;

import dev.tinyseek.backend.CudaLibraries;
import dev.tinyseek.gpucheck.GpuCheck;
import dev.tinyseek.gpucheck.Progress;
import dev.tinyseek.model.ShippedModels;

import java.io.PrintStream;
import java.nio.file.Path;

/// `tinyseek gpu-check`: the GPU check ([GpuCheck]); the kit's `run` script starts this class's
/// [#main] with the kit's own Java runtime. Progress on stderr, one JSON object on stdout; exit 0
/// when every check passed, 1 when one failed, 2 when there is no GPU or no CUDA library.
public final class GpuCheckCommand implements Main.Command {

    static Args spec() {
        return new Args("gpu-check", "Checks the cuda backend on this machine's GPU against the Java backend and measures it:\n"
                + "cuBLAS SGEMM, cuBLASLt FP8 against the simulated FP8 GEMM, the tiny and small models, and speed.\n"
                + "Progress on stderr, one JSON object on stdout. Exit 0 all passed, 1 a check failed, 2 no GPU or no\n"
                + "CUDA library. `tinyseek gpu-kit DIR` packs it for a machine without Java.")
                .flag("cpu-selftest", "run every check with the Java backend in the GPU's place (no GPU needed)")
                .option("model", "DIR", "tiny-models/" + GpuCheck.MTP_MODEL, "the shipped model with an MTP module");
    }

    @Override
    public String summary() {
        return "check and time the cuda backend on this machine's GPU (exit 2: no GPU)";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        Path model = a.has("model") ? Path.of(a.string("model")) : ShippedModels.dir(GpuCheck.MTP_MODEL);
        Progress progress = new Progress(System.err);
        GpuCheck.Report r = a.isSet("cpu-selftest")
                ? GpuCheck.selfTest(model, progress)
                : GpuCheck.run(CudaLibraries.thisMachine(), model, progress);
        if (r.exitCode() == GpuCheck.NO_GPU) {
            System.err.println("tinyseek gpu-check: no GPU to check: " + r.fields().get("no_gpu"));
        }
        out.println(r.json());
        out.flush();
        return r.exitCode();
    }

    /// The kit's entry point: `java -cp tinyseek.jar dev.tinyseek.cli.GpuCheckCommand [--cpu-selftest]`.
    public static void main(String[] args) {
        int rc;
        try {
            rc = new GpuCheckCommand().run(args, System.out);
        } catch (Args.UsageException e) {
            System.err.println("run: " + e.getMessage());
            rc = 1;
        } catch (Exception | OutOfMemoryError e) {
            System.err.println("run: " + Main.oneLine(e));
            rc = 1;
        }
        System.exit(rc);
    }
}
