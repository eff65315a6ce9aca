package dev.tinyseek.notebook;

import dev.tinyseek.io.Json;
import dev.tinyseek.io.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/// Jupyter for the notebooks on this machine: what `tinyseek jupyter` calls, usable from jshell too.
///
/// - [#report] checks, one by one, what the notebooks need — Jupyter, a Java kernel named `java`,
///   a JDK 25, tinyseek's jar — and prints the exact command for whatever is missing.
/// - [#install] installs tinyseek's own kernel (the `jupyter/` project: JShell behind JJava's
///   Jupyter protocol library) as a kernelspec: Maven builds it and fetches its jars, which go
///   into the kernelspec's folder; its `argv` starts this JDK's `java` with the Vector API module,
///   tinyseek's jar and the kernel's jars on the class path, and `notebooks/tinyseek.jsh` as
///   start-up script. tinyseek's own jar keeps no dependency.
/// - [#execute] runs notebooks through that kernel with `jupyter nbconvert --execute` and fails on
///   any error output or any output that is a bare object reference (`java.io.PrintStream@1b6d3586`);
///   this is what CI runs.
///
/// Jupyter itself comes from the system's packages (the command is printed, not run).
public final class Jupyter {

    public static final String APT = "sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient";
    public static final String PIP = "python3 -m pip install notebook nbclient";
    public static final String JJAVA = "https://github.com/dflib/jjava/releases";
    /// The class the kernelspec starts; a `java` kernel whose argv names it is ours.
    public static final String KERNEL_MAIN = "dev.tinyseek.jupyter.KernelMain";

    private Jupyter() {
    }

    /// What was found: Jupyter's version (null: not found), the `java` kernel's command (null: none).
    public record Found(String jupyter, List<String> javaKernel) {

        /// What this machine has, for kernelspec `name`.
        public static Found onThisMachine(String name) {
            return new Found(jupyterVersion(), kernel(name));
        }
    }

    /// Prints one line per requirement and the command for each that is missing; returns what is missing.
    public static List<String> report(Found f, Path javaHome, int javaVersion, Path jar, boolean jarExists, PrintStream out) {
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
            boolean ours = f.javaKernel().contains(KERNEL_MAIN);
            out.println("ok       a Java kernel named 'java' (" + (ours ? "tinyseek's" : "not tinyseek's, e.g. JJava") + "): "
                    + String.join(" ", f.javaKernel()));
        } else {
            missing.add("java kernel");
            out.println("MISSING  a Java kernel named 'java' (the notebooks ask for it). Either tinyseek's (JShell on this JDK,");
            out.println("         the jar and notebooks/tinyseek.jsh loaded; Maven fetches JJava's protocol library):");
            out.println("           ./tinyseek jupyter --install");
            out.println("         or JJava, with a network: download the latest jjava-*.zip from " + JJAVA + ", then");
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
            out.println("open the notebooks with:  jupyter notebook notebooks/     (or: ./tinyseek jupyter --open)");
            out.println("with JJava as the kernel, put JDK 25 first on PATH (its java is the first there) and the jar in JJAVA_CLASSPATH:");
            out.println("  " + open);
        } else {
            out.println("then: jupyter notebook notebooks/   (with JJava: " + open + ")");
            out.println("Without Jupyter every notebook also runs with ./tinyseek notebook notebooks/NAME.ipynb");
        }
        return missing;
    }

    /// The kernelspec that `--install` writes: this JDK's `java` with the Vector API module, the
    /// jar and the kernel's jars (in the kernelspec's own folder, `{resource_dir}`) on the class
    /// path, and the start-up script.
    public static Map<String, Object> kernelSpec(Path javaBin, Path jar, List<String> kernelJars, Path startup) {
        StringBuilder cp = new StringBuilder(jar.toString());
        for (String j : kernelJars) {
            cp.append(java.io.File.pathSeparator).append("{resource_dir}/").append(j);
        }
        List<Object> argv = new ArrayList<>(List.of(javaBin.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", cp.toString(), KERNEL_MAIN, "--class-path", jar.toString()));
        if (startup != null) {
            argv.addAll(List.of("--startup", startup.toString()));
        }
        argv.add("{connection_file}");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", "Java " + Runtime.version().feature() + " (tinyseek)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        return spec;
    }

    /// `--install`: builds the kernel project next to the jar's `target/` and installs kernelspec `name`.
    public static int install(Path jar, String name, Path javaHome, PrintStream out) throws IOException, InterruptedException {
        if (Runtime.version().feature() < 25) {
            out.println("tinyseek jupyter: the kernel needs JDK 25; this is " + Runtime.version() + ". Run it through ./tinyseek");
            return 1;
        }
        if (jupyterVersion() == null) {
            out.println("tinyseek jupyter: Jupyter is not installed. Install it with");
            out.println("  " + APT + "      (Debian, Ubuntu)");
            out.println("or " + PIP);
            return 1;
        }
        if (!Files.isRegularFile(jar)) {
            out.println("tinyseek jupyter: no " + jar + "; build it with ./tinyseek --version (or name it with --jar)");
            return 1;
        }
        Path root = jar.getParent().getParent();
        Path project = root.resolve("jupyter");
        if (!Files.isRegularFile(project.resolve("pom.xml"))) {
            out.println("tinyseek jupyter: no kernel project at " + project + " (the jar " + jar + " is not in a tinyseek checkout's "
                    + "target/; name the checkout's jar with --jar)");
            return 1;
        }
        List<String> existing = kernel(name);
        if (existing != null && !existing.contains(KERNEL_MAIN)) {
            out.println("tinyseek jupyter: a kernel named '" + name + "' is installed and is not tinyseek's: " + String.join(" ", existing));
            out.println("  keep it and install tinyseek's under another name (--name tinyseek; pick it in Jupyter's kernel menu),");
            out.println("  or remove it first: jupyter kernelspec remove " + name);
            return 1;
        }
        out.println("building and testing tinyseek's kernel (" + project + "; Maven fetches jjava-jupyter, gson, jeromq) ...");
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-ntp", "-f", project.resolve("pom.xml").toString(), "package")
                .redirectErrorStream(true).start();
        mvn.getOutputStream().close();
        String built = new String(mvn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (mvn.waitFor() != 0) {
            out.println(built.replaceAll("\u001b\\[[0-9;]*m", "").strip());
            out.println("tinyseek jupyter: building or testing the kernel failed (mvn -f " + project.resolve("pom.xml") + " package); see above");
            return 1;
        }
        Path staging = Files.createTempDirectory("tinyseek-kernel");
        try {
            List<String> jars = new ArrayList<>();
            Files.copy(project.resolve("target/tinyseek-kernel.jar"), staging.resolve("tinyseek-kernel.jar"));
            jars.add("tinyseek-kernel.jar");
            Files.createDirectories(staging.resolve("lib"));
            try (Stream<Path> lib = Files.list(project.resolve("target/lib"))) {
                for (Path p : lib.sorted().toList()) {
                    Files.copy(p, staging.resolve("lib").resolve(p.getFileName()));
                    jars.add("lib/" + p.getFileName());
                }
            }
            Path startup = root.resolve("notebooks/tinyseek.jsh");
            Map<String, Object> spec = kernelSpec(javaHome.resolve("bin/java"), jar, jars, Files.isRegularFile(startup) ? startup : null);
            Files.writeString(staging.resolve("kernel.json"), Json.write(spec, true) + "\n");
            Process p = new ProcessBuilder("jupyter", "kernelspec", "install", "--user", "--replace", "--name", name, staging.toString())
                    .redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                out.println("tinyseek jupyter: jupyter kernelspec install failed: " + said);
                return 1;
            }
            out.println(said);
        } finally {
            deleteTree(staging);
        }
        out.println("installed kernel '" + name + "': " + javaHome.resolve("bin/java") + " with " + jar + " and notebooks/tinyseek.jsh");
        out.println("open the notebooks with:  jupyter notebook notebooks/     (or ./tinyseek jupyter --open)");
        out.println("run them all through it:  ./tinyseek jupyter --execute notebooks/*.ipynb");
        return 0;
    }

    /// `--execute`: each notebook through `jupyter nbconvert --execute` into a scratch folder, then
    /// its outputs checked; prints each notebook's time and the total.
    public static int execute(List<Path> notebooks, String kernel, PrintStream out) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("tinyseek-executed");
        int failed = 0;
        long start = System.nanoTime();
        try {
            for (Path nb : notebooks) {
                if (!Files.isRegularFile(nb)) {
                    throw new IllegalArgumentException("no notebook " + nb);
                }
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                        "--ExecutePreprocessor.kernel_name=" + kernel, "--ExecutePreprocessor.timeout=900",
                        "--output-dir", scratch.toString(), nb.toString()).redirectErrorStream(true).start();
                String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int rc = p.waitFor();
                double seconds = (System.nanoTime() - t0) / 1e9;
                Path done = scratch.resolve(nb.getFileName());
                List<String> problems = new ArrayList<>();
                if (rc != 0 || !Files.isRegularFile(done)) {
                    problems.add("jupyter nbconvert --execute failed (exit " + rc + "): " + said.strip());
                } else {
                    problems.addAll(problems(JsonObject.parse(Files.readString(done), done.toString())));
                }
                out.printf(java.util.Locale.ROOT, "%-6s %-34s %6.1f s%n", problems.isEmpty() ? "ok" : "FAILED", nb, seconds);
                for (String pr : problems) {
                    out.println("         " + pr.replace("\n", "\n         "));
                }
                failed += problems.isEmpty() ? 0 : 1;
            }
        } finally {
            deleteTree(scratch);
        }
        out.printf(java.util.Locale.ROOT, "%d notebooks through kernel '%s' in %.1f s; %d failed%n", notebooks.size(), kernel,
                (System.nanoTime() - start) / 1e9, failed);
        return failed == 0 ? 0 : 1;
    }

    /// A whole output line of the form `ClassName@hexhash`: a printed or returned object with no
    /// `toString`, which tells a reader nothing.
    private static final Pattern BARE_REFERENCE = Pattern.compile("[\\w.$/]+@[0-9a-f]+");

    /// What is wrong in an executed notebook: every error output, and every output line that is a
    /// bare object reference, each naming its code cell (counted from 1).
    public static List<String> problems(JsonObject notebook) {
        List<String> problems = new ArrayList<>();
        int code = 0;
        for (Object c : notebook.getList("cells")) {
            JsonObject cell = JsonObject.of(c, "cell");
            if (!cell.optString("cell_type", "").equals("code")) {
                continue;
            }
            code++;
            if (!cell.has("outputs")) {
                continue;
            }
            for (Object o : cell.getList("outputs")) {
                JsonObject output = JsonObject.of(o, "output");
                String type = output.optString("output_type", "");
                if (type.equals("error")) {
                    StringBuilder sb = new StringBuilder("code cell " + code + ": " + output.optString("ename", "error") + ": "
                            + output.optString("evalue", ""));
                    if (output.has("traceback")) {
                        for (Object line : output.getList("traceback")) {
                            sb.append("\n  ").append(line);
                        }
                    }
                    problems.add(sb.toString());
                    continue;
                }
                String text = type.equals("stream") ? text(output.get("text"))
                        : output.has("data") && output.getObject("data").has("text/plain") ? text(output.getObject("data").get("text/plain"))
                        : "";
                for (String line : text.split("\n")) {
                    if (BARE_REFERENCE.matcher(line.strip()).matches()) {
                        problems.add("code cell " + code + ": a bare object reference in its " + type + " output: " + line.strip()
                                + " (print something readable, or end the cell with a statement)");
                    }
                }
            }
        }
        return problems;
    }

    /// nbformat text: a string or a list of strings.
    private static String text(Object value) {
        if (value instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            parts.forEach(sb::append);
            return sb.toString();
        }
        return value == null ? "" : value.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /// The command of the kernelspec `name` (`jupyter kernelspec list --json`), or null.
    private static List<String> kernel(String name) {
        String json = output("jupyter", "kernelspec", "list", "--json");
        if (json == null) {
            return null;
        }
        try {
            JsonObject specs = JsonObject.parse(json, "jupyter kernelspec list").getObject("kernelspecs");
            if (!specs.has(name)) {
                return null;
            }
            List<String> argv = new ArrayList<>();
            for (Object o : specs.getObject(name).getObject("spec").getList("argv")) {
                argv.add(String.valueOf(o));
            }
            return argv;
        } catch (RuntimeException e) {
            return null; // an answer we cannot read: treated as no kernel, whose install line is then printed
        }
    }

    /// Jupyter's version as `jupyter --version` gives it (its `jupyter_core` line where it lists
    /// packages, else its first line), or null when there is no Jupyter.
    public static String jupyterVersion() {
        String s = output("jupyter", "--version");
        if (s == null) {
            return null;
        }
        return s.lines().filter(l -> l.strip().startsWith("jupyter_core")).map(l -> l.strip().replaceAll("\\s*:\\s*", " "))
                .findFirst().orElse(s.strip().lines().findFirst().orElse(""));
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
