package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/// The start-up script (`notebooks/tinyseek.jsh`, which `./tinyseek jshell` and the Jupyter kernel
/// run first) imports nested types by their short names. Such an import hides a top-level type of
/// the same name that a notebook brings in with `import dev.tinyseek.nn.*;` (a single-type import
/// wins over an on-demand one), so no nested type it imports may share its name with one.
class StartupScriptImportsTest {

    private static final Pattern NESTED_IMPORT = Pattern.compile("(?m)^import (dev\\.tinyseek\\.[a-z0-9]+\\.[A-Z]\\w*)\\.([A-Z]\\w*);");

    @Test
    void noNestedImportHidesATopLevelType() throws IOException {
        String script = Files.readString(Path.of("notebooks/tinyseek.jsh"));
        Set<String> topLevel;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/tinyseek"))) {
            topLevel = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .map(n -> n.substring(0, n.length() - ".java".length())).collect(Collectors.toSet());
        }
        Matcher m = NESTED_IMPORT.matcher(script);
        List<String> imported = m.results().map(r -> r.group(2)).toList();
        assertThat(imported).as("the script's nested imports").contains("Scale", "Form", "Normalization");
        assertThat(topLevel).as("top-level types").contains("Precision", "Transformer");
        assertThat(imported).as("nested types imported by a name a top-level type also has").doesNotContainAnyElementsOf(topLevel);
    }
}
