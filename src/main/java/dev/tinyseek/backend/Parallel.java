package dev.tinyseek.backend;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.stream.IntStream;

/// The one parallel helper: split a range of independent outputs (rows, heads, column blocks)
/// across threads.
///
/// The rule that keeps every result bit-for-bit the same for any thread count: a task writes
/// only its own outputs, and no single reduction is ever split across threads. Callers pass a
/// body that computes outputs `[from, to)`; how the range is cut does not change any value.
///
/// Threads: `-Dtinyseek.threads=N`, or [#setThreads(int)]; the default is every core.
/// It lives in `backend`, below `tensor`, because the Java GEMM needs it too (`docs/design.md#packages`).
public final class Parallel {

    /// The body of a parallel loop: computes the outputs with indices in `[from, to)`.
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile int threads = defaultThreads();
    private static volatile ForkJoinPool pool;

    private Parallel() {
    }

    private static int defaultThreads() {
        String s = System.getProperty("tinyseek.threads");
        if (s == null || s.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int t = Integer.parseInt(s.trim());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("-Dtinyseek.threads=" + s + " is not a thread count; use an integer >= 1");
    }

    /// The number of threads parallel loops use.
    public static int threads() {
        return threads;
    }

    /// Sets the number of threads (>= 1) for all later parallel loops.
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        if (n != threads) {
            threads = n;
            ForkJoinPool old = pool;
            pool = null;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads);
                    pool = p;
                }
            }
        }
        return p;
    }

    /// About this many multiply-adds make a chunk worth sending to another thread: handing work
    /// over costs tens of microseconds, as much as this much arithmetic (measured: decoding one
    /// token of the `small` model ran 1.6x faster on one thread than on two with finer chunks).
    public static final long MIN_CHUNK_WORK = 200_000;

    /// The grain for [#forRange] when each index costs about `workPerIndex` multiply-adds.
    public static int grainFor(long workPerIndex) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (MIN_CHUNK_WORK + workPerIndex - 1) / Math.max(1, workPerIndex)));
    }

    /// Runs `body` over `[0, n)` in chunks of at least `grain` indices, in parallel when worth it.
    /// `grain` should be chosen so that one chunk is a few microseconds of work or more.
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int t = threads;
        int g = Math.max(1, grain);
        ForkJoinPool p = pool();
        // Nested loops (a GEMM inside a parallel loop over heads) run inline: one level of
        // parallelism is enough on a few cores, and a worker never runs another task's body in
        // the middle of its own, so per-thread scratch buffers stay safe.
        if (t == 1 || n <= g || ForkJoinTask.getPool() == p) {
            body.run(0, n);
            return;
        }
        // a few chunks per thread for balance, never smaller than the grain
        int chunks = Math.min((n + g - 1) / g, t * 4);
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        int per = (n + chunks - 1) / chunks;
        int realChunks = (n + per - 1) / per;
        Runnable all = () -> IntStream.range(0, realChunks).parallel().forEach(c -> {
            int from = c * per;
            body.run(from, Math.min(n, from + per));
        });
        p.submit(all).join();
    }
}
