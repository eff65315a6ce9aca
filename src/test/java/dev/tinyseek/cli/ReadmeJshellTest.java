package dev.tinyseek.cli;

import jdk.jshell.tool.JavaShellToolBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/// The README's jshell recipes run as the README shows them: every `java` block of the section
/// "Use it from jshell" goes through the real jshell tool, started as `./tinyseek jshell` starts
/// it (`--startup DEFAULT --startup notebooks/tinyseek.jsh`), and every line of the `text` block
/// after it must be in what jshell printed. The same shell checks that the start-up script
/// imports, by their short names, the nested types that the notebooks import.
class ReadmeJshellTest {

    record Recipe(String code, String printed) {
    }

    @Test
    void theReadmesRecipesPrintWhatTheReadmeShowsAndTheNotebooksNestedTypesAreImported() throws Exception {
        List<Recipe> recipes = recipes(Files.readString(Path.of("README.md")));
        assertThat(recipes).as("recipes in the README's jshell section").hasSizeGreaterThanOrEqualTo(3);
        StringBuilder input = new StringBuilder();
        for (Recipe r : recipes) {
            input.append(r.code());
        }
        // every nested type a notebook imports by name (e.g. dev.tinyseek.rl.Advantages.Scale), by its short name
        List<String> nested = nestedTypesTheNotebooksImport();
        assertThat(nested).as("nested types imported by the notebooks").contains("Scale");
        for (String n : nested) {
            input.append("System.out.println(\"found \" + ").append(n).append(".class.getName());\n");
        }
        String out = jshell(input + "/exit\n"); // one jshell for all: each start costs seconds
        assertThat(out).as("jshell's output").doesNotContain("|  Error:").doesNotContain("Exception")
                .contains("tinyseek: every package imported");
        for (Recipe r : recipes) {
            for (String line : r.printed().split("\n")) {
                assertThat(out).as("what this recipe printed:\n%s", r.code()).contains(line);
            }
        }
        for (String n : nested) {
            assertThat(out).contains("$" + n + "\n");
        }
    }

    static List<String> nestedTypesTheNotebooksImport() throws java.io.IOException {
        Pattern nested = Pattern.compile("import dev\\.tinyseek\\.[a-z0-9]+\\.[A-Z]\\w*\\.([A-Z]\\w*);");
        List<String> names = new ArrayList<>();
        try (var files = Files.list(Path.of("notebooks"))) {
            for (Path nb : files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                Matcher m = nested.matcher(Files.readString(nb));
                while (m.find()) {
                    if (!names.contains(m.group(1))) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }

    /// The `java` blocks of the section "Use it from jshell", each with the `text` block that follows it.
    static List<Recipe> recipes(String readme) {
        int from = readme.indexOf("## Use it from jshell");
        assertThat(from).as("README section 'Use it from jshell'").isNotNegative();
        int to = readme.indexOf("\n## ", from + 1);
        String section = readme.substring(from, to < 0 ? readme.length() : to);
        Matcher m = Pattern.compile("```java\n(.*?)```\n```text\n(.*?)```", Pattern.DOTALL).matcher(section);
        List<Recipe> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Recipe(m.group(1), m.group(2).strip()));
        }
        return out;
    }

    /// Runs `input` through the jshell tool with tinyseek's classes, started as the launcher starts it.
    static String jshell(String input) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try {
            JavaShellToolBuilder.builder()
                    .in(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), null)
                    .out(ps).err(ps)
                    .persistence(new HashMap<>()) // never the user's stored jshell settings
                    .start("-q", "--class-path", Path.of("target/classes").toAbsolutePath().toString(),
                            "--startup", "DEFAULT", "--startup", Path.of("notebooks/tinyseek.jsh").toString());
        } catch (Exception e) {
            throw new AssertionError("jshell did not start: " + e, e);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
