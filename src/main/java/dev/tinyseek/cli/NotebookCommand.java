package dev.tinyseek.cli;

import dev.tinyseek.notebook.NotebookFile;
import dev.tinyseek.notebook.NotebookRunner;
import dev.tinyseek.notebook.NotebookTranscript;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/// `tinyseek notebook FILE...`: runs notebooks in a terminal, cell by cell, for those without
/// Jupyter, showing each markdown cell, each code cell and its output as it runs (`--quiet`:
/// only the outputs); `--write` stores the outputs back into the files.
final class NotebookCommand implements Main.Command {

    @Override
    public String summary() {
        return "run Jupyter notebooks (Java kernel) in a terminal; --write refreshes their outputs";
    }

    static Args spec() {
        return new Args("notebook", "Runs each notebook's code cells in one fresh JShell (no Jupyter needed) and shows the\n"
                + "notebook as it runs: its text, its code, and every cell's output as it is printed. Stops at the first cell\n"
                + "that fails, runs too long, prints too much or ends its JVM (exit code 1). --write saves the outputs into\n"
                + "the notebook, so that what a reader sees is what the code does.")
                .positional("FILE...", "one or more .ipynb notebooks (or .jsh JShell scripts, run as one cell)")
                .flag("write", "store the outputs in the notebook files")
                .flag("quiet", "show only each code cell's number and output, not the text and code")
                .option("cell-timeout", "SECONDS", "600", "stop a cell that runs longer (and fail)")
                .option("max-output", "BYTES", "1048576", "stop a cell that prints more (and fail)")
                .option("heap", "MB", "2048", "heap of the JVM the cells run in");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        a.positional(0, "FILE");
        NotebookRunner.Limits limits = new NotebookRunner.Limits(a.integer("heap", 16, 1 << 20),
                Duration.ofSeconds(a.integer("cell-timeout", 1, 1_000_000)), a.integer("max-output", 1, Integer.MAX_VALUE - 8));
        boolean quiet = a.isSet("quiet");
        List<Path> files = a.positionals().stream().map(Path::of).toList();
        List<Path> cp = NotebookRunner.ownClasspath();
        int failed = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f + ": no such notebook");
            }
            List<NotebookFile.Cell> all = NotebookFile.cells(f); // a malformed notebook: one line, before anything runs
            out.println("== " + f);
            NotebookTranscript show = new NotebookTranscript(out, all, quiet);
            List<NotebookRunner.Cell> cells = NotebookRunner.run(f, cp, limits, show);
            boolean ok = cells.stream().allMatch(c -> c.errors().isEmpty());
            if (ok) {
                show.text(true); // the text after the last code cell
            }
            if (!ok) {
                failed++;
            } else if (a.isSet("write") && f.toString().endsWith(".ipynb")) {
                NotebookRunner.writeOutputs(f, cells);
                out.println("wrote the outputs into " + f);
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
