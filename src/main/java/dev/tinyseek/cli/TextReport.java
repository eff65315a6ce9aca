package dev.tinyseek.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/// The report of `tinyseek text-experiments report`.
final class TextReport {
    private TextReport() {
    }

    static void report(Path dir, int prompts, int rounds, PrintStream out) throws Exception {
        throw new UnsupportedOperationException("report");
    }
}
