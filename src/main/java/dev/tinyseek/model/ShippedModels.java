package dev.tinyseek.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/// The small trained models that ship in `tiny-models/`, found from the project's root or from
/// its `notebooks/` folder (where Jupyter starts), so that `ShippedModels.load("r1-zero")` works
/// in jshell, a notebook and the tests alike.
public final class ShippedModels {

    private ShippedModels() {
    }

    /// The directory of the shipped model `name`.
    ///
    /// @throws IOException naming the places looked in when it is in none of them
    public static Path dir(String name) throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path base = cwd; base != null; base = base.getParent()) {
            Path d = base.resolve("tiny-models").resolve(name);
            if (Files.isRegularFile(d.resolve("config.json"))) {
                return d;
            }
        }
        throw new IOException("no shipped model '" + name + "' in tiny-models/ of " + cwd + " or any folder above it; "
                + "run from the tinyseek project (ls tiny-models lists the models)");
    }

    /// Loads the shipped model `name`, e.g. `r1-zero`.
    public static Transformer load(String name) throws IOException {
        return Checkpoint.load(dir(name));
    }
}
