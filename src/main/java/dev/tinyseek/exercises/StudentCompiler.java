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
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/// Compiles students' `.java` files in memory with the JDK's own compiler (`javax.tools`): no
/// build tool, nothing written to disk. The class path is where tinyseek's own classes came
/// from (the running `tinyseek.jar`, or `target/classes` under the tests) plus the JVM's class
/// path, so a student file can use every tinyseek class. Several files compile in one task (one
/// compiler start-up, about a second, for all of them).
public final class StudentCompiler {

    /// A source file: its name (`MySoftmax.java`; a public class must match it) and its text.
    public record Source(String fileName, String code) {
    }

    /// The result: the compiled classes, loadable through `loader`, or the compiler's errors.
    public record Compiled(ClassLoader loader, List<String> classNames, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /// Loads every compiled class (nested ones included).
        public List<Class<?>> classes() throws ClassNotFoundException {
            List<Class<?>> cs = new ArrayList<>();
            for (String n : classNames) {
                cs.add(Class.forName(n, false, loader));
            }
            return cs;
        }
    }

    private StudentCompiler() {
    }

    /// The class path a student file is compiled against.
    public static String classPath() {
        List<String> parts = new ArrayList<>();
        try {
            var src = StudentCompiler.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                parts.add(Path.of(src.getLocation().toURI()).toString());
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException ignored) {
            // fall back to the JVM's class path alone
        }
        parts.add(System.getProperty("java.class.path", ""));
        return String.join(File.pathSeparator, parts);
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
        List<String> options = List.of("-classpath", classPath(), "-proc:none", "-Xlint:none", "-encoding", "UTF-8");
        boolean ok = javac.getTask(null, memory, diagnostics, options, null, units).call();
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
        ClassLoader loader = new ClassLoader(StudentCompiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = bytes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        return new Compiled(loader, List.copyOf(bytes.keySet()), errors);
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
