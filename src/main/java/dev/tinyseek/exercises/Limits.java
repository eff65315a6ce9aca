package dev.tinyseek.exercises;

/// The limits a submission's process runs under. Every phase has a wall-clock limit, so a
/// submission that loops anywhere (static initialiser, constructor, a check, a shutdown hook)
/// costs at most the sum of them:
///
/// - `bootMs`: the JVM's start until the host's `main` runs (no student code runs in it);
/// - `startMs`: loading, initialising and constructing the student's class;
/// - `checkMs`: each check (all its cases, the grader's own oracle included);
/// - `endMs`: from "end" until the process has exited (shutdown hooks included).
///
/// `heapMb` is the process's `-Xmx`; `outputBytes` caps what its code may print (the process is
/// stopped beyond it); `maxLength` caps the length of an array it may return.
public record Limits(long bootMs, long startMs, long checkMs, long endMs, int heapMb, long outputBytes, int maxLength) {

    /// The defaults of `tinyseek grade`.
    public static final Limits DEFAULT = new Limits(60_000, 20_000, 60_000, 5_000, 256, 1 << 20, 1 << 22);

    public Limits {
        if (bootMs <= 0 || startMs <= 0 || checkMs <= 0 || endMs <= 0) {
            throw new IllegalArgumentException("time limits must be positive, got boot " + bootMs + " ms, start " + startMs
                    + " ms, check " + checkMs + " ms, end " + endMs + " ms");
        }
        if (heapMb < 16 || outputBytes < 0 || maxLength < 1) {
            throw new IllegalArgumentException("heap must be at least 16 MB (got " + heapMb + "), output and length caps positive");
        }
    }

    /// The same limits with `seconds` for the start, each check and the end (the end at most 5 s).
    public Limits withTimeLimit(double seconds) {
        if (!(seconds > 0) || seconds > 86_400) {
            throw new IllegalArgumentException("a time limit must be in (0, 86400] seconds, got " + seconds);
        }
        long ms = Math.max(1, Math.round(seconds * 1000));
        return new Limits(bootMs, ms, ms, Math.min(ms, 5_000), heapMb, outputBytes, maxLength);
    }
}
