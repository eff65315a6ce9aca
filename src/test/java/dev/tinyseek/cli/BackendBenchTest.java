package dev.tinyseek.cli;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek bench --backend LIST` runs end to end (briefly: timings are not checked, only that
/// every figure is there) and rejects a bad list with the valid names.
class BackendBenchTest {

    private final Gemm before = Backends.gemm();

    @AfterEach
    void restore() {
        Backends.use(before);
    }

    @Test
    void comparesBackendsOnTheModelsShapesAndTraining() {
        MainTest.Result r = MainTest.run("bench", "--backend", "java,vector", "--preset", "tiny", "--batch", "1",
                "--seq-len", "16", "--seconds", "0.1", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("GEMM GFLOP/s").contains("512^3").contains("16x256x64") // N = 1 x 16 tokens, lm_head [256, 64]
                .contains("self_attn.o_proj").contains("lm_head")
                .contains("training tiny (batch 1 x 16), tokens/s:").containsPattern("java +\\d+ tokens/s +\\(1.00x java\\)")
                .containsPattern("vector +\\d+ tokens/s +\\(\\d+\\.\\d\\dx java\\)")
                .contains("backend: java (plain Java, 1 thread)").containsPattern("backend: vector \\(Vector API, \\d+ floats")
                .contains("vector/java").containsPattern("512\\^3 .* +\\d+\\.\\d+x");
        assertThat(Backends.gemm()).isSameAs(before);
    }

    @Test
    @SuppressWarnings("unchecked")
    void withJsonTheComparisonIsOneJsonObject() {
        MainTest.Result r = MainTest.run("bench", "--backend", "naive,java", "--json", "--preset", "tiny", "--batch", "1",
                "--seq-len", "8", "--seconds", "0.1", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        var json = (java.util.Map<String, Object>) dev.tinyseek.io.Json.parse(r.out().strip());
        assertThat(json.get("backends")).isEqualTo(java.util.List.of("naive", "java"));
        assertThat(json).containsKeys("threads", "preset", "gemm_gflops", "train_tokens_per_s", "train_gemm_share");
        var gemm = (java.util.Map<String, Object>) json.get("gemm_gflops");
        assertThat((java.util.Map<String, Object>) gemm.get("8x256x64")).containsKeys("naive", "java");
        assertThat((java.util.Map<String, Object>) json.get("train_tokens_per_s")).containsKeys("naive", "java");
    }

    @Test
    void anUnknownBackendInTheListIsAUsageError() {
        MainTest.Result r = MainTest.run("bench", "--backend", "java,mkl");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown backend 'mkl' in --backend java,mkl; valid: vector, java, naive, blas, cuda");
    }
}
