package dev.tinyseek.exercises;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/// The `main` of the short-lived process that runs a student's submission: it creates the
/// student's class and answers the grader's calls over standard input and output ([Wire]). It
/// decides nothing: it only runs what it is asked and sends back what the student's code
/// returned or threw. What the student's code prints goes to standard error (the grader keeps
/// the first lines of it); standard output carries only the protocol.
///
/// Its class path holds this class, [Wire], the exercise interfaces and the student's classes:
/// none of tinyseek's implementation and none of the checks.
///
/// Arguments: the student's class name, the exercise interface's name.
public final class SubmissionHost {

    private SubmissionHost() {
    }

    public static void main(String[] args) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
        PrintStream printed = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(printed);
        System.setErr(printed);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        out.writeByte(Wire.BOOTED);
        out.flush();

        // 1. load, initialise and construct the student's class (the grader times this phase)
        Object impl;
        Map<String, Method> methods = new HashMap<>();
        try {
            Class<?> api = Class.forName(args[1]);
            for (Method m : api.getMethods()) {
                methods.put(Wire.key(m), m);
            }
            Class<?> k = Class.forName(args[0], true, SubmissionHost.class.getClassLoader());
            Constructor<?> ctor = k.getDeclaredConstructor();
            ctor.setAccessible(true);
            impl = ctor.newInstance();
        } catch (Throwable e) {
            threw(out, e instanceof InvocationTargetException ite ? ite.getCause() : e);
            out.flush();
            System.exit(0);
            return;
        }
        out.writeByte(Wire.READY);
        out.flush();

        // 2. answer calls until the grader says end
        while (true) {
            byte kind;
            try {
                kind = in.readByte();
            } catch (EOFException e) {
                break;
            }
            if (kind == Wire.END) {
                break;
            }
            if (kind != Wire.CALL) {
                throw new IOException("unexpected frame " + kind);
            }
            Method m = methods.get(in.readUTF());
            if (m == null) {
                throw new IOException("unknown method");
            }
            int calls = Wire.length(in, Integer.MAX_VALUE);
            int arity = m.getParameterCount();
            Object[][] argLists = new Object[calls][arity];
            for (int c = 0; c < calls; c++) {
                for (int i = 0; i < arity; i++) {
                    argLists[c][i] = Wire.read(in, Integer.MAX_VALUE - 8);
                }
            }
            for (Object[] a : argLists) {
                Object result;
                try {
                    result = m.invoke(impl, a);
                } catch (Throwable e) {
                    threw(out, e instanceof InvocationTargetException ite ? ite.getCause() : e);
                    break;
                }
                out.writeByte(Wire.VALUE);
                Wire.write(out, result);
                for (Object x : a) {
                    if (x != null && x.getClass().isArray()) {
                        Wire.write(out, x);
                    }
                }
                out.flush(); // each answer as it comes: the grader knows which call a loop is in
            }
            out.flush();
        }
        out.flush();
        System.exit(0);
    }

    /// Sends what the submission threw: its type, message and first frames.
    private static void threw(DataOutputStream out, Throwable e) throws IOException {
        out.writeByte(Wire.THREW);
        out.writeUTF(e.getClass().getName());
        String message = e.getMessage();
        out.writeBoolean(message != null);
        if (message != null) {
            out.writeUTF(message.length() > 2000 ? message.substring(0, 2000) : message);
        }
        StackTraceElement[] frames = e.getStackTrace();
        int n = Math.min(frames.length, 32);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeUTF(frames[i].getClassName());
            out.writeUTF(frames[i].getMethodName());
            out.writeUTF(frames[i].getFileName() == null ? "" : frames[i].getFileName());
            out.writeInt(frames[i].getLineNumber());
        }
    }
}
