package dev.tinyseek.exercises;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.reflect.AccessFlag;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/// Compiles students' `.java` files in memory with the JDK's own compiler (`javax.tools`): no
/// build tool, and nothing of the student's is loaded into the grader. The class path holds only
/// the exercise interfaces ([ClassPath]) and the modules only `java.base`, so a file that uses
/// tinyseek's own classes (its `Softmax`, the checks, the grader) or the JDK's internals
/// (`sun.misc.Unsafe`) does not compile. Several files compile in one task (one compiler
/// start-up, about a second, for all of them).
public final class StudentCompiler {

    /// A source file: its name (`MySoftmax.java`; a public class must match it) and its text.
    public record Source(String fileName, String code) {
    }

    /// The result: the class files by class name (nested ones included), or the compiler's errors.
    public record Compiled(Map<String, byte[]> classes, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }

        public List<String> classNames() {
            return List.copyOf(classes.keySet());
        }

        /// The concrete classes that implement `api`, directly or through a superclass or an
        /// interface of their own, read from the class files (nothing is loaded).
        public List<String> implementing(Class<?> api) {
            List<String> found = new ArrayList<>();
            for (String n : classes.keySet()) {
                ClassModel m = model(n);
                boolean concrete = !m.flags().has(AccessFlag.INTERFACE) && !m.flags().has(AccessFlag.ABSTRACT);
                if (concrete && reaches(n, api.getName(), new java.util.HashSet<>())) {
                    found.add(n);
                }
            }
            return found;
        }

        private boolean reaches(String name, String target, java.util.Set<String> seen) {
            if (name.equals(target)) {
                return true;
            }
            if (!classes.containsKey(name) || !seen.add(name)) {
                return false;
            }
            ClassModel m = model(name);
            List<String> up = new ArrayList<>();
            m.superclass().ifPresent(c -> up.add(c.asInternalName().replace('/', '.')));
            m.interfaces().forEach(c -> up.add(c.asInternalName().replace('/', '.')));
            return up.stream().anyMatch(u -> reaches(u, target, seen));
        }

        private ClassModel model(String name) {
            return ClassFile.of().parse(classes.get(name));
        }

        /// Only the class files of `names` (and their nested classes).
        public Compiled only(java.util.Collection<String> names) {
            Map<String, byte[]> kept = new LinkedHashMap<>();
            classes.forEach((k, v) -> {
                if (names.stream().anyMatch(n -> k.equals(n) || k.startsWith(n + "$"))) {
                    kept.put(k, v);
                }
            });
            return new Compiled(kept, errors);
        }
    }

    private StudentCompiler() {
    }

    /// Compiles `sources` together. Errors are "File.java:LINE:COLUMN: message" with the source line.
    public static Compiled compile(List<Source> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this JVM (a JRE, not a JDK); run tinyseek with a JDK 25 (javac included)");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
        Map<String, ByteArrayOutputStream> classes = new LinkedHashMap<>();
        JavaFileManager memory = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        classes.put(className, b);
                        return b;
                    }
                };
            }
        };
        List<JavaFileObject> units = new ArrayList<>();
        for (Source s : sources) {
            units.add(new SimpleJavaFileObject(URI.create("string:///" + s.fileName()), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return s.code();
                }
            });
        }
        Path cp;
        try {
            cp = Files.createTempDirectory("tinyseek-interfaces");
            for (Class<?> k : ClassPath.interfaces()) {
                ClassPath.copyClassFile(k, cp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the exercise interfaces to a temporary directory: " + e.getMessage(), e);
        }
        List<String> options = List.of("-classpath", cp.toString(), "--limit-modules", "java.base", "-proc:none", "-Xlint:none",
                "-encoding", "UTF-8", "-implicit:none");
        boolean ok;
        try {
            ok = javac.getTask(null, memory, diagnostics, options, null, units).call();
        } finally {
            Sandbox.deleteTree(cp);
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(describe(d, sources));
            }
        }
        if (!ok && errors.isEmpty()) {
            errors.add("the compiler failed without a message");
        }
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        classes.forEach((k, v) -> bytes.put(k, v.toByteArray()));
        return new Compiled(bytes, errors);
    }

    private static String describe(Diagnostic<? extends JavaFileObject> d, List<Source> sources) {
        String file = d.getSource() == null ? "?" : Path.of(d.getSource().toUri().getPath()).getFileName().toString();
        StringBuilder s = new StringBuilder(file + ":" + d.getLineNumber() + ":" + d.getColumnNumber() + ": error: "
                + d.getMessage(Locale.ROOT));
        for (Source src : sources) {
            if (src.fileName().equals(file) && d.getLineNumber() > 0) {
                String[] lines = src.code().split("\n", -1);
                if (d.getLineNumber() <= lines.length) {
                    String line = lines[(int) d.getLineNumber() - 1];
                    s.append("\n    ").append(line.stripTrailing());
                    if (d.getColumnNumber() > 0) {
                        s.append("\n    ").append(" ".repeat((int) Math.min(d.getColumnNumber() - 1, line.length()))).append('^');
                    }
                }
            }
        }
        return s.toString();
    }
}
