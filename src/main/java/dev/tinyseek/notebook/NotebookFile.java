package dev.tinyseek.notebook;

import dev.tinyseek.io.CheckpointException;
import dev.tinyseek.io.Json;
import dev.tinyseek.io.JsonException;
import dev.tinyseek.io.TextFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// A Jupyter notebook file (nbformat 4) as the runner needs it: its cells in order (markdown
/// and code, with their source), and writing outputs back. Anything malformed (not UTF-8, not
/// JSON, no `cells` list, a cell that is not an object, a source that is not text) is an
/// [IllegalArgumentException] of one line naming the file and the cell.
public final class NotebookFile {

    /// One cell: `code`, `markdown` or `raw`, and its source text.
    public record Cell(String type, String source) {
        public boolean isCode() {
            return type.equals("code");
        }
    }

    private NotebookFile() {
    }

    /// Every cell of `notebook`, in order; a JShell script (`.jsh`) is one code cell.
    public static List<Cell> cells(Path notebook) {
        String text = read(notebook);
        if (notebook.toString().endsWith(".jsh")) {
            return List.of(new Cell("code", text));
        }
        List<Cell> out = new ArrayList<>();
        int k = 0;
        for (Map<?, ?> cell : rawCells(notebook, parse(notebook, text))) {
            k++;
            Object type = cell.get("cell_type");
            if (!(type instanceof String t)) {
                throw new IllegalArgumentException(notebook + ": cell " + k + " has no \"cell_type\" string (code, markdown or raw)");
            }
            out.add(new Cell(t, source(notebook, k, cell.get("source"))));
        }
        return out;
    }

    /// The sources of the code cells, in order.
    static List<String> codeCells(Path notebook) {
        return cells(notebook).stream().filter(Cell::isCode).map(Cell::source).toList();
    }

    /// Writes the outputs (`outputs[k]`: what code cell `k` printed) into the notebook as stdout
    /// streams, replacing the old ones, through a temporary file and an atomic rename.
    @SuppressWarnings("unchecked")
    static void writeOutputs(Path notebook, List<String> outputs) throws IOException {
        Map<String, Object> nb = (Map<String, Object>) parse(notebook, read(notebook));
        int k = 0, count = 0;
        for (Map<?, ?> c : rawCells(notebook, nb)) {
            Map<String, Object> cell = (Map<String, Object>) c;
            if (!"code".equals(cell.get("cell_type"))) {
                continue;
            }
            List<Object> outs = new ArrayList<>();
            if (k < outputs.size() && !outputs.get(k).isEmpty()) {
                Map<String, Object> stream = new LinkedHashMap<>();
                stream.put("name", "stdout");
                stream.put("output_type", "stream");
                stream.put("text", lines(outputs.get(k)));
                outs.add(stream);
            }
            cell.put("outputs", outs);
            cell.put("execution_count", k < outputs.size() ? ++count : null);
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

    private static String read(Path notebook) {
        try {
            return TextFiles.read(notebook);
        } catch (CheckpointException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static Object parse(Path notebook, String text) {
        try {
            return Json.parse(text);
        } catch (JsonException e) {
            throw new IllegalArgumentException(notebook + ": not valid JSON (" + e.getMessage() + "); is it a Jupyter notebook?");
        }
    }

    private static List<Map<?, ?>> rawCells(Path notebook, Object parsed) {
        if (!(parsed instanceof Map<?, ?> nb) || !(nb.get("cells") instanceof List<?> cells)) {
            throw new IllegalArgumentException(notebook + ": not a Jupyter notebook (no \"cells\" list at the top level)");
        }
        List<Map<?, ?>> out = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            if (!(cells.get(i) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(notebook + ": cell " + (i + 1) + " is not a JSON object");
            }
            out.add(m);
        }
        return out;
    }

    private static String source(Path notebook, int k, Object source) {
        if (source instanceof String s) {
            return s;
        }
        if (source instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object line : parts) {
                if (!(line instanceof String s)) {
                    throw new IllegalArgumentException(notebook + ": cell " + k + ": \"source\" holds " + Json.write(line, false)
                            + ", not a string");
                }
                sb.append(s);
            }
            return sb.toString();
        }
        throw new IllegalArgumentException(notebook + ": cell " + k + ": \"source\" is " + (source == null ? "missing"
                : Json.write(source, false)) + "; it must be a string or a list of strings");
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
}
