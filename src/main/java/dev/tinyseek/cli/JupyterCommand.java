package dev.tinyseek.cli;

import dev.tinyseek.notebook.Jupyter;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/// `tinyseek jupyter`: checks Jupyter, a Java kernel and the JDK; installs tinyseek's kernel;
/// runs the notebooks through it (what CI does) or opens them. The work is [Jupyter]'s.
final class JupyterCommand implements Main.Command {

    @Override
    public String summary() {
        return "Jupyter for the notebooks: check what is missing, install tinyseek's Java kernel, run or open the notebooks";
    }

    static Args spec() {
        return new Args("jupyter", "Checks Jupyter, a Java kernel and the JDK and prints the command for what is missing;\n"
                + "--install installs tinyseek's Java kernel (JShell, JDK 25, the jar on its class path) as a kernelspec;\n"
                + "--execute runs notebooks through it (what CI does); --open starts the notebook server.")
                .option("jar", "FILE", null, "the jar the kernel loads (default: the jar running this command, else target/tinyseek.jar)")
                .option("name", "NAME", "java", "the kernelspec's name (the notebooks ask for 'java')")
                .flag("install", "build tinyseek's kernel (Maven fetches its jars) and install it as kernelspec NAME for this user")
                .flag("execute", "run the NOTEBOOKs through kernel NAME (jupyter nbconvert --execute); fail on an error or a bare "
                        + "object reference in any output")
                .flag("open", "start 'jupyter notebook notebooks/' (for JJava: JDK 25 first on PATH, the jar in JJAVA_CLASSPATH)")
                .positional("NOTEBOOK...", "the notebooks --execute runs");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        Path jar = a.string("jar") != null ? Path.of(a.string("jar")).toAbsolutePath() : Main.runningJar();
        Path javaHome = Path.of(System.getProperty("java.home"));
        String name = a.string("name");
        if (!name.matches("[a-zA-Z0-9._-]+")) {
            throw new Args.UsageException("--name " + name + ": a kernel name is letters, digits, '.', '_' and '-'");
        }
        if (a.isSet("install")) {
            int rc = Jupyter.install(jar, name, javaHome, out);
            if (rc != 0 || !a.isSet("execute")) {
                return rc;
            }
        }
        if (a.isSet("execute")) {
            return execute(a.positionals(), name, out);
        }
        if (!a.positionals().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + a.positionals().getFirst() + "': notebooks are for --execute");
        }
        List<String> missing = Jupyter.report(Jupyter.Found.onThisMachine(name), javaHome, Runtime.version().feature(), jar,
                Files.isRegularFile(jar), out);
        if (!missing.isEmpty()) {
            return 1;
        }
        if (a.isSet("open")) {
            ProcessBuilder pb = new ProcessBuilder("jupyter", "notebook", "notebooks").inheritIO();
            pb.environment().put("PATH", javaHome.resolve("bin") + File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
            pb.environment().put("JJAVA_CLASSPATH", jar.toString());
            return pb.start().waitFor();
        }
        return 0;
    }

    private static int execute(List<String> notebooks, String name, PrintStream out) throws Exception {
        if (notebooks.isEmpty()) {
            throw new Args.UsageException("--execute needs notebooks, e.g. tinyseek jupyter --execute notebooks/*.ipynb");
        }
        if (Jupyter.jupyterVersion() == null) {
            out.println("tinyseek jupyter: Jupyter is not installed. Install it with");
            out.println("  " + Jupyter.APT + "      (Debian, Ubuntu)");
            out.println("then the kernel: ./tinyseek jupyter --install");
            return 1;
        }
        try {
            return Jupyter.execute(notebooks.stream().map(Path::of).toList(), name, out);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
