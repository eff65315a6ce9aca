package dev.tinyseek.notebook;

import java.io.PrintStream;
import java.util.List;

/// Prints the notebook as it runs: the markdown before each code cell, the code, then the
/// output as it comes.
public final class NotebookTranscript implements NotebookRunner.Listener {
    private final PrintStream out;
    private final List<NotebookFile.Cell> all;
    private final boolean quiet;
    private int next; // index into `all` of the first cell not shown yet
    private boolean atLineStart = true;

    /// Shows `all` (the notebook's cells) on `out`; `quiet`: only each code cell's number and output.
    public NotebookTranscript(PrintStream out, List<NotebookFile.Cell> all, boolean quiet) {
        this.out = out;
        this.all = all;
        this.quiet = quiet;
    }

    /// Shows the cells not shown yet up to the next code cell (all of them, with `toEnd`).
    public void text(boolean toEnd) {
        while (next < all.size() && (toEnd || !all.get(next).isCode())) {
            NotebookFile.Cell c = all.get(next++);
            if (!c.isCode() && !quiet) {
                out.println("-- " + c.type());
                out.println(c.source().stripTrailing());
            }
        }
    }

    @Override
    public void cellStarted(int index, String source) {
        text(false); // code cells run in order: the next code cell is this one
        next++;
        out.println("-- cell " + index);
        if (!quiet) {
            for (String line : source.stripTrailing().split("\n", -1)) {
                out.println("   " + line);
            }
            out.println("-- output of cell " + index);
        }
        atLineStart = true;
    }

    @Override
    public void output(int index, String text) {
        out.print(text);
        out.flush();
        atLineStart = text.endsWith("\n");
    }

    @Override
    public void cellFinished(NotebookRunner.Cell cell) {
        if (!atLineStart) {
            out.println();
        }
        for (String e : cell.errors()) {
            out.println("ERROR in cell " + cell.index() + ": " + e);
        }
    }
}
