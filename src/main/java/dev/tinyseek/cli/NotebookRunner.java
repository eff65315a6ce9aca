package dev.tinyseek.cli;

import dev.tinyseek.io.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/// Runs a Jupyter notebook written for the Java kernel (JJava/IJava, JShell underneath) with the
/// JDK's own `jdk.jshell` API: every code cell, top to bottom, in one fresh JShell — no Jupyter
/// needed. A compile error or an exception in any cell is reported with the cell's number.
///
/// The one magic it understands is the one our notebooks may use, as their first code line:
/// `%classpath ../target/tinyseek.jar` (resolved against the notebook's folder). Any other `%`
/// line is an error, so a notebook that runs here runs in JJava too.
public final class NotebookRunner {

    /// What one code cell printed, and what went wrong in it (nothing, for a good cell).
    public record Cell(int index, String source, String output, List<String> errors) {
    }

    private NotebookRunner() {
    }

    /// Runs every code cell of `notebook`. `classpath` is added to the shell before the first
    /// cell; a `%classpath` line adds its jar when the jar exists (the tests run before the jar
    /// is built and pass the compiled classes instead). A JShell script (`.jsh`, such as the
    /// start-up script `notebooks/tinyseek.jsh`) runs as one cell.
    public static List<Cell> run(Path notebook, List<Path> classpath) throws IOException {
        List<String> sources = notebook.toString().endsWith(".jsh") ? List.of(Files.readString(notebook)) : codeCells(notebook);
        List<Cell> cells = new ArrayList<>();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try (JShell shell = JShell.builder().out(out).err(out).build()) {
            for (Path p : classpath) {
                shell.addToClasspath(p.toAbsolutePath().toString());
            }
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            for (int i = 0; i < sources.size(); i++) {
                List<String> errors = new ArrayList<>();
                StringBuilder code = new StringBuilder();
                for (String line : sources.get(i).split("\n", -1)) {
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
                out.flush();
                cells.add(new Cell(i + 1, sources.get(i), buffer.toString(StandardCharsets.UTF_8), errors));
                buffer.reset();
                if (!errors.isEmpty()) {
                    break; // later cells depend on this one
                }
            }
        }
        return cells;
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
        if (Files.exists(jar)) {
            shell.addToClasspath(jar.toString());
        }
    }

    /// The sources of the code cells, in order.
    @SuppressWarnings("unchecked")
    static List<String> codeCells(Path notebook) throws IOException {
        Object parsed = Json.parse(Files.readString(notebook, StandardCharsets.UTF_8));
        if (!(parsed instanceof Map<?, ?> nb) || !(nb.get("cells") instanceof List<?> cells)) {
            throw new IllegalArgumentException(notebook + ": not a Jupyter notebook (no \"cells\" list)");
        }
        List<String> out = new ArrayList<>();
        for (Object c : cells) {
            Map<String, Object> cell = (Map<String, Object>) c;
            if ("code".equals(cell.get("cell_type"))) {
                out.add(text(cell.get("source")));
            }
        }
        return out;
    }

    private static String text(Object source) {
        if (source instanceof String s) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (Object line : (List<?>) source) {
            sb.append(line);
        }
        return sb.toString();
    }

    /// Writes the cells' outputs into the notebook (stdout streams), replacing the old ones, so
    /// that what a reader sees is what the code does.
    @SuppressWarnings("unchecked")
    public static void writeOutputs(Path notebook, List<Cell> results) throws IOException {
        Map<String, Object> nb = (Map<String, Object>) Json.parse(Files.readString(notebook, StandardCharsets.UTF_8));
        int k = 0, count = 0;
        for (Object c : (List<Object>) nb.get("cells")) {
            Map<String, Object> cell = (Map<String, Object>) c;
            if (!"code".equals(cell.get("cell_type"))) {
                continue;
            }
            List<Object> outputs = new ArrayList<>();
            if (k < results.size() && !results.get(k).output().isEmpty()) {
                Map<String, Object> stream = new LinkedHashMap<>();
                stream.put("name", "stdout");
                stream.put("output_type", "stream");
                stream.put("text", lines(results.get(k).output()));
                outputs.add(stream);
            }
            cell.put("outputs", outputs);
            cell.put("execution_count", k < results.size() ? ++count : null);
            k++;
        }
        Path tmp = Files.createTempFile(notebook.toAbsolutePath().getParent(), ".nb", ".tmp");
        try {
            Files.writeString(tmp, Json.write(nb, true) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, notebook, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static List<Object> lines(String s) {
        List<Object> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                out.add(s.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }
}
