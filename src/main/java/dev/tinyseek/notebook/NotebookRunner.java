package dev.tinyseek.notebook;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/// Runs a Jupyter notebook written for the Java kernel (JJava/IJava, JShell underneath) with the
/// JDK's own `jdk.jshell` API: every code cell, top to bottom, in one fresh JShell — no Jupyter
/// needed. A compile error or an exception in any cell is reported with the cell's number, and
/// the run stops there.
///
/// The cells run in a separate JVM (JShell's own agent), under [Limits]: a heap, a time per
/// cell, and a number of output bytes per cell. A cell that ends that JVM (`System.exit`,
/// `Runtime.halt`, a crash), runs too long or prints too much fails with a message saying so;
/// nothing a cell does can make the run look successful. Output reaches the [Listener] as the
/// cell prints it.
///
/// The one magic it understands is the one our notebooks may use, as their first code line:
/// `%classpath ../target/tinyseek.jar` (resolved against the notebook's folder). Any other `%`
/// line is an error, so a notebook that runs here runs in JJava too.
public final class NotebookRunner {

    /// What one code cell printed (at most [Limits#outputBytes()] of it), and what went wrong in
    /// it (nothing, for a good cell).
    public record Cell(int index, String source, String output, List<String> errors) {
    }

    /// The limits a notebook runs under: the heap of the JVM the cells run in, the time a cell
    /// may take, and the output bytes a cell may print.
    public record Limits(int heapMegabytes, Duration cellTime, int outputBytes) {
        public Limits {
            if (heapMegabytes < 16 || cellTime.isNegative() || cellTime.isZero() || outputBytes < 1) {
                throw new IllegalArgumentException("notebook limits: heap " + heapMegabytes + " MB (>= 16), cell time "
                        + cellTime + " (> 0), output " + outputBytes + " bytes (>= 1)");
            }
        }

        /// 2 GB of heap, 10 minutes a cell, 1 MB of output a cell: far above what a notebook of
        /// this project needs, far below what a runaway cell would take.
        public static Limits defaults() {
            return new Limits(2048, Duration.ofMinutes(10), 1 << 20);
        }
    }

    /// Hears about a run as it happens (every method may be left out).
    public interface Listener {
        /// Code cell `index` (from 1) is about to run.
        default void cellStarted(int index, String source) {
        }

        /// Cell `index` printed `text` (as it prints it; a cut-off output ends early).
        default void output(int index, String text) {
        }

        /// Cell `index` has finished, well or not.
        default void cellFinished(Cell cell) {
        }
    }

    private NotebookRunner() {
    }

    /// The class path of this JVM (tinyseek's classes), for the cells to run against.
    public static List<Path> ownClasspath() {
        List<Path> cp = new java.util.ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!p.isBlank()) {
                cp.add(Path.of(p));
            }
        }
        return cp;
    }

    /// Runs every code cell of `notebook` under the default limits, hearing nothing as it goes.
    public static List<Cell> run(Path notebook, List<Path> classpath) throws IOException {
        return run(notebook, classpath, Limits.defaults(), new Listener() {
        });
    }

    /// Runs every code cell of `notebook`. `classpath` is added to the shell before the first
    /// cell; a `%classpath` line adds its jar when the jar exists (the tests run before the jar
    /// is built and pass the compiled classes instead). A JShell script (`.jsh`, such as the
    /// start-up script `notebooks/tinyseek.jsh`) runs as one cell. A malformed notebook is an
    /// [IllegalArgumentException] of one line.
    public static List<Cell> run(Path notebook, List<Path> classpath, Limits limits, Listener listener) throws IOException {
        List<String> sources = NotebookFile.codeCells(notebook);
        List<Cell> cells = new ArrayList<>();
        CellOutput sink = new CellOutput(limits.outputBytes(), listener);
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        AtomicBoolean ended = new AtomicBoolean();
        JShell shell = JShell.builder().out(out).err(out)
                .remoteVMOptions("-Xmx" + limits.heapMegabytes() + "m", "-XX:+ExitOnOutOfMemoryError")
                .build();
        try {
            shell.onShutdown(s -> ended.set(true));
            for (Path p : classpath) {
                shell.addToClasspath(p.toAbsolutePath().toString());
            }
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            for (int i = 0; i < sources.size(); i++) {
                listener.cellStarted(i + 1, sources.get(i));
                sink.start(i + 1);
                Watchdog dog = new Watchdog(shell, limits.cellTime(), sink);
                List<String> errors = new ArrayList<>();
                try {
                    runCell(sources.get(i), i, notebook, shell, analysis, errors);
                } catch (IllegalStateException e) { // the shell closed under the cell: its JVM ended
                    ended.set(true);
                } finally {
                    dog.stop();
                }
                out.flush();
                if (ended.get() && !dog.killed) {
                    errors.clear();
                    errors.add("the JVM running the cells ended during this cell (System.exit, Runtime.halt, out of memory "
                            + "past -Xmx" + limits.heapMegabytes() + "m, or a crash); a notebook must not end its JVM");
                } else if (dog.timedOut) {
                    errors.clear();
                    errors.add("still running after " + seconds(limits.cellTime()) + " (the time limit of a cell); stopped it. "
                            + "Look for a loop that never ends, or give more time (--cell-timeout)");
                } else if (sink.overflowed) {
                    errors.clear();
                    errors.add("printed more than " + limits.outputBytes() + " bytes (the output limit of a cell); stopped it and "
                            + "kept the first " + limits.outputBytes() + ". Print less, or give more room (--max-output)");
                }
                Cell cell = new Cell(i + 1, sources.get(i), sink.text(), errors);
                cells.add(cell);
                listener.cellFinished(cell);
                if (!errors.isEmpty() || ended.get()) {
                    break; // later cells depend on this one
                }
            }
        } finally {
            try {
                shell.close();
            } catch (RuntimeException ignored) {
                // already closed with its JVM
            }
        }
        return cells;
    }

    private static void runCell(String source, int i, Path notebook, JShell shell, SourceCodeAnalysis analysis, List<String> errors) {
        StringBuilder code = new StringBuilder();
        for (String line : source.split("\n", -1)) {
            if (line.startsWith("%")) {
                magic(line, i, notebook, shell, errors);
            } else {
                code.append(line).append('\n');
            }
        }
        String remaining = code.toString();
        while (errors.isEmpty() && !remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            if (!info.completeness().isComplete()) {
                errors.add("incomplete code at the end of the cell: " + firstLine(remaining));
                break;
            }
            for (SnippetEvent e : shell.eval(info.source())) {
                if (e.status() == Snippet.Status.REJECTED) {
                    StringBuilder msg = new StringBuilder("does not compile: " + firstLine(e.snippet().source()));
                    shell.diagnostics(e.snippet()).forEach((Diag d) ->
                            msg.append(" — ").append(d.getMessage(java.util.Locale.ROOT).replace('\n', ' ')));
                    errors.add(msg.toString());
                } else if (e.exception() != null) {
                    Throwable ex = e.exception();
                    String name = ex instanceof EvalException ee ? ee.getExceptionClassName() : ex.getClass().getName();
                    errors.add("threw " + name + ": " + ex.getMessage() + " in: " + firstLine(e.snippet().source()));
                }
            }
            remaining = info.remaining();
        }
    }

    /// Stops the running cell when its time is up or its output overflowed: first politely
    /// ([JShell#stop()]), then, if the cell does not end within a few seconds, by closing the shell.
    private static final class Watchdog {
        private final Thread thread;
        volatile boolean timedOut, killed;
        private volatile boolean done;

        Watchdog(JShell shell, Duration limit, CellOutput sink) {
            long deadline = System.nanoTime() + limit.toNanos();
            thread = Thread.ofPlatform().daemon().name("notebook-watchdog").start(() -> {
                long stoppedAt = 0;
                while (!done) {
                    long now = System.nanoTime();
                    boolean over = now - deadline > 0;
                    if ((over || sink.overflowed) && stoppedAt == 0) {
                        timedOut = over;
                        stoppedAt = now;
                        try {
                            shell.stop();
                        } catch (RuntimeException ignored) {
                            // the shell has already ended
                        }
                    } else if (stoppedAt != 0 && now - stoppedAt > 5_000_000_000L) {
                        killed = true;
                        try {
                            shell.close();
                        } catch (RuntimeException ignored) {
                            // already closed
                        }
                        return;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() {
            done = true;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /// The cells' output: passed on to the listener as it comes, kept (up to the cap) for the
    /// cell's record, and dropped past the cap.
    private static final class CellOutput extends OutputStream {
        private final int cap;
        private final Listener listener;
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private int cell;
        volatile boolean overflowed;

        CellOutput(int cap, Listener listener) {
            this.cap = cap;
            this.listener = listener;
        }

        synchronized void start(int cell) {
            this.cell = cell;
            kept.reset();
            overflowed = false;
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = cap - kept.size();
            int n = Math.min(room, len);
            if (n > 0) {
                kept.write(b, off, n);
                listener.output(cell, new String(b, off, n, StandardCharsets.UTF_8));
            }
            if (len > n) {
                overflowed = true;
            }
        }
    }

    private static void magic(String line, int cell, Path notebook, JShell shell, List<String> errors) {
        String[] parts = line.trim().split("\\s+", 2);
        if (!parts[0].equals("%classpath") || parts.length < 2 || cell != 0) {
            errors.add("unsupported magic '" + line.trim() + "': only '%classpath ../target/tinyseek.jar' as the first code "
                    + "cell's line is allowed (notebooks must run in plain JShell too)");
            return;
        }
        Path dir = notebook.toAbsolutePath().getParent();
        Path jar = dir.resolve(parts[1].trim()).normalize();
        if (java.nio.file.Files.exists(jar)) {
            shell.addToClasspath(jar.toString());
        }
    }

    /// The sources of the code cells, in order.
    static List<String> codeCells(Path notebook) {
        return NotebookFile.codeCells(notebook);
    }

    /// Writes the cells' outputs into the notebook (stdout streams), replacing the old ones, so
    /// that what a reader sees is what the code does.
    public static void writeOutputs(Path notebook, List<Cell> results) throws IOException {
        NotebookFile.writeOutputs(notebook, results.stream().map(Cell::output).toList());
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }
}
