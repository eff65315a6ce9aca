package dev.tinyseek.cli;

import dev.tinyseek.notebook.NotebookRunner;
import dev.tinyseek.notebook.NotebooksTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The notebook runner never reports a false success: a cell that ends the JVM, runs too long or
/// prints too much fails with a message saying so (and `tinyseek notebook` exits 1); output
/// arrives as it is printed; a malformed notebook is one line.
class NotebookRunnerLimitsTest {

    static final NotebookRunner.Limits SMALL = new NotebookRunner.Limits(64, Duration.ofSeconds(3), 1000);

    /// A notebook of the given code cells (each a Java source, quoted here).
    static Path notebook(Path dir, String... cells) throws Exception {
        StringBuilder sb = new StringBuilder("{\"cells\": [");
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == 0 ? "" : ", ").append("{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"source\": ")
                    .append(dev.tinyseek.io.Json.quote(cells[i])).append("}");
        }
        sb.append("], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}");
        return Files.writeString(dir.resolve("nb" + System.nanoTime() + ".ipynb"), sb.toString());
    }

    static List<NotebookRunner.Cell> run(Path nb) throws Exception {
        return NotebookRunner.run(nb, NotebooksTest.classpath(), SMALL, new NotebookRunner.Listener() {
        });
    }

    @Test
    void aCellThatEndsTheJvmFails(@TempDir Path dir) throws Exception {
        for (String death : List.of("System.exit(0);", "Runtime.getRuntime().halt(0);")) {
            List<NotebookRunner.Cell> cells = run(notebook(dir, "System.out.println(\"before\");",
                    "System.out.println(\"bye\"); " + death, "System.out.println(\"never\");"));
            assertThat(cells).as(death).hasSize(2);
            assertThat(cells.get(0).errors()).isEmpty();
            assertThat(cells.get(1).errors()).as(death).singleElement().asString().contains("JVM running the cells ended");
        }
    }

    @Test
    void aCellThatRunsOutOfMemoryFails(@TempDir Path dir) throws Exception {
        List<NotebookRunner.Cell> cells = NotebookRunner.run(notebook(dir, """
                java.util.List<long[]> hog = new java.util.ArrayList<>();
                while (true) hog.add(new long[1 << 20]);
                """), NotebooksTest.classpath(), new NotebookRunner.Limits(64, Duration.ofSeconds(120), 1000),
                new NotebookRunner.Listener() {
                });
        assertThat(cells).singleElement().extracting(NotebookRunner.Cell::errors).asList().singleElement().asString()
                .containsAnyOf("OutOfMemoryError", "JVM running the cells ended");
    }

    @Test
    void aCellThatNeverEndsIsStoppedAtItsTimeLimit(@TempDir Path dir) throws Exception {
        List<String> streamed = Collections.synchronizedList(new ArrayList<>());
        List<Long> when = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        List<NotebookRunner.Cell> cells = NotebookRunner.run(notebook(dir,
                "System.out.println(\"started\"); while (true) { Thread.onSpinWait(); }", "System.out.println(\"never\");"),
                NotebooksTest.classpath(), SMALL, new NotebookRunner.Listener() {
                    @Override
                    public void output(int index, String text) {
                        streamed.add(text);
                        when.add(System.nanoTime());
                    }
                });
        long end = System.nanoTime();
        assertThat(cells).singleElement().extracting(NotebookRunner.Cell::errors).asList().singleElement().asString()
                .contains("still running after 3 s").contains("--cell-timeout");
        // the output came while the cell ran, not when it was over
        assertThat(String.join("", streamed)).isEqualTo("started\n");
        assertThat(end - when.get(0)).as("nanoseconds between the output and the end of the run").isGreaterThan(1_000_000_000L);
        assertThat(when.get(0)).isGreaterThan(t0);
    }

    @Test
    void aFloodOfOutputIsCutAndFails(@TempDir Path dir) throws Exception {
        List<NotebookRunner.Cell> cells = run(notebook(dir, "while (true) System.out.println(\"flood flood flood\");"));
        NotebookRunner.Cell c = cells.get(0);
        assertThat(c.output().length()).isLessThanOrEqualTo(1000);
        assertThat(c.output()).startsWith("flood flood flood\n");
        assertThat(c.errors()).singleElement().asString().contains("printed more than 1000 bytes").contains("--max-output");
    }

    @Test
    void aMalformedNotebookIsOneLineNamingTheProblem(@TempDir Path dir) throws Exception {
        String[][] cases = {
                {"{\"cells\": [", "not valid JSON"},
                {"[1, 2]", "no \"cells\" list"},
                {"{\"cells\": {}}", "no \"cells\" list"},
                {"{\"cells\": [42]}", "cell 1 is not a JSON object"},
                {"{\"cells\": [{\"source\": \"x\"}]}", "cell 1 has no \"cell_type\""},
                {"{\"cells\": [{\"cell_type\": \"code\"}]}", "cell 1: \"source\" is missing"},
                {"{\"cells\": [{\"cell_type\": \"code\", \"source\": 7}]}", "cell 1: \"source\" is 7"},
                {"{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"a\", null]}]}", "cell 1: \"source\" holds null"},
        };
        for (String[] c : cases) {
            Path nb = Files.writeString(dir.resolve("bad.ipynb"), c[0]);
            assertThatThrownBy(() -> run(nb)).as(c[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad.ipynb").hasMessageContaining(c[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        Path latin1 = Files.write(dir.resolve("latin1.ipynb"), new byte[] {'{', '"', (byte) 0xe9, '"', ':', '1', '}'});
        assertThatThrownBy(() -> run(latin1)).hasMessageContaining("latin1.ipynb").hasMessageContaining("not valid UTF-8");
        MainTest.Result r = MainTest.run("notebook", dir.resolve("bad.ipynb").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).contains("bad.ipynb").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void theCommandShowsTextCodeAndOutputAndExitsOneOnDeath(@TempDir Path dir) throws Exception {
        Path nb = Files.writeString(dir.resolve("show.ipynb"), """
                {"cells": [
                  {"cell_type": "markdown", "metadata": {}, "source": ["# Title\\n", "Some *text*."]},
                  {"cell_type": "code", "metadata": {}, "outputs": [], "source": "int x = 6;\\nSystem.out.println(x * 7);"},
                  {"cell_type": "markdown", "metadata": {}, "source": "The end."}
                ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                """);
        MainTest.Result full = MainTest.run("notebook", nb.toString());
        assertThat(full.code()).as(full.err()).isZero();
        assertThat(full.out()).containsSubsequence("-- markdown", "# Title", "Some *text*.", "-- cell 1", "   int x = 6;",
                "   System.out.println(x * 7);", "-- output of cell 1", "42", "-- markdown", "The end.");
        MainTest.Result quiet = MainTest.run("notebook", "--quiet", nb.toString());
        assertThat(quiet.out()).contains("-- cell 1\n42\n").doesNotContain("Title").doesNotContain("int x");
        Path dies = notebook(dir, "System.out.println(1);", "System.exit(0);");
        MainTest.Result death = MainTest.run("notebook", "--quiet", dies.toString());
        assertThat(death.code()).isEqualTo(1);
        assertThat(death.out()).contains("ERROR in cell 2: the JVM running the cells ended");
    }
}
