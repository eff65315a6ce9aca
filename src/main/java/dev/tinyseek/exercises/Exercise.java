package dev.tinyseek.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/// One exercise: the interface `api` a student implements, the starter file (a resource in the
/// jar, `starters/<starterClass>.java`), and the checks that grade it.
///
/// - `name`: what `tinyseek grade --starter NAME` takes, e.g. `softmax`
/// - `title`: one line for `--list` and the report
/// - `source`: the file of tinyseek (and the equations) the exercise re-implements
public record Exercise<S>(String name, String title, Class<S> api, String starterClass, String source,
                          List<Check<S>> checks) {

    /// The text of the starter file: the interface implemented, the bodies left for the student.
    public String starter() {
        String path = "starters/" + starterClass + ".java";
        try (InputStream in = Exercise.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the starter " + path + " is missing from the jar; rebuild it (mvn package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
