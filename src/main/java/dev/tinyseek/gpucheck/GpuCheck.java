package dev.tinyseek.gpucheck;

import dev.tinyseek.backend.BackendUnavailableException;
import dev.tinyseek.backend.CudaLibraries;
import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.train.TaskData;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/// The GPU check that the kit's `run` script runs (`tinyseek gpu-kit`): four checks on one device,
/// one report.
/// 1. [SgemmCheck]: cuBLAS SGEMM against the Java GEMM, and GFLOP/s;
/// 2. [Fp8Check]: cuBLASLt FP8 against the simulated FP8 GEMM (exact and Hopper models);
/// 3. [ModelParityCheck]: the `tiny` and `small` models, device against Java;
/// 4. [SpeedCheck]: training and decoding tokens/s, MTP speculative against greedy decoding.
///
/// [#run] finds the CUDA libraries ([CudaLibraries]), opens the GPU and runs the checks; with no
/// library or no GPU it returns at once with exit code 2 and the reason. [#selfTest] runs the same
/// checks with the Java backend in the GPU's place ([JavaStandIn]), on smaller sizes.
///
/// ```java
/// GpuCheck.Report r = GpuCheck.selfTest(Path.of("tiny-models/deepseek-v3-addition"), new Progress(System.err));
/// System.out.println(r.json());   // r.exitCode(): 0 passed, 1 a check failed, 2 no GPU
/// ```
public final class GpuCheck {

    /// Exit codes of the kit's `run`.
    public static final int PASSED = 0, FAILED = 1, NO_GPU = 2;

    /// The shipped model with an MTP module that check 4 decodes with.
    public static final String MTP_MODEL = "deepseek-v3-addition";

    private GpuCheck() {
    }

    /// The outcome: the JSON object `run` prints, and its exit code.
    public record Report(Map<String, Object> fields, int exitCode) {

        /// One line of JSON.
        public String json() {
            return Json.write(fields, false);
        }
    }

    /// Runs every check on the first GPU, or returns exit code 2 when there is no CUDA library or no GPU.
    public static Report run(CudaLibraries.Machine machine, Path mtpModel, Progress progress) {
        CudaLibraries.Found found = CudaLibraries.search(machine);
        Optional<CudaLibraries.Choice> choice = namedByProperties().or(() -> CudaLibraries.choose(found));
        if (choice.isEmpty()) {
            return noGpu("no CUDA 12 or 13 library set (libcudart, libcublasLt and libcublas of one version) found: "
                    + found.describeSearch(), found);
        }
        CudaDevice device;
        try {
            device = CudaDevice.open(choice.get());
        } catch (BackendUnavailableException | UnsatisfiedLinkError e) {
            return noGpu(e.getMessage(), found);
        }
        try (device) {
            Map<String, Object> libs = new LinkedHashMap<>();
            libs.put("cuda_major", choice.get().major());
            libs.put("cudart", System.getProperty("tinyseek.cudart"));     // what was loaded: the choice, or
            libs.put("cublasLt", System.getProperty("tinyseek.cublaslt")); // a file the user named
            libs.put("cublas", System.getProperty("tinyseek.cublas"));
            return checks("gpu", device, libs, Plan.gpu(), mtpModel, progress);
        }
    }

    /// Runs every check's harness with the Java backend standing in for the GPU, on [Plan#selfTest()]'s sizes.
    public static Report selfTest(Path mtpModel, Progress progress) {
        try (JavaStandIn device = new JavaStandIn()) {
            return checks("cpu-selftest", device, null, Plan.selfTest(), mtpModel, progress);
        }
    }

    /// The files a user named with `-Dtinyseek.cudart=... -Dtinyseek.cublaslt=... -Dtinyseek.cublas=...`
    /// (all three), which win over the search; major version 0 means "as named". (One or two named
    /// alone win over the search's choice for those libraries: see [CudaDevice#open].)
    static Optional<CudaLibraries.Choice> namedByProperties() {
        String rt = System.getProperty("tinyseek.cudart"), lt = System.getProperty("tinyseek.cublaslt"),
                blas = System.getProperty("tinyseek.cublas");
        if (rt == null || lt == null || blas == null || rt.isBlank() || lt.isBlank() || blas.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new CudaLibraries.Choice(0, Path.of(rt.trim()), Path.of(lt.trim()), Path.of(blas.trim())));
    }

    private static Report noGpu(String reason, CudaLibraries.Found found) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("mode", "gpu");
        f.put("passed", false);
        f.put("no_gpu", reason);
        Map<String, Object> files = new LinkedHashMap<>();
        found.files().forEach((lib, paths) -> files.put(lib.stem, paths.stream().map(Path::toString).toList()));
        f.put("library_files_found", files);
        f.put("folders_searched", found.folders().stream().map(Path::toString).toList());
        return new Report(f, NO_GPU);
    }

    /// Every check on `device`; a check that throws is a failure with its message, and the others still run.
    static Report checks(String mode, Device device, Map<String, Object> libraries, Plan plan, Path mtpModel,
                         Progress progress) {
        progress.line("device: " + device.describe());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("mode", mode);
        f.put("device", device.describe());
        f.put("libraries", libraries);
        List<String> failures = new ArrayList<>();
        // 1. SGEMM
        f.put("sgemm", guarded("sgemm", failures, () -> {
            SgemmCheck.Result r = SgemmCheck.run(device, plan.sgemmShapes(), plan.sgemmSeconds(), progress);
            if (!r.passed()) {
                failures.add("sgemm: a shape exceeded its error bound");
            }
            return r.json();
        }));
        // 2. FP8
        f.put("fp8", guarded("fp8", failures, () -> {
            Fp8Check.Result r = Fp8Check.run(device, plan.fp8(), progress);
            if (!r.passed()) {
                failures.add("fp8: the device's FP8 GEMM missed the sanity bound (a layout or scale error)");
            }
            return r.json();
        }));
        // 3. whole models
        List<Object> models = new ArrayList<>();
        for (ModelParityCheck.Setup s : plan.parity()) {
            models.add(guarded("model " + s.name(), failures, () -> {
                ModelParityCheck.Result r = ModelParityCheck.run(device, s, progress);
                if (!r.passed()) {
                    failures.add("model " + s.name() + ": device and Java differ beyond the tolerance");
                }
                return r.json();
            }));
        }
        f.put("models", models);
        // 4. speed
        Map<String, Object> speed = new LinkedHashMap<>();
        List<Object> training = new ArrayList<>();
        for (Plan.TrainingRun t : plan.training()) {
            training.add(guarded("training " + t.name(), failures, () -> SpeedCheck.training(device, t.name(), t.config(),
                    t.batch(), t.tokens(), t.steps(), plan.rounds(), progress).json()));
        }
        speed.put("training", training);
        List<Object> decoding = new ArrayList<>();
        List<Object> mtp = new ArrayList<>();
        Transformer shipped = guardedModel(mtpModel, failures);
        Transformer larger = new Transformer(plan.largerMtp(), 3);
        if (shipped != null) {
            decoding.add(guarded("decoding " + MTP_MODEL, failures,
                    () -> SpeedCheck.decoding(device, MTP_MODEL, shipped, plan.decodeTokens(), plan.rounds(), progress).json()));
        }
        decoding.add(guarded("decoding small", failures,
                () -> SpeedCheck.decoding(device, "small (random weights)", larger, plan.decodeTokens(), plan.rounds(), progress).json()));
        if (shipped != null) {
            List<Problem> ps = new Addition(2, true, true).heldOut(plan.mtpProblems(), 4242);
            int[][] prompts = ps.stream().map(p -> TaskData.encode(p.prompt())).toArray(int[][]::new);
            mtp.add(guarded("mtp " + MTP_MODEL, failures, () -> SpeedCheck.mtp(device, MTP_MODEL, shipped, prompts, 5,
                    TaskData.END, plan.rounds(), progress).json()));
        }
        int[][] randomPrompts = new int[plan.largerMtpPrompts()][];
        for (int i = 0; i < randomPrompts.length; i++) {
            randomPrompts[i] = SpeedCheck.prompt(plan.largerMtp().vocabSize(), 8, 10 + i);
        }
        mtp.add(guarded("mtp small", failures, () -> SpeedCheck.mtp(device, "small + MTP depth 1 (random weights)", larger,
                randomPrompts, plan.largerMtpTokens(), -1, plan.rounds(), progress).json()));
        speed.put("decoding", decoding);
        speed.put("mtp", mtp);
        f.put("speed", speed);
        f.put("failures", failures);
        f.put("passed", failures.isEmpty());
        f.put("seconds", Math.round(progress.seconds() * 10) / 10.0);
        progress.line(failures.isEmpty() ? "every check passed" : "FAILED: " + String.join("; ", failures));
        return new Report(f, failures.isEmpty() ? PASSED : FAILED);
    }

    private static Object guarded(String what, List<String> failures, Supplier<Object> check) {
        try {
            return check.get();
        } catch (RuntimeException | OutOfMemoryError e) {
            String msg = what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
            failures.add(msg);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", msg);
            return m;
        }
    }

    private static Transformer guardedModel(Path dir, List<String> failures) {
        try {
            return Checkpoint.load(dir);
        } catch (Exception e) {
            failures.add("loading " + dir + ": " + e.getMessage());
            return null;
        }
    }
}
