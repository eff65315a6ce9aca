package dev.tinyseek.cli;

import dev.tinyseek.gpucheck.GpuCheck;
import dev.tinyseek.gpucheck.GpuKit;
import dev.tinyseek.model.ShippedModels;

import java.io.PrintStream;
import java.nio.file.Path;

/// `tinyseek gpu-kit DIR`: writes the GPU check's kit ([GpuKit]) for a machine with a GPU and no Java.
final class GpuKitCommand implements Main.Command {

    static Args spec() {
        return new Args("gpu-kit", "Writes a folder to copy to a GPU machine that has no Java: a jlink'ed runtime, tinyseek.jar,\n"
                + "the shipped MTP model and a script. There, DIR/run checks and times the cuda backend (see gpu-check);\n"
                + "DIR/run --cpu-selftest runs the same checks with the Java backend anywhere.")
                .positional("DIR", "the kit's folder (new, or empty)")
                .option("jar", "FILE", "target/tinyseek.jar", "the tinyseek jar to put in the kit")
                .option("model", "DIR", "tiny-models/" + GpuCheck.MTP_MODEL, "the shipped model with an MTP module");
    }

    @Override
    public String summary() {
        return "write a self-contained kit that runs gpu-check on a GPU machine without Java";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        Path dir = Path.of(a.positional(0, "DIR"));
        Path jar = a.has("jar") ? Path.of(a.string("jar")) : Main.runningJar();
        Path model = a.has("model") ? Path.of(a.string("model")) : ShippedModels.dir(GpuCheck.MTP_MODEL);
        GpuKit.Kit kit = GpuKit.build(dir, jar, model);
        out.printf("kit in %s: %.1f MB, built in %.1f s. Copy the folder to the GPU machine and run %s/run there%n",
                kit.dir(), kit.bytes() / 1e6, kit.seconds(), kit.dir().getFileName());
        return 0;
    }
}
