package dev.tinyseek.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// `tinyseek notebook FILE...`: runs notebooks in a terminal, cell by cell, for those without
/// Jupyter; `--write` stores the outputs back into the files.
final class NotebookCommand implements Main.Command {

    @Override
    public String summary() {
        return "run Jupyter notebooks (Java kernel) in a terminal; --write refreshes their outputs";
    }

    static Args spec() {
        return new Args("notebook", "Runs each notebook's code cells in one fresh JShell (no Jupyter needed) and prints\n"
                + "every cell's output; stops at the first cell that fails (exit code 1). --write saves the outputs\n"
                + "into the notebook, so that what a reader sees is what the code does.")
                .positional("FILE...", "one or more .ipynb notebooks (or .jsh JShell scripts, run as one cell)")
                .flag("write", "store the outputs in the notebook files");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec();
        if (!a.parse(argv)) {
            out.print(a.usage());
            return 0;
        }
        a.positional(0, "FILE");
        List<Path> files = a.positionals().stream().map(Path::of).toList();
        List<Path> cp = new ArrayList<>();
        String self = System.getProperty("java.class.path");
        for (String p : self.split(java.io.File.pathSeparator)) {
            if (!p.isBlank()) {
                cp.add(Path.of(p));
            }
        }
        int failed = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f + ": no such notebook");
            }
            out.println("== " + f);
            List<NotebookRunner.Cell> cells = NotebookRunner.run(f, cp);
            for (NotebookRunner.Cell c : cells) {
                out.println("-- cell " + c.index());
                out.print(c.output());
                for (String e : c.errors()) {
                    out.println("ERROR in cell " + c.index() + ": " + e);
                }
            }
            boolean ok = cells.stream().allMatch(c -> c.errors().isEmpty());
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
