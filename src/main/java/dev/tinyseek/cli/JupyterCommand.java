package dev.tinyseek.cli;

import dev.tinyseek.io.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/// `tinyseek jupyter`: what the notebooks need in Jupyter on this machine, checked one by one —
/// Jupyter itself, a Java kernel (JJava, which runs cells in JShell), a JDK 25 for that kernel and
/// tinyseek's jar on its class path — with the exact command for whatever is missing, and with
/// `--open` the notebook server started so that the kernel runs on this JDK with the jar.
///
/// It installs nothing: Jupyter comes from the system's packages, and JJava from its release
/// page, which needs a network. The kernel's `java` is the first on `PATH`, so `--open` (and the
/// printed command) put this JDK's `bin` first and pass the jar in `JJAVA_CLASSPATH`.
final class JupyterCommand implements Main.Command {

    static final String APT = "sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient";
    static final String PIP = "python3 -m pip install notebook nbclient";
    static final String JJAVA = "https://github.com/dflib/jjava/releases";

    @Override
    public String summary() {
        return "check what the notebooks need in Jupyter (Jupyter, a Java kernel, JDK 25) and open them";
    }

    static Args spec() {
        return new Args("jupyter", "Checks Jupyter, a Java kernel named 'java' (JJava) and the JDK, prints the command for\n"
                + "what is missing, and how to open the notebooks with tinyseek's jar on the kernel's class path.")
                .option("jar", "FILE", "target/tinyseek.jar", "the jar the kernel loads (JJAVA_CLASSPATH)")
                .flag("open", "start 'jupyter notebook notebooks/' with this JDK first on PATH and the jar in JJAVA_CLASSPATH");
    }

    /// What was found: Jupyter's version (null: not found), the `java` kernel's command (null: none).
    record Found(String jupyter, List<String> javaKernel) {
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        Path jar = Path.of(a.string("jar")).toAbsolutePath();
        Path javaHome = Path.of(System.getProperty("java.home"));
        Found f = new Found(firstLine("jupyter", "--version"), javaKernel());
        List<String> missing = report(f, javaHome, Runtime.version().feature(), jar, Files.isRegularFile(jar), out);
        if (!missing.isEmpty()) {
            return 1;
        }
        if (a.isSet("open")) {
            ProcessBuilder pb = new ProcessBuilder("jupyter", "notebook", "notebooks").inheritIO();
            pb.environment().put("PATH", javaHome.resolve("bin") + java.io.File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
            pb.environment().put("JJAVA_CLASSPATH", jar.toString());
            return pb.start().waitFor();
        }
        return 0;
    }

    /// Prints one line per requirement and the command for each that is missing; returns what is missing.
    static List<String> report(Found f, Path javaHome, int javaVersion, Path jar, boolean jarExists, PrintStream out) {
        List<String> missing = new ArrayList<>();
        if (f.jupyter() != null) {
            out.println("ok       Jupyter (" + f.jupyter() + ")");
        } else {
            missing.add("jupyter");
            out.println("MISSING  Jupyter: install it with");
            out.println("           " + APT + "      (Debian, Ubuntu)");
            out.println("         or " + PIP);
        }
        if (f.javaKernel() != null) {
            out.println("ok       a Java kernel named 'java': " + String.join(" ", f.javaKernel()));
        } else {
            missing.add("java kernel");
            out.println("MISSING  a Java kernel named 'java' (the notebooks ask for it): JJava, which runs cells in JShell.");
            out.println("         With a network: download the latest jjava-*.zip from " + JJAVA + ", then");
            out.println("           unzip jjava-*.zip -d jjava && jupyter kernelspec install jjava --user --name=java");
        }
        if (javaVersion >= 25) {
            out.println("ok       JDK " + javaVersion + " in " + javaHome);
        } else {
            missing.add("jdk 25");
            out.println("MISSING  JDK 25: this is JDK " + javaVersion + " (" + javaHome + "); run through ./tinyseek, which finds one");
        }
        if (jarExists) {
            out.println("ok       " + jar);
        } else {
            missing.add("jar");
            out.println("MISSING  " + jar + ": build it with ./tinyseek --version");
        }
        out.println();
        String open = "PATH=" + javaHome.resolve("bin") + ":$PATH JJAVA_CLASSPATH=" + jar + " jupyter notebook notebooks/";
        if (missing.isEmpty()) {
            out.println("open the notebooks with (the kernel's java is the first on PATH, so put JDK 25 there):");
            out.println("  " + open);
            out.println("or: ./tinyseek jupyter --open");
        } else {
            out.println("then: " + open);
            out.println("Without Jupyter every notebook also runs with ./tinyseek notebook notebooks/NAME.ipynb");
        }
        return missing;
    }

    /// The command of the kernelspec named `java` (`jupyter kernelspec list --json`), or null.
    private static List<String> javaKernel() {
        String json = output("jupyter", "kernelspec", "list", "--json");
        if (json == null) {
            return null;
        }
        try {
            JsonObject specs = JsonObject.parse(json, "jupyter kernelspec list").getObject("kernelspecs");
            if (!specs.has("java")) {
                return null;
            }
            List<String> argv = new ArrayList<>();
            for (Object o : specs.getObject("java").getObject("spec").getList("argv")) {
                argv.add(String.valueOf(o));
            }
            return argv;
        } catch (RuntimeException e) {
            return null; // an answer we cannot read: treated as no kernel, whose install line is then printed
        }
    }

    private static String firstLine(String... command) {
        String s = output(command);
        return s == null ? null : s.strip().lines().findFirst().orElse("");
    }

    /// The standard output of `command`, or null when it cannot run or fails.
    private static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] b = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
