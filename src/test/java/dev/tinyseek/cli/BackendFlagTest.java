package dev.tinyseek.cli;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.backend.OpenBlas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The global `--backend NAME` flag: read before the command, the same as `Backends.use(NAME)`.
class BackendFlagTest {

    private final Gemm before = Backends.gemm();

    @AfterEach
    void restore() {
        Backends.use(before);
    }

    @Test
    void aLeadingFlagChoosesTheBackendAndIsRemoved() {
        assertThat(BackendFlag.apply(new String[]{"--backend", "naive", "train", "--steps", "3"}))
                .containsExactly("train", "--steps", "3");
        assertThat(Backends.gemm().name()).isEqualTo("naive");
        assertThat(BackendFlag.apply(new String[]{"--backend=java", "cost"})).containsExactly("cost");
        assertThat(Backends.gemm().name()).isEqualTo("java");
    }

    @Test
    void afterTheCommandTheFlagBelongsToTheCommand() {
        String[] args = {"bench", "--backend", "java,blas"};
        assertThat(BackendFlag.apply(args)).containsExactly(args);
        assertThat(Backends.gemm()).isSameAs(before);
    }

    @Test
    void anUnknownOrMissingNameIsAUsageErrorListingTheValidOnes() {
        MainTest.Result r = MainTest.run("--backend", "mkl", "cost");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tinyseek: unknown backend 'mkl' for --backend; valid: vector, java, naive, blas, cuda");
        MainTest.Result none = MainTest.run("--backend");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--backend needs a name: vector, java, naive, blas, cuda");
        assertThat(Backends.gemm()).isSameAs(before);
    }

    @Test
    void theBlasBackendRunsACommandWhenTheLibraryIsThere(@TempDir Path dir) {
        Assumptions.assumeTrue(OpenBlas.isAvailable(), "no OpenBLAS here");
        MainTest.Result r = MainTest.run("--backend", "blas", "train", "--digits", "1", "--steps", "3", "--batch", "4",
                "--seq-len", "8", "--eval-problems", "2", "--quiet", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Backends.gemm().name()).isEqualTo("blas");
    }

    @Test
    void aMissingLibraryOrDeviceIsAOneLineErrorWithExitCode1() {
        // CUDA: no GPU on a CI machine, so this names the missing file or device
        Assumptions.assumeTrue(dev.tinyseek.backend.CudaGemm.unavailableReason() != null, "a GPU is present here");
        MainTest.Result r = MainTest.run("--backend", "cuda", "cost");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("tinyseek: ").doesNotContain("\n")
                .containsAnyOf("libcudart.so", "no CUDA GPU", "libcublas.so");
        assertThat(Backends.gemm()).isSameAs(before);
    }
}
