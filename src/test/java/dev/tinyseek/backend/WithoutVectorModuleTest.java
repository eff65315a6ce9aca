package dev.tinyseek.backend;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/// A JVM started without `--add-modules jdk.incubator.vector` (plain `java`, `jshell`, a notebook
/// kernel) runs the plain-Java GEMM with no error, and asking for `vector` by name says which
/// option is missing. Checked in a child JVM, since this one has the module.
class WithoutVectorModuleTest {

    /// What the child runs: prints the default backend, a product through it, and the by-name error.
    public static void main(String[] args) {
        System.out.println("vectorPresent=" + Backends.vectorPresent());
        System.out.println("default=" + Backends.gemm().name());
        float[] c = new float[1];
        Backends.gemm().gemm(false, false, 1, 1, 2, new float[]{2, 3}, 0, new float[]{5, 7}, 0, c, 0, false);
        System.out.println("product=" + c[0]);
        try {
            Backends.byName("vector");
            System.out.println("byName=no error");
        } catch (BackendUnavailableException e) {
            System.out.println("byName=" + e.getMessage());
        }
    }

    @Test
    void withoutTheModuleTheJavaGemmRunsAndVectorByNameExplains() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), WithoutVectorModuleTest.class.getName())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("vectorPresent=false", "default=java", "product=31.0",
                "byName=backend 'vector' needs the JVM option --add-modules jdk.incubator.vector")
                .doesNotContain("NoClassDefFoundError", "WARNING: Using incubator modules");
    }
}
