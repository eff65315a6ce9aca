package dev.tinyseek.notebook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/// Every notebook under `notebooks/` runs top to bottom in a fresh JShell: a compile error or an
/// exception in any cell fails the build. (The tests run before the jar is built, so the shell
/// gets the compiled classes instead of `%classpath ../target/tinyseek.jar`.)
public class NotebooksTest {

    public static List<Path> classpath() {
        return List.of(Path.of("target/classes").toAbsolutePath());
    }

    @Test
    void everyNotebookRunsWithoutErrors() throws Exception {
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(Path.of("notebooks"))) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertThat(notebooks).isNotEmpty();
        for (Path nb : notebooks) {
            List<NotebookRunner.Cell> cells = NotebookRunner.run(nb, classpath());
            assertThat(cells).as(nb + ": every code cell ran").hasSize(NotebookRunner.codeCells(nb).size());
            for (NotebookRunner.Cell c : cells) {
                assertThat(c.errors()).as(nb + " cell " + c.index() + " printed:\n" + c.output()).isEmpty();
            }
        }
    }

    @Test
    void theJShellStartupScriptRunsAndItsHelpersWork(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("use.jsh");
        Files.writeString(script, Files.readString(Path.of("notebooks/tinyseek.jsh"))
                + "var m = load(\"tiny-models/deepseek-v3-addition\");\n"
                + "System.out.println(\"answer=\" + ask(m, \"72+98=\") + \" \" + show(new float[] {1.5f, -2f}));\n");
        List<NotebookRunner.Cell> cells = NotebookRunner.run(script, classpath());
        assertThat(cells).hasSize(1);
        assertThat(cells.get(0).errors()).isEmpty();
        assertThat(cells.get(0).output()).contains("answer=071 [1.500, -2.000] (n = 2)");
    }

    @Test
    void aFailingCellIsReportedWithItsNumberAndStopsTheRun(@TempDir Path dir) throws Exception {
        Path nb = dir.resolve("bad.ipynb");
        Files.writeString(nb, """
                {"cells": [
                  {"cell_type": "code", "source": ["int x = 2;\\n", "System.out.println(x * 21);"], "metadata": {}, "outputs": []},
                  {"cell_type": "markdown", "source": "text", "metadata": {}},
                  {"cell_type": "code", "source": "if (x == 2) throw new IllegalStateException(\\"boom\\");", "metadata": {}, "outputs": []},
                  {"cell_type": "code", "source": "System.out.println(\\"never\\");", "metadata": {}, "outputs": []}
                ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                """);
        List<NotebookRunner.Cell> cells = NotebookRunner.run(nb, classpath());
        assertThat(cells).hasSize(2);
        assertThat(cells.get(0).output()).isEqualTo("42\n");
        assertThat(cells.get(1).errors()).singleElement().asString().contains("IllegalStateException").contains("boom");
        Files.writeString(nb, Files.readString(nb).replace("int x = 2;", "int x = ;"));
        assertThat(NotebookRunner.run(nb, classpath()).get(0).errors()).singleElement().asString().contains("does not compile");
        Files.writeString(nb, Files.readString(nb).replace("int x = ;", "%maven foo:bar:1"));
        assertThat(NotebookRunner.run(nb, classpath()).get(0).errors()).singleElement().asString().contains("unsupported magic");
    }

    @Test
    void writeOutputsStoresWhatTheCellsPrinted(@TempDir Path dir) throws Exception {
        Path nb = dir.resolve("ok.ipynb");
        Files.writeString(nb, """
                {"cells": [{"cell_type": "code", "source": "System.out.println(6 * 7);", "metadata": {}, "outputs": [], "execution_count": null}],
                 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                """);
        NotebookRunner.writeOutputs(nb, NotebookRunner.run(nb, classpath()));
        assertThat(Files.readString(nb)).contains("\"text\"").contains("42\\n").contains("\"execution_count\": 1");
    }
}
