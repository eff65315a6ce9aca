package dev.tinyseek.gpucheck;

import java.io.PrintStream;

/// Where the check writes one line per step as it goes (the kit's `run` sends it to stderr), with
/// the seconds since the start.
public final class Progress {

    private final PrintStream out;
    private final long start = System.nanoTime();

    public Progress(PrintStream out) {
        this.out = out;
    }

    /// Progress that goes nowhere (tests).
    public static Progress quiet() {
        return new Progress(null);
    }

    /// Writes `[  12.3 s] text`.
    public void line(String text) {
        if (out != null) {
            out.printf("[%6.1f s] %s%n", seconds(), text);
            out.flush();
        }
    }

    /// Seconds since this was made.
    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
