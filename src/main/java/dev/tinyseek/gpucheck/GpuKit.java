package dev.tinyseek.gpucheck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/// The kit that carries the GPU check to a bare GPU machine (no JDK, no network): a folder with
/// - `java/`: a Java runtime made by `jlink` with only [#MODULES];
/// - `tinyseek.jar`;
/// - `tiny-models/deepseek-v3-addition/`: the shipped model with an MTP module;
/// - `run`: a POSIX shell script that starts [GpuCheck] with that runtime.
///
/// `run` writes progress to stderr and one JSON object to stdout, and exits 0 when every check
/// passed, 1 when one failed, 2 when there is no GPU or no CUDA library; `run --cpu-selftest`
/// runs every check with the Java backend in the GPU's place.
public final class GpuKit {

    /// The Java modules the check needs: the base module, and the Vector API for the CPU side.
    public static final List<String> MODULES = List.of("java.base", "jdk.incubator.vector");

    /// The class whose `main` the kit's `run` starts.
    public static final String MAIN_CLASS = "dev.tinyseek.cli.GpuCheckCommand";

    private GpuKit() {
    }

    /// What was built: the folder, its size in bytes, and the seconds it took.
    public record Kit(Path dir, long bytes, double seconds) {
    }

    /// Builds the kit into `dir` (which must not exist, or be empty) from the running JDK, `jar`
    /// and the shipped model folder `mtpModel`.
    public static Kit build(Path dir, Path jar, Path mtpModel) throws IOException {
        long t0 = System.nanoTime();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("gpu-kit needs the jar " + jar + "; build it with ./tinyseek (mvn package)");
        }
        if (!Files.isRegularFile(mtpModel.resolve("config.json"))) {
            throw new IOException("gpu-kit needs the shipped model " + mtpModel + " (config.json missing); run from the tinyseek folder");
        }
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IOException("gpu-kit: " + dir + " exists and is not empty; give a new folder");
                }
            }
        }
        Files.createDirectories(dir);
        // 1. the runtime
        jlink(dir.resolve("java"));
        // 2. the jar and the model
        Files.copy(jar, dir.resolve("tinyseek.jar"), StandardCopyOption.REPLACE_EXISTING);
        Path models = dir.resolve("tiny-models").resolve(GpuCheck.MTP_MODEL);
        Files.createDirectories(models);
        try (Stream<Path> s = Files.list(mtpModel)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                Files.copy(f, models.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        // 3. the script
        Path run = dir.resolve("run");
        Files.writeString(run, script(), StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            run.toFile().setExecutable(true);
        }
        return new Kit(dir, size(dir), (System.nanoTime() - t0) / 1e9);
    }

    /// The `run` script.
    static String script() {
        return """
                #!/bin/sh
                # tinyseek's GPU check (made by `tinyseek gpu-kit`). Needs nothing but this folder and,
                # for the real run, an NVIDIA driver and the CUDA 12 or 13 libraries (libcudart,
                # libcublas, libcublasLt: a toolkit or NVIDIA's Python wheels).
                #   ./run                 every check on the GPU; progress on stderr, one JSON object on stdout
                #   ./run --cpu-selftest  the same checks with the Java backend in the GPU's place
                # Exit: 0 every check passed, 1 one failed, 2 no GPU or no CUDA library.
                here=$(cd "$(dirname "$0")" && pwd)
                # (the JVM's one line "WARNING: Using incubator modules" on stderr is about the Vector API)
                exec "$here/java/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \\
                  -cp "$here/tinyseek.jar" %s --model "$here/tiny-models/%s" "$@"
                """.formatted(MAIN_CLASS, GpuCheck.MTP_MODEL);
    }

    /// Runs `jlink` (in this JVM when its tool is present, else the JDK's `bin/jlink`) into `out`.
    static void jlink(Path out) throws IOException {
        List<String> args = new ArrayList<>(List.of("--add-modules", String.join(",", MODULES),
                "--strip-debug", "--no-header-files", "--no-man-pages", "--compress", "zip-9",
                "--output", out.toString()));
        Optional<ToolProvider> tool = ToolProvider.findFirst("jlink");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc;
        if (tool.isPresent()) {
            try (PrintWriter w = new PrintWriter(log, true, StandardCharsets.UTF_8)) {
                rc = tool.get().run(w, w, args.toArray(String[]::new));
            }
        } else {
            Path exe = Path.of(System.getProperty("java.home"), "bin", "jlink");
            if (!Files.isExecutable(exe)) {
                throw new IOException("gpu-kit needs jlink, which a full JDK 25 has; this Java (" + System.getProperty("java.home")
                        + ") has none: run ./tinyseek with a JDK (JAVA_HOME)");
            }
            args.addFirst(exe.toString());
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(log);
            }
            try {
                rc = p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("gpu-kit: interrupted while jlink ran");
            }
        }
        if (rc != 0) {
            throw new IOException("jlink failed (exit " + rc + "): " + log.toString(StandardCharsets.UTF_8).strip()
                    + ". It links from the JDK's jmods/ folder or, where there is none, from the running JDK's own image "
                    + "(a JDK built with --enable-linkable-runtime)");
        }
    }

    /// The bytes of every file under `dir`.
    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
