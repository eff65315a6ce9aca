package dev.tinyseek.backend;

import dev.tinyseek.backend.CudaLibraries.Library;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// The search for the CUDA libraries on fake file trees in a temporary folder: every place it
/// knows, their order, and the choice of one CUDA version for all three libraries.
class CudaLibrariesTest {

    @TempDir
    Path root;

    private Path touch(String relative) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "");
        return p;
    }

    private void allThree(String folder, int major) throws IOException {
        for (Library l : Library.values()) {
            touch(folder + "/" + l.soname(major));
        }
    }

    private CudaLibraries.Machine machine(String ldPath, String cudaHome, List<String> cache) {
        return new CudaLibraries.Machine(ldPath, cudaHome, cache, root, root.resolve("home/u").toString(), List.of());
    }

    @Test
    void anEmptyMachineFindsNothingAndSaysWhereItLooked() {
        CudaLibraries.Found f = CudaLibraries.search(machine(null, null, List.of()));
        for (Library l : Library.values()) {
            assertThat(f.of(l)).isEmpty();
        }
        assertThat(CudaLibraries.choose(f)).isEmpty();
        assertThat(f.describeSearch()).contains("libcudart.so.{13,12}", "libcublasLt.so.{13,12}", "libcublas.so.{13,12}",
                root.resolve("usr/local/cuda/lib64").toString(), "loader cache");
    }

    @Test
    void findsEveryKindOfPlaceInOrder() throws IOException {
        allThree("ld/a", 12);                                           // 1. LD_LIBRARY_PATH
        allThree("toolkit/lib64", 12);                                  // 2. CUDA_HOME
        Path cached = touch("cache/libcublas.so.12");                   // 3. the loader cache
        allThree("usr/local/cuda/targets/x86_64-linux/lib", 12);        // 4. /usr/local/cuda
        allThree("usr/local/cuda-12.10/lib64", 12);                     //    versions, newest first
        allThree("usr/local/cuda-12.9/lib64", 12);
        allThree("home/u/.local/lib/python3.12/site-packages/nvidia/cublas/lib", 12); // 5. wheels
        allThree("usr/lib/python3.11/dist-packages/nvidia/cu13/lib", 13);
        CudaLibraries.Found f = CudaLibraries.search(machine(root.resolve("ld/missing") + ":" + root.resolve("ld/a"),
                root.resolve("toolkit").toString(), List.of(cached.toString(), root.resolve("cache/gone.so.12").toString())));
        assertThat(f.of(Library.CUBLAS)).containsExactly(
                root.resolve("ld/a/libcublas.so.12"),
                root.resolve("toolkit/lib64/libcublas.so.12"),
                cached,
                root.resolve("usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.12"),
                root.resolve("usr/local/cuda-12.10/lib64/libcublas.so.12"),
                root.resolve("usr/local/cuda-12.9/lib64/libcublas.so.12"),
                root.resolve("home/u/.local/lib/python3.12/site-packages/nvidia/cublas/lib/libcublas.so.12"),
                root.resolve("usr/lib/python3.11/dist-packages/nvidia/cu13/lib/libcublas.so.13"));
        assertThat(f.of(Library.CUDART)).doesNotContain(cached).hasSize(7);
        // CUDA 13 is preferred when all three of it are there, wherever they are
        CudaLibraries.Choice c = CudaLibraries.choose(f).orElseThrow();
        assertThat(c.major()).isEqualTo(13);
        assertThat(c.cublas()).isEqualTo(root.resolve("usr/lib/python3.11/dist-packages/nvidia/cu13/lib/libcublas.so.13"));
    }

    @Test
    void choosesOneVersionForAllThreeNeverAMix() throws IOException {
        touch("ld/libcudart.so.13");                     // a CUDA 13 runtime alone ...
        allThree("usr/local/cuda-12.4/lib64", 12);       // ... and a whole CUDA 12
        CudaLibraries.Found f = CudaLibraries.search(machine(root.resolve("ld").toString(), null, List.of()));
        CudaLibraries.Choice c = CudaLibraries.choose(f).orElseThrow();
        assertThat(c.major()).isEqualTo(12);
        assertThat(c.cudart()).isEqualTo(root.resolve("usr/local/cuda-12.4/lib64/libcudart.so.12"));
        assertThat(c.cublasLt()).isEqualTo(root.resolve("usr/local/cuda-12.4/lib64/libcublasLt.so.12"));
        assertThat(c.cublas()).isEqualTo(root.resolve("usr/local/cuda-12.4/lib64/libcublas.so.12"));
    }

    @Test
    void pipWheelsInAVirtualEnvironmentAreFound() throws IOException {
        touch("venv/lib/python3.10/site-packages/nvidia/cuda_runtime/lib/libcudart.so.12");
        touch("venv/lib/python3.10/site-packages/nvidia/cublas/lib/libcublas.so.12");
        touch("venv/lib/python3.10/site-packages/nvidia/cublas/lib/libcublasLt.so.12");
        CudaLibraries.Machine m = new CudaLibraries.Machine(null, null, List.of(), root, null,
                List.of(root.resolve("venv").toString()));
        CudaLibraries.Choice c = CudaLibraries.choose(CudaLibraries.search(m)).orElseThrow();
        assertThat(c.cudart().toString()).endsWith("nvidia/cuda_runtime/lib/libcudart.so.12");
        assertThat(c.cublasLt().toString()).endsWith("nvidia/cublas/lib/libcublasLt.so.12");
    }

    @Test
    void readsTheLoaderCacheListing() {
        String out = """
                1234 libs found in cache `/etc/ld.so.cache'
                \tlibcublas.so.12 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcublas.so.12
                \tlibc.so.6 (libc6,x86-64, OS ABI: Linux 3.2.0) => /lib/x86_64-linux-gnu/libc.so.6
                Cache generated by: ldconfig (GNU libc) stable release version 2.36
                """;
        assertThat(CudaLibraries.parseLoaderCache(out))
                .containsExactly("/usr/lib/x86_64-linux-gnu/libcublas.so.12", "/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(CudaLibraries.parseLoaderCache("")).isEmpty();
    }
}
