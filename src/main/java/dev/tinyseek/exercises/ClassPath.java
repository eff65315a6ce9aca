package dev.tinyseek.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/// What a submission is compiled against and runs with: the exercise interfaces (no code, only
/// the methods to implement and their records) and, to run, the host and its protocol. Nothing
/// else of tinyseek: not the pieces being re-implemented, not the checks, not the grader. The
/// class files are copied out of the running jar (or `target/classes`) into a directory.
final class ClassPath {

    private ClassPath() {
    }

    /// Every exercise interface, with its nested types (e.g. `GateExercise.Choice`).
    static List<Class<?>> interfaces() {
        Set<Class<?>> ks = new LinkedHashSet<>();
        for (Exercise<?> ex : Exercises.all()) {
            ks.addAll(List.of(ex.api().getNestMembers()));
        }
        return List.copyOf(ks);
    }

    /// The interfaces, [SubmissionHost] and [Wire], with their nested types.
    static List<Class<?>> hostClasses() {
        List<Class<?>> ks = new ArrayList<>(interfaces());
        ks.addAll(List.of(SubmissionHost.class.getNestMembers()));
        ks.addAll(List.of(Wire.class.getNestMembers()));
        return ks;
    }

    /// Writes `k`'s class file under `root` (`root/dev/tinyseek/exercises/X.class`).
    static void copyClassFile(Class<?> k, Path root) throws IOException {
        String name = k.getName().replace('.', '/') + ".class";
        try (InputStream in = ClassPath.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the class file " + name + " is missing from tinyseek's jar; rebuild it (mvn package)");
            }
            Path f = root.resolve(name);
            Files.createDirectories(f.getParent());
            Files.write(f, in.readAllBytes());
        }
    }
}
