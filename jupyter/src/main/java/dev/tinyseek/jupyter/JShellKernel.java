package dev.tinyseek.jupyter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;

/// A Jupyter kernel for Java: each cell runs in one JShell that lives as long as the kernel, in
/// the kernel's own JVM (so a cell sees the kernel's class path, tinyseek's jar included, and
/// the modules it was started with). JJava's protocol library does the Jupyter side; this
/// class only evaluates.
///
/// What a cell shows: what it prints (stdout and stderr streams), and the value of its last
/// snippet when that is an expression, as `text/plain` — unless the value says nothing but a
/// class and an identity hash (`java.io.PrintStream@1b6d3586`, what `System.out.printf(...)`
/// returns), which is not shown. A cell that does not compile or throws ends with an error
/// naming the snippet and the diagnostic or exception.
///
/// The one magic it knows is the notebooks' first line, `%classpath JAR` (JAR resolved against
/// the kernel's working directory, the notebook's folder): it adds the jar when it exists.
/// Any other `%` line is an error.
public final class JShellKernel extends BaseKernel {

    /// A value that is only `ClassName@hexhash` (`Object.toString()`'s default): nothing to read.
    private static final Pattern BARE_REFERENCE = Pattern.compile("[\\w.$/]+@[0-9a-f]+");

    /// The imports of JShell's `DEFAULT` start-up, as `./tinyseek jshell` has them.
    static final String DEFAULT_IMPORTS = """
            import java.io.*;
            import java.math.*;
            import java.net.*;
            import java.nio.file.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.function.*;
            import java.util.prefs.*;
            import java.util.regex.*;
            import java.util.stream.*;
            """;

    private final JShell shell;
    private final SourceCodeAnalysis analysis;

    /// A kernel whose JShell has `classpath` (entries that exist) for its compiler.
    public JShellKernel(List<Path> classpath) {
        super("tinyseek-jshell", "0.1.0",
                new LanguageInfo.Builder("Java").version(Runtime.version().toString()).mimetype("text/x-java-source")
                        .fileExtension(".jshell").pygments("java").codemirror("java").build(),
                List.of(), null, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null, null,
                false, new StringStyler.Builder().build());
        // "local": snippets run in this JVM and print to System.out, which the base kernel points
        // at the cell's stdout stream while a cell runs
        this.shell = JShell.builder().executionEngine("local").build();
        for (Path p : classpath) {
            if (Files.exists(p)) {
                shell.addToClasspath(p.toAbsolutePath().toString());
            }
        }
        this.analysis = shell.sourceCodeAnalysis();
    }

    /// Runs a start-up script (such as `notebooks/tinyseek.jsh`) as a cell with no output stream.
    public void runScript(String source) {
        evalRaw(source);
    }

    /// Runs one cell (also reachable through `execute_request`, which is how Jupyter runs cells).
    @Override
    public Object evalRaw(String source) {
        try {
            return run(source);
        } finally {
            io.out.flush();
            io.err.flush();
            System.out.flush();
            System.err.flush();
        }
    }

    private DisplayData run(String source) {
        StringBuilder code = new StringBuilder();
        for (String line : source.split("\n", -1)) {
            if (line.strip().startsWith("%")) {
                magic(line.strip());
            } else {
                code.append(line).append('\n');
            }
        }
        String remaining = code.toString();
        SnippetEvent last = null;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            if (!info.completeness().isComplete()) {
                throw new CellError("incomplete code at the end of the cell: " + firstLine(remaining), List.of());
            }
            for (SnippetEvent e : shell.eval(info.source())) {
                fail(e);
                if (e.causeSnippet() == null) {
                    last = e;
                }
            }
            remaining = info.remaining();
        }
        String value = last == null ? null : shownValue(last);
        return value == null ? null : new DisplayData(value);
    }

    /// The text a snippet's value shows as, or null: only an expression's value (not a
    /// declaration's), and not a bare `ClassName@hash`.
    static String shownValue(SnippetEvent e) {
        Snippet s = e.snippet();
        boolean expression = s instanceof ExpressionSnippet
                || s instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
        String value = e.value();
        if (!expression || value == null || value.isEmpty() || isBareReference(value)) {
            return null;
        }
        return value;
    }

    /// True for `java.io.PrintStream@1b6d3586` and the like: a value with nothing to read.
    public static boolean isBareReference(String text) {
        return BARE_REFERENCE.matcher(text.strip()).matches();
    }

    private void fail(SnippetEvent e) {
        if (e.status() == Snippet.Status.REJECTED) {
            List<String> lines = new ArrayList<>();
            shell.diagnostics(e.snippet()).forEach((Diag d) -> lines.add(d.getMessage(Locale.ROOT)));
            throw new CellError("does not compile: " + firstLine(e.snippet().source()) + "\n" + String.join("\n", lines), List.of());
        }
        Throwable ex = e.exception();
        if (ex instanceof UnresolvedReferenceException u) {
            throw new CellError("uses something not defined: " + firstLine(u.getSnippet().source()), List.of());
        }
        if (ex != null) {
            String name = ex instanceof EvalException ee ? ee.getExceptionClassName() : ex.getClass().getName();
            List<String> frames = new ArrayList<>();
            for (StackTraceElement f : ex.getStackTrace()) {
                if (f.getClassName().startsWith("jdk.jshell.") || f.getClassName().startsWith("jdk.internal.reflect.")
                        || f.getClassName().startsWith("java.lang.reflect.")) {
                    break; // the rest is JShell running the snippet
                }
                frames.add("    at " + f);
            }
            throw new CellError(name + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                    + "\n  in: " + firstLine(e.snippet().source()), frames);
        }
    }

    private void magic(String line) {
        String[] parts = line.split("\\s+", 2);
        if (!parts[0].equals("%classpath") || parts.length < 2) {
            throw new CellError("unsupported magic '" + line + "': this kernel knows only '%classpath JAR'", List.of());
        }
        Path jar = Path.of(parts[1].strip()).toAbsolutePath().normalize();
        if (Files.exists(jar)) {
            shell.addToClasspath(jar.toString());
        } else {
            io.err.println("%classpath: no " + jar + "; the kernel's own class path (tinyseek's jar) stays in use");
        }
    }

    @Override
    public List<String> formatError(Throwable e) {
        if (e instanceof CellError c) {
            List<String> lines = new ArrayList<>(List.of(c.getMessage().split("\n")));
            lines.addAll(c.frames);
            return lines;
        }
        return super.formatError(e);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(code, at, true);
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            sb.append(d.signature()).append('\n');
            if (d.javadoc() != null) {
                sb.append(d.javadoc()).append('\n');
            }
        }
        return new DisplayData(sb.toString());
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<String> options = analysis.completionSuggestions(code, at, anchor).stream()
                .map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
        return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        return switch (analysis.analyzeCompletion(code).completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> IS_COMPLETE_YES;
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "    ";
            case UNKNOWN -> IS_COMPLETE_BAD;
        };
    }

    @Override
    public void interrupt() {
        shell.stop();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        shell.close();
        super.onShutdown(isRestarting);
    }

    /// Runs an `execute_request` as Jupyter's shell channel does (open here for the tests).
    @Override
    protected void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> request) {
        super.handleExecuteRequest(env, request);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }

    /// A cell that failed: the message (first line: what went wrong) and the cell's stack frames.
    static final class CellError extends RuntimeException {
        final transient List<String> frames;

        CellError(String message, List<String> frames) {
            super(message, null, false, false);
            this.frames = Collections.unmodifiableList(frames);
        }
    }
}
