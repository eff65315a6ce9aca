package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek jupyter` says, for each thing the notebooks need in Jupyter, whether it is there,
/// and gives the command for each that is not.
class JupyterCommandTest {

    private static final Path JDK = Path.of("/usr/lib/jvm/jdk-25"), JAR = Path.of("/p/target/tinyseek.jar");

    private static String report(JupyterCommand.Found f, int version, boolean jar, List<String> missing) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<String> got = JupyterCommand.report(f, JDK, version, JAR, jar, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(got).isEqualTo(missing);
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everythingThereGivesTheCommandThatOpensTheNotebooksOnJdk25() {
        String out = report(new JupyterCommand.Found("7.4.9", List.of("java", "-jar", "jjava.jar", "{connection_file}")), 25, true,
                List.of());
        assertThat(out).doesNotContain("MISSING")
                .contains("PATH=/usr/lib/jvm/jdk-25/bin:$PATH JJAVA_CLASSPATH=/p/target/tinyseek.jar jupyter notebook notebooks/");
    }

    @Test
    void eachMissingPieceGetsItsCommand() {
        String out = report(new JupyterCommand.Found(null, null), 21, false, List.of("jupyter", "java kernel", "jdk 25", "jar"));
        assertThat(out).contains(JupyterCommand.APT).contains(JupyterCommand.PIP)
                .contains("jupyter kernelspec install jjava --user --name=java").contains(JupyterCommand.JJAVA)
                .contains("this is JDK 21").contains("./tinyseek --version")
                .contains("./tinyseek notebook notebooks/NAME.ipynb");
        String kernelOnly = report(new JupyterCommand.Found("7.4.9", null), 25, true, List.of("java kernel"));
        assertThat(kernelOnly).contains("ok       Jupyter (7.4.9)").doesNotContain(JupyterCommand.APT)
                .contains("MISSING  a Java kernel");
    }
}
