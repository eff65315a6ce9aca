package dev.tinyseek.gpucheck;

import dev.tinyseek.backend.CudaLibraries;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.io.Json;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.ShippedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// The GPU check's harness on the CPU: its JSON, its exit codes, and that each check can fail.
@SuppressWarnings("unchecked")
class GpuCheckTest {

    /// Every check at the smallest sizes that still exercise it.
    static Plan micro() {
        ModelConfig tiny = ModelConfig.tiny();
        return new Plan("micro", List.of(new SgemmCheck.Shape("1 x N", 1, 37, 13), new SgemmCheck.Shape("K odd", 5, 3, 7)),
                0, new Fp8Check.Size(16, 16, 128),
                List.of(new ModelParityCheck.Setup("tiny", tiny, 1, 4)),
                List.of(new Plan.TrainingRun("tiny", tiny, 1, 4, 1)),
                2, 2, tiny.withMtpDepth(1), 1, 2, 1);
    }

    static Map<String, Object> parse(GpuCheck.Report r) {
        return (Map<String, Object>) Json.parse(r.json());
    }

    @Test
    void theJavaStandInPassesEveryCheckAndTheJsonHasEveryKey() throws Exception {
        GpuCheck.Report r = GpuCheck.checks("cpu-selftest", new JavaStandIn(), null, micro(),
                ShippedModels.dir(GpuCheck.MTP_MODEL), Progress.quiet());
        Map<String, Object> j = parse(r);
        assertThat(j.get("failures")).isEqualTo(List.of());
        assertThat(r.exitCode()).isEqualTo(GpuCheck.PASSED);
        assertThat(j.keySet()).containsExactly("mode", "device", "libraries", "sgemm", "fp8", "models", "speed",
                "failures", "passed", "seconds");
        assertThat(j.get("passed")).isEqualTo(true);
        Map<String, Object> sgemm = (Map<String, Object>) j.get("sgemm");
        Map<String, Object> firstCase = (Map<String, Object>) ((List<Object>) sgemm.get("cases")).getFirst();
        assertThat(firstCase.keySet()).containsExactly("shape", "m", "n", "k", "max_abs_diff", "worst_ratio", "gflops", "passed");
        Map<String, Object> fp8 = (Map<String, Object>) j.get("fp8");
        // the stand-in's partial sums are exact sums rounded once: the simulation's EXACT model to the bit
        assertThat(((Map<String, Object>) fp8.get("vs_simulated_exact")).get("bit_identical_share")).isEqualTo(1.0);
        assertThat(fp8.keySet()).contains("vs_simulated_hopper", "simulated_exact_vs_hopper", "sanity_worst_ratio");
        Map<String, Object> model = (Map<String, Object>) ((List<Object>) j.get("models")).getFirst();
        assertThat(model.get("same_routing")).isEqualTo(true);
        assertThat(model.get("loss_rel_diff")).isEqualTo(0.0);
        Map<String, Object> speed = (Map<String, Object>) j.get("speed");
        assertThat(speed.keySet()).containsExactly("training", "decoding", "mtp");
        List<?> mtp = (List<Object>) speed.get("mtp");
        assertThat(mtp).hasSize(2);
        for (Object o : mtp) {
            assertThat(((Map<String, Object>) o).get("same_output_share")).isEqualTo(1.0);
            assertThat((Double) ((Map<String, Object>) o).get("speedup")).isPositive();
        }
    }

    /// A device whose GEMM is off by one part in a thousand (as TF32 would be), and whose FP8
    /// product reads its operands transposed: the SGEMM check, every model check and the FP8
    /// sanity bound must fail, and the exit code must say so.
    @Test
    void aWrongDeviceFailsTheChecksThatShouldCatchIt() throws Exception {
        JavaStandIn good = new JavaStandIn();
        Device bad = new Device() {
            @Override
            public String describe() {
                return "a device that rounds badly";
            }

            @Override
            public Gemm gemm() {
                Gemm g = good.gemm();
                return new Gemm() {
                    @Override
                    public String name() {
                        return "sloppy";
                    }

                    @Override
                    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b,
                                     int bOff, float[] c, int cOff, boolean accumulate) {
                        float[] before = c.clone();
                        g.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, false);
                        for (int i = cOff; i < cOff + m * n; i++) {
                            c[i] = c[i] * (1 + 1e-3f) + (accumulate ? before[i] : 0f);
                        }
                    }
                };
            }

            @Override
            public float[] fp8Products(int m, int n, int k, byte[] a, byte[] b) {
                return good.fp8Products(n, m, k, b, a); // C transposed
            }

            @Override
            public void keep(float[] x) {
            }

            @Override
            public void refresh(float[] x) {
            }

            @Override
            public void release(float[] x) {
            }

            @Override
            public void synchronize() {
            }

            @Override
            public void close() {
            }
        };
        GpuCheck.Report r = GpuCheck.checks("gpu", bad, null, micro(), ShippedModels.dir(GpuCheck.MTP_MODEL), Progress.quiet());
        assertThat(r.exitCode()).isEqualTo(GpuCheck.FAILED);
        Map<String, Object> j = parse(r);
        assertThat(j.get("passed")).isEqualTo(false);
        assertThat(String.join("\n", (List<String>) j.get("failures"))).contains("sgemm", "fp8", "model tiny");
        assertThat(((Map<String, Object>) j.get("sgemm")).get("passed")).isEqualTo(false);
    }

    @Test
    void withoutCudaLibrariesItReturnsExitCodeTwoAtOnceNamingWhereItLooked(@TempDir Path empty) throws Exception {
        CudaLibraries.Machine m = new CudaLibraries.Machine(empty.resolve("lib").toString(), null, List.of(), empty, null, List.of());
        GpuCheck.Report r = GpuCheck.run(m, ShippedModels.dir(GpuCheck.MTP_MODEL), Progress.quiet());
        assertThat(r.exitCode()).isEqualTo(GpuCheck.NO_GPU);
        Map<String, Object> j = parse(r);
        assertThat((String) j.get("no_gpu")).contains("no CUDA 12 or 13 library", "libcublasLt.so.{13,12}",
                empty.resolve("lib").toString(), empty.resolve("usr/local/cuda/lib64").toString());
        assertThat((List<Object>) j.get("folders_searched")).contains(empty.resolve("lib").toString());
        assertThat(j.get("passed")).isEqualTo(false);
    }

    @Test
    void theSgemmBoundIsTheFloatErrorBound() {
        // γ_n = n·u/(1 − n·u): for n = 1 it is u/(1 − u), just above the unit roundoff 2^-24
        assertThat(SgemmCheck.gamma(1)).isGreaterThan(Math.scalb(1.0, -24)).isLessThan(Math.scalb(1.0, -24) * 1.001);
        assertThat(SgemmCheck.gamma(1000) / SgemmCheck.gamma(1)).isBetween(999.0, 1001.0);
    }

    @Test
    void theKitsScriptStartsAClassThatExistsWithTheModulesItLinks() throws Exception {
        String s = GpuKit.script();
        assertThat(s).startsWith("#!/bin/sh\n").contains(GpuKit.MAIN_CLASS, "--add-modules jdk.incubator.vector",
                "tiny-models/" + GpuCheck.MTP_MODEL, "\"$@\"");
        assertThat(Class.forName(GpuKit.MAIN_CLASS).getMethod("main", String[].class)).isNotNull();
        assertThat(GpuKit.MODULES).contains("java.base", "jdk.incubator.vector");
    }
}
