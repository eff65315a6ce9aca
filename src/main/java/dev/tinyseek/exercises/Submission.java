package dev.tinyseek.exercises;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/// The grader's side of a submission that runs in its own short-lived JVM ([SubmissionHost]),
/// inside the [Sandbox] when there is one. [#api] gives the checks an object of the exercise's
/// interface whose every call is sent to that process and whose answer (the return value, and
/// arrays changed in place) is copied back; the checks and the verdict stay in the grader.
///
/// Whatever the process does — exits, halts, loops, runs out of memory, prints a report of its
/// own, writes garbage where the answers go — the call that was running throws [Gone] (or the
/// grader stops the process at the phase's time limit), so the check fails. The process never
/// outlives [#close]: it and every process it started are killed.
public final class Submission implements AutoCloseable {

    /// The process ended, broke the protocol, or was stopped: nothing more can be asked of it.
    public static final class Gone extends RuntimeException {
        Gone(String message) {
            super(message);
        }
    }

    /// What the student's code threw, as it came back: `toString()` is the original's, and the
    /// stack trace is its first frames.
    public static final class Threw extends RuntimeException {
        private final String type;

        Threw(String type, String message, StackTraceElement[] frames) {
            super(message, null, false, true);
            this.type = type;
            setStackTrace(frames);
        }

        /// The class name of what was thrown (e.g. `java.lang.ArithmeticException`).
        public String type() {
            return type;
        }

        @Override
        public String toString() {
            return getMessage() == null ? type : type + ": " + getMessage();
        }
    }

    private final Process process;
    private final Path scratch;
    private final Limits limits;
    private final DataOutputStream toHost;
    private final DataInputStream fromHost;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final AtomicReference<String> stopped = new AtomicReference<>();
    private final Thread drain;
    private volatile long printedBytes;

    private Submission(Process process, Path scratch, Limits limits) {
        this.process = process;
        this.scratch = scratch;
        this.limits = limits;
        this.toHost = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.fromHost = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        this.drain = Thread.ofPlatform().daemon().name("grade-output").start(this::drainOutput);
    }

    /// Starts the process for class `className` (from `classes`, class name to bytes) implementing
    /// `api`; [#awaitReady] then waits until it has created an instance.
    public static Submission launch(String className, Class<?> api, Map<String, byte[]> classes, Sandbox sandbox, Limits limits)
            throws IOException {
        Path scratch = Files.createTempDirectory("tinyseek-grade");
        try {
            Path cp = Files.createDirectories(scratch.resolve("cp"));
            Path work = Files.createDirectories(scratch.resolve("work"));
            Path host = Files.createDirectories(cp.resolve("host")), student = Files.createDirectories(cp.resolve("student"));
            for (Class<?> k : ClassPath.hostClasses()) {
                ClassPath.copyClassFile(k, host);
            }
            for (var e : classes.entrySet()) {
                Path f = student.resolve(e.getKey().replace('.', '/') + ".class");
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
            }
            String in = sandbox.classPath(cp);
            List<String> command = new ArrayList<>(List.of(Sandbox.javaHome().resolve("bin/java").toString(),
                    "-Xmx" + limits.heapMb() + "m", "-Xms16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:-UsePerfData", "-XX:MaxDirectMemorySize=16m", "-XX:+DisableAttachMechanism",
                    "--limit-modules", "java.base", "--illegal-native-access=deny", "-Xshare:auto",
                    "-Djava.io.tmpdir=" + sandbox.scratch(work), "-Duser.home=" + sandbox.scratch(work),
                    "-cp", in + "/host" + java.io.File.pathSeparator + in + "/student",
                    SubmissionHost.class.getName(), className, api.getName()));
            ProcessBuilder pb = new ProcessBuilder(sandbox.wrap(command, cp, work)).directory(work.toFile());
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/bin:/bin");
            pb.environment().put("LANG", "C.UTF-8");
            return new Submission(pb.start(), scratch, limits);
        } catch (IOException | RuntimeException e) {
            Sandbox.deleteTree(scratch);
            throw e;
        }
    }

    /// Waits, within the limits, until the process has loaded, initialised and constructed the
    /// class. A class that cannot be created (it throws, exits, loops) throws [Threw] or [Gone]
    /// with what happened; the process is then stopped.
    public void awaitReady() {
        try {
            await(Wire.BOOTED, limits.bootMs(), "the JVM did not start within " + seconds(limits.bootMs())
                    + " (the machine is very busy?)");
            await(Wire.READY, limits.startMs(), "loading, initialising and constructing the class did not finish within "
                    + seconds(limits.startMs()) + " (an endless loop in a static initialiser or the constructor?)");
        } catch (RuntimeException e) {
            stop(e.getMessage() == null ? "could not be created" : e.getMessage());
            throw e;
        }
    }

    /// Waits for the frame `kind` at most `ms`; stops the process otherwise.
    private void await(byte kind, long ms, String onTimeout) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().daemon().name("grade-start").start(() -> {
            try {
                byte got = fromHost.readByte();
                if (got == Wire.THREW) {
                    failure.set(readThrew());
                } else if (got != kind) {
                    failure.set(new Gone("the process broke the protocol (frame " + got + " where " + (char) kind + " was due)"));
                }
            } catch (IOException e) {
                failure.set(gone(e));
            }
        });
        try {
            t.join(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            stop(onTimeout);
            joinQuietly(t, 5_000);
            throw new Gone(onTimeout);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /// An object of `api` whose calls run in the submission's process.
    public <S> S api(Class<S> api) {
        return api.cast(Proxy.newProxyInstance(Submission.class.getClassLoader(), new Class<?>[] {api}, new Remote(this, api)));
    }

    /// The proxy's handler: every call of the interface is one exchange with the process.
    private record Remote(Submission submission, Class<?> api) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method m, Object[] args) {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "toString" -> "submission(" + api.getSimpleName() + ")";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                };
            }
            List<Object> result = new ArrayList<>(1);
            submission.call(m, List.<Object[]>of(args == null ? new Object[0] : args), i -> { }, result);
            return result.getFirst();
        }
    }

    /// How many calls one exchange of [#many] sends at most.
    static final int BATCH = 4096;

    /// Calls `m` on `impl` once for each of `argLists`, in order, up to the first that throws;
    /// `cases.get(i)` is marked as the current case ([Cases#at]) while call `i` runs. When `impl`
    /// is a submission's process, the calls go in a few exchanges of up to [#BATCH] calls (a call
    /// per exchange would cost a round trip each: 400,000 calls took 35 s that way) and a call
    /// that loops is still named. The answer: the results so far, and what call `results.size()` threw.
    public static Many many(Object impl, Method m, List<Object[]> argLists, List<?> cases) {
        List<Object> results = new ArrayList<>(argLists.size());
        if (Proxy.isProxyClass(impl.getClass()) && Proxy.getInvocationHandler(impl) instanceof Remote r) {
            for (int from = 0; from < argLists.size(); from += BATCH) {
                int base = from;
                try {
                    r.submission().call(m, argLists.subList(from, Math.min(argLists.size(), from + BATCH)),
                            i -> Cases.at(-1, cases.get(base + i)), results);
                } catch (Threw | Gone e) {
                    return new Many(results, e);
                }
            }
            return new Many(results, null);
        }
        for (int i = 0; i < argLists.size(); i++) {
            Cases.at(-1, cases.get(i));
            try {
                results.add(m.invoke(impl, argLists.get(i)));
            } catch (java.lang.reflect.InvocationTargetException e) {
                return new Many(results, e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Many(results, null);
    }

    /// What [#many] gives: the results of the calls that returned, and what the next one threw (or null).
    public record Many(List<Object> results, Throwable thrown) {
    }

    /// Runs `m` once for each argument list, in one exchange, and adds the results to `results`
    /// in order; `before.accept(i)` runs before answer `i` is awaited. Arrays among the arguments
    /// come back as the call left them.
    synchronized void call(Method m, List<Object[]> argLists, java.util.function.IntConsumer before, List<Object> results) {
        if (stopped.get() != null) {
            throw new Gone(stopped.get());
        }
        try {
            toHost.writeByte(Wire.CALL);
            toHost.writeUTF(Wire.key(m));
            toHost.writeInt(argLists.size());
            for (Object[] a : argLists) {
                for (Object x : a) {
                    Wire.write(toHost, x);
                }
            }
            toHost.flush();
            for (int i = 0; i < argLists.size(); i++) {
                before.accept(i);
                Object[] a = argLists.get(i);
                byte kind = fromHost.readByte();
                if (kind == Wire.THREW) {
                    throw readThrew();
                }
                if (kind != Wire.VALUE) {
                    throw new Wire.ProtocolException("frame " + kind + " where an answer was due");
                }
                results.add(value(m.getReturnType(), Wire.read(fromHost, limits.maxLength())));
                for (Object x : a) {
                    if (x != null && x.getClass().isArray()) {
                        Object back = Wire.read(fromHost, limits.maxLength());
                        if (back == null || back.getClass() != x.getClass()
                                || java.lang.reflect.Array.getLength(back) != java.lang.reflect.Array.getLength(x)) {
                            throw new Wire.ProtocolException("an argument array came back changed in type or length");
                        }
                        System.arraycopy(back, 0, x, 0, java.lang.reflect.Array.getLength(x));
                    }
                }
            }
        } catch (IOException e) {
            throw gone(e);
        }
    }

    /// Converts what came over the wire to `type` (records from their components), or fails.
    private static Object value(Class<?> type, Object v) throws IOException {
        if (type == void.class) {
            return null;
        }
        if (v instanceof Wire.Components c) {
            if (!type.isRecord()) {
                throw new Wire.ProtocolException("a record where a " + type.getSimpleName() + " was due");
            }
            RecordComponent[] rc = type.getRecordComponents();
            Class<?>[] types = new Class<?>[rc.length];
            for (int i = 0; i < rc.length; i++) {
                types[i] = rc[i].getType();
            }
            if (c.values().length != rc.length) {
                throw new Wire.ProtocolException("a record of " + c.values().length + " components where " + rc.length + " were due");
            }
            for (int i = 0; i < rc.length; i++) {
                check(types[i], c.values()[i]);
            }
            try {
                Constructor<?> k = type.getDeclaredConstructor(types);
                k.setAccessible(true);
                return k.newInstance(c.values());
            } catch (ReflectiveOperationException e) {
                throw new Wire.ProtocolException("cannot rebuild a " + type.getSimpleName() + ": " + e);
            }
        }
        check(type, v);
        return v;
    }

    private static void check(Class<?> type, Object v) throws IOException {
        Class<?> boxed = type.isPrimitive() ? java.lang.invoke.MethodType.methodType(type).wrap().returnType() : type;
        if (v == null ? type.isPrimitive() : !boxed.isInstance(v)) {
            throw new Wire.ProtocolException((v == null ? "null" : "a " + v.getClass().getSimpleName()) + " where a "
                    + type.getSimpleName() + " was due");
        }
    }

    private Threw readThrew() throws IOException {
        String type = fromHost.readUTF();
        String message = fromHost.readBoolean() ? fromHost.readUTF() : null;
        int n = Wire.length(fromHost, 64);
        StackTraceElement[] frames = new StackTraceElement[n];
        for (int i = 0; i < n; i++) {
            String cls = fromHost.readUTF(), method = fromHost.readUTF(), file = fromHost.readUTF();
            frames[i] = new StackTraceElement(oneLine(cls, 200), oneLine(method, 200), file.isEmpty() ? null : oneLine(file, 200),
                    fromHost.readInt());
        }
        return new Threw(oneLine(type, 200), message == null ? null : oneLine(message, 300), frames);
    }

    /// `Gone` with what became of the process: its exit code, or why the grader stopped it.
    private Gone gone(IOException e) {
        if (stopped.get() != null) {
            return new Gone(stopped.get());
        }
        String why;
        if (e instanceof Wire.ProtocolException || !(e instanceof EOFException) && process.isAlive()) {
            why = "its process broke the grader's protocol (" + oneLine(String.valueOf(e.getMessage()), 200)
                    + "): did your code write to the raw standard output (FileDescriptor.out)?";
        } else {
            why = ended();
        }
        stop(why);
        return new Gone(why);
    }

    /// Why the process ended on its own, as the report says it.
    private String ended() {
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                return "its process stopped answering";
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        int code = process.exitValue();
        String out = printedText();
        if (out.contains("java.lang.OutOfMemoryError") || code == 3 && out.contains("OutOfMemory")) {
            return "its process ran out of memory (OutOfMemoryError; the heap limit is " + limits.heapMb() + " MB) and ended (exit code "
                    + code + ")";
        }
        return "its process ended (exit code " + code + ") while this ran: System.exit or Runtime.halt in your code? "
                + "(a crash of the JVM ends it too)";
    }

    /// Whether the process can still answer calls.
    public boolean alive() {
        return stopped.get() == null && process.isAlive();
    }

    /// Stops the process (and every process it started) now, with `why` as the message of what follows.
    public void stop(String why) {
        stopped.compareAndSet(null, why);
        killAll();
    }

    private void killAll() {
        List<ProcessHandle> kids = process.descendants().toList();
        process.destroyForcibly();
        for (ProcessHandle k : kids) {
            k.destroyForcibly();
        }
    }

    /// Asks the process to end and waits for it within the end limit (its shutdown hooks run
    /// in that time). Returns null when it ended by itself with exit code 0, else what went wrong.
    public String end() {
        if (stopped.get() != null) {
            return null; // the failure was already reported by the check that was running
        }
        try {
            toHost.writeByte(Wire.END);
            toHost.flush();
            toHost.close();
        } catch (IOException e) {
            // it ended already: its exit code says how
        }
        try {
            if (!process.waitFor(limits.endMs(), TimeUnit.MILLISECONDS)) {
                stop("stopped");
                return "it did not end within " + seconds(limits.endMs()) + " when asked (an endless loop in a shutdown hook, "
                        + "or a thread that keeps running?)";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop("interrupted");
            return "interrupted";
        }
        int code = process.exitValue();
        stopped.compareAndSet(null, "ended");
        return code == 0 ? null : "it ended with exit code " + code + " (System.exit or Runtime.halt in a shutdown hook?)";
    }

    /// Reads what the process prints (its standard error; the host sends `System.out` there too),
    /// keeps the first 8 KB, and stops the process beyond the output limit.
    private void drainOutput() {
        byte[] buf = new byte[8192];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(buf)) > 0) {
                synchronized (printed) {
                    if (printed.size() < 8192) {
                        printed.write(buf, 0, Math.min(n, 8192 - printed.size()));
                    }
                }
                printedBytes += n;
                if (printedBytes > limits.outputBytes()) {
                    stop("it printed more than " + limits.outputBytes() / 1024 + " KB (the limit); the grader stopped it");
                    return;
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /// What the process printed (the first 8 KB), as text.
    public String printedText() {
        if (stopped.get() != null) {
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        joinQuietly(drain, process.isAlive() ? 0 : 1_000);
        synchronized (printed) {
            return printed.toString(StandardCharsets.UTF_8);
        }
    }

    /// How many bytes the process printed in all.
    public long printedBytes() {
        return printedBytes;
    }

    @Override
    public void close() {
        if (process.isAlive() || process.descendants().findAny().isPresent()) {
            killAll();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        joinQuietly(drain, 1_000);
        Sandbox.deleteTree(scratch);
    }

    static void joinQuietly(Thread t, long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            t.join(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%s s", ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0));
    }

    /// `s` on one line of at most `max` characters, control characters shown as `?`: what the
    /// submission sends can never add lines to the report.
    static String oneLine(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR ? ' ' : c);
        }
        return s.length() > max ? b + "..." : b.toString();
    }
}
