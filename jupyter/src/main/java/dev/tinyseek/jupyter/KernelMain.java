package dev.tinyseek.jupyter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/// Starts the kernel as Jupyter does, from a kernelspec's `argv`:
///
///     java --add-modules jdk.incubator.vector -cp tinyseek.jar:KERNEL_JARS dev.tinyseek.jupyter.KernelMain \
///          [--class-path JAR]... [--startup SCRIPT.jsh]... CONNECTION_FILE
///
/// `--class-path` gives JShell's compiler a jar (tinyseek's), `--startup` runs a script before the
/// first cell (JShell's default imports always come first). The connection file is the one
/// Jupyter writes (ports and key). The kernel runs until Jupyter asks it to shut down.
public final class KernelMain {

    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> classpath = new ArrayList<>();
        List<Path> startup = new ArrayList<>();
        Path connection = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--class-path" -> classpath.add(Path.of(value(args, ++i, "--class-path")));
                case "--startup" -> startup.add(Path.of(value(args, ++i, "--startup")));
                default -> {
                    if (args[i].startsWith("-") || connection != null) {
                        usage("unexpected argument '" + args[i] + "'");
                    }
                    connection = Path.of(args[i]);
                }
            }
        }
        if (connection == null) {
            usage("no connection file");
        }
        JShellKernel kernel = new JShellKernel(classpath);
        kernel.runScript(JShellKernel.DEFAULT_IMPORTS);
        for (Path script : startup) {
            try {
                kernel.runScript(Files.readString(script));
            } catch (RuntimeException e) {
                System.err.println("tinyseek kernel: start-up script " + script + " failed: " + e.getMessage());
            }
        }
        JupyterConnection conn = new JupyterConnection(KernelConnectionProperties.parse(Files.readString(connection)));
        kernel.becomeHandlerForConnection(conn);
        conn.connect();
        kernel.onStartup();
        conn.waitUntilClose();
        System.exit(0); // JShell's and ZeroMQ's threads would keep the JVM up
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("tinyseek kernel: " + problem + ". Usage: KernelMain [--class-path JAR]... [--startup SCRIPT.jsh]... "
                + "CONNECTION_FILE (Jupyter passes the connection file; install the kernel with ./tinyseek jupyter --install)");
        System.exit(2);
    }
}
