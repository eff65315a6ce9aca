package dev.tinyseek.notebook;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.tinyseek.io.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek jupyter` (through [Jupyter]) says, for each thing the notebooks need in Jupyter, whether it is there,
/// and gives the command for each that is not.
class JupyterTest {

    private static final Path JDK = Path.of("/usr/lib/jvm/jdk-25"), JAR = Path.of("/p/target/tinyseek.jar");

    private static String report(Jupyter.Found f, int version, boolean jar, List<String> missing) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<String> got = Jupyter.report(f, JDK, version, JAR, jar, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(got).isEqualTo(missing);
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everythingThereGivesTheCommandThatOpensTheNotebooksOnJdk25() {
        String out = report(new Jupyter.Found("7.4.9", List.of("java", "-jar", "jjava.jar", "{connection_file}")), 25, true,
                List.of());
        assertThat(out).doesNotContain("MISSING")
                .contains("PATH=/usr/lib/jvm/jdk-25/bin:$PATH JJAVA_CLASSPATH=/p/target/tinyseek.jar jupyter notebook notebooks/");
    }

    @Test
    void eachMissingPieceGetsItsCommand() {
        String out = report(new Jupyter.Found(null, null), 21, false, List.of("jupyter", "java kernel", "jdk 25", "jar"));
        assertThat(out).contains(Jupyter.APT).contains(Jupyter.PIP)
                .contains("./tinyseek jupyter --install")
                .contains("jupyter kernelspec install jjava --user --name=java").contains(Jupyter.JJAVA)
                .contains("this is JDK 21").contains("./tinyseek --version")
                .contains("./tinyseek notebook notebooks/NAME.ipynb");
        String kernelOnly = report(new Jupyter.Found("7.4.9", null), 25, true, List.of("java kernel"));
        assertThat(kernelOnly).contains("ok       Jupyter (7.4.9)").doesNotContain(Jupyter.APT)
                .contains("MISSING  a Java kernel");
    }

    @Test
    void theKernelspecStartsJdk25WithTheVectorModuleTheJarTheKernelAndTheStartupScript() {
        Map<String, Object> kernelJson = Jupyter.kernelSpec(JDK.resolve("bin/java"), JAR, List.of("tinyseek-kernel.jar", "lib/gson.jar"),
                Path.of("/p/notebooks/tinyseek.jsh"));
        assertThat(kernelJson.get("argv")).isEqualTo(List.of("/usr/lib/jvm/jdk-25/bin/java", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp",
                "/p/target/tinyseek.jar:{resource_dir}/tinyseek-kernel.jar:{resource_dir}/lib/gson.jar", Jupyter.KERNEL_MAIN,
                "--class-path", "/p/target/tinyseek.jar", "--startup", "/p/notebooks/tinyseek.jsh", "{connection_file}"));
        assertThat(kernelJson).containsEntry("language", "java").containsEntry("interrupt_mode", "message");
        String kernelOk = report(new Jupyter.Found("7.4.9", ((List<?>) kernelJson.get("argv")).stream().map(String::valueOf).toList()), 25, true, List.of());
        assertThat(kernelOk).contains("a Java kernel named 'java' (tinyseek's)");
    }

    private static JsonObject executed(String outputs) {
        return JsonObject.parse("""
                {"cells": [
                  {"cell_type": "markdown", "source": "text", "metadata": {}},
                  {"cell_type": "code", "source": "int x = 1;", "metadata": {}, "outputs": []},
                  {"cell_type": "code", "source": "...", "metadata": {}, "outputs": %s}
                ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                """.formatted(outputs), "test.ipynb");
    }

    @Test
    void anExecutedNotebookFailsOnAnErrorOrABareObjectReferenceAndPassesOtherwise() {
        assertThat(Jupyter.problems(executed("""
                [{"output_type": "stream", "name": "stdout", "text": ["loss 0.50\\n", "model@home: fine\\n"]},
                 {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "[1, 2]"}}]
                """))).isEmpty();
        assertThat(Jupyter.problems(executed("""
                [{"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "java.io.PrintStream@1b6d3586"}}]
                """))).singleElement().asString().startsWith("code cell 2: a bare object reference in its execute_result output: "
                + "java.io.PrintStream@1b6d3586");
        assertThat(Jupyter.problems(executed("""
                [{"output_type": "stream", "name": "stdout", "text": "ok\\ndev.tinyseek.model.Transformer@7a81197d\\n"}]
                """))).singleElement().asString().contains("code cell 2: a bare object reference in its stream output");
        assertThat(Jupyter.problems(executed("""
                [{"output_type": "error", "ename": "CellError", "evalue": "boom", "traceback": ["java.lang.IllegalStateException: boom"]}]
                """))).singleElement().asString().startsWith("code cell 2: CellError: boom").contains("IllegalStateException");
    }
}
