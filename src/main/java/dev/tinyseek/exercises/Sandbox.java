package dev.tinyseek.exercises;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/// Where a submission's process runs: inside Debian's `bubblewrap` (`bwrap`) when it is installed
/// and works, or as a plain child process with only the JVM's limits.
///
/// Inside `bwrap` the process sees `/usr` (the JDK and the system's libraries) read-only, its
/// class path read-only at `/grade/cp`, one writable scratch directory at `/grade/work`, a fresh
/// `/proc` and a minimal `/dev`; nothing else of the file system (no `/etc/passwd`, no home,
/// no working tree, no `target/`), no network (a new network namespace with only its own
/// loopback), no other process (a new PID namespace: it cannot see or signal the grader), no
/// capabilities, an empty environment, and it dies with the grader.
///
/// Without `bwrap` the process still gets the JVM's limits, an empty environment and a class
/// path of only the interfaces, but it can read and write whatever the grader's user can, start
/// processes and open connections: a verdict is then only as trustworthy as the submission.
public record Sandbox(Kind kind, String bwrap, String description) {

    public enum Kind { BWRAP, NONE }

    /// What the user asked for: `auto` (bwrap where it works, else none with a note), `bwrap`
    /// (refuse to grade without it), `none`.
    public enum Mode {
        AUTO, BWRAP, NONE;

        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--sandbox " + s + " is not a mode; valid: auto, bwrap, none");
        }
    }

    /// Where the class path and the scratch directory appear inside the sandbox.
    public static final String CP = "/grade/cp", WORK = "/grade/work";

    /// Picks the sandbox for `mode`. `bwrap` mode throws, naming the reason, where it does not work.
    public static Sandbox choose(Mode mode) {
        if (mode == Mode.NONE) {
            return none("--sandbox none");
        }
        String why;
        String bwrap = find();
        if (bwrap == null) {
            why = "bwrap not found (Debian: apt-get install bubblewrap)";
        } else {
            why = probe(bwrap);
            if (why == null) {
                return new Sandbox(Kind.BWRAP, bwrap, "bubblewrap: no network, read-only file system (only /usr and the class path), "
                        + "only a scratch directory writable, no other process visible");
            }
        }
        if (mode == Mode.BWRAP) {
            throw new IllegalStateException("--sandbox bwrap: bubblewrap cannot be used here: " + why
                    + "; install it (apt-get install bubblewrap) or pass --sandbox none");
        }
        return none(why);
    }

    private static Sandbox none(String why) {
        return new Sandbox(Kind.NONE, null, "none (" + why + "): the submission runs in its own JVM with time, heap and "
                + "output limits, but can read and write what you can; use bubblewrap for grading that counts");
    }

    /// The path of `bwrap` on the `PATH` (or in `/usr/bin`), or null.
    static String find() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/bin");
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "bwrap"))) {
                return Path.of(d, "bwrap").toString();
            }
        }
        return null;
    }

    /// Runs `true` inside the sandbox as a submission would run; null when that works, else why not.
    static String probe(String bwrap) {
        try {
            Path tmp = Files.createTempDirectory("tinyseek-probe");
            try {
                Path cp = Files.createDirectories(tmp.resolve("cp")), work = Files.createDirectories(tmp.resolve("work"));
                List<String> cmd = new ArrayList<>(args(bwrap, cp, work));
                cmd.add("/usr/bin/true");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                p.getOutputStream().close();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "bwrap did not start within 20 s";
                }
                String said = new String(p.getInputStream().readAllBytes()).strip();
                return p.exitValue() == 0 ? null
                        : "bwrap fails here (exit " + p.exitValue() + (said.isEmpty() ? "" : ": " + said.lines().findFirst().orElse("")) + ")";
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            return "bwrap could not be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /// The command that runs `command` (a JVM, with paths as [#classPath] and [#scratch] give
    /// them) in this sandbox, with `cp` as the class path and `work` as the scratch directory.
    public List<String> wrap(List<String> command, Path cp, Path work) {
        if (kind == Kind.NONE) {
            return command;
        }
        List<String> cmd = new ArrayList<>(args(bwrap, cp, work));
        cmd.addAll(command);
        return cmd;
    }

    /// The class path directory as the process sees it.
    public String classPath(Path cp) {
        return kind == Kind.NONE ? cp.toString() : CP;
    }

    /// The scratch directory as the process sees it.
    public String scratch(Path work) {
        return kind == Kind.NONE ? work.toString() : WORK;
    }

    private static List<String> args(String bwrap, Path cp, Path work) {
        List<String> a = new ArrayList<>(List.of(bwrap, "--die-with-parent", "--unshare-all", "--new-session", "--cap-drop", "ALL",
                "--ro-bind", "/usr", "/usr"));
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")) {
            Path p = Path.of(top);
            try {
                if (Files.isSymbolicLink(p)) {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } else if (Files.isDirectory(p)) {
                    a.addAll(List.of("--ro-bind", top, top));
                }
            } catch (IOException e) {
                // leave it out: the JVM under /usr does not need it on merged-/usr systems
            }
        }
        // the dynamic loader's cache (where Debian's multi-arch libraries are); nothing else of /etc
        a.addAll(List.of("--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"));
        Path javaHome = javaHome();
        if (!javaHome.startsWith("/usr/")) {
            a.addAll(List.of("--ro-bind", javaHome.toString(), javaHome.toString()));
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev",
                "--ro-bind", cp.toString(), CP, "--bind", work.toString(), WORK, "--chdir", WORK,
                "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", WORK, "--setenv", "LANG", "C.UTF-8"));
        return a;
    }

    /// This JVM's home, with links resolved (the child runs the same JDK).
    static Path javaHome() {
        Path h = Path.of(System.getProperty("java.home"));
        try {
            return h.toRealPath();
        } catch (IOException e) {
            return h.toAbsolutePath();
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file the submission made read-only: left for the system's temp cleaning
                }
            }
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
