package dev.tinyseek.testkit;

import dev.tinyseek.backend.Parallel;

import java.util.function.Supplier;

/// Runs code with a given [Parallel] thread count and restores the previous one afterwards.
public final class Threads {

    private Threads() {
    }

    public static <T> T with(int threads, Supplier<T> body) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            return body.get();
        } finally {
            Parallel.setThreads(before);
        }
    }
}
