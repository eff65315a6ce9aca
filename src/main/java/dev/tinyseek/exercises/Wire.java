package dev.tinyseek.exercises;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/// The grader's framed protocol with the process that runs a submission ([SubmissionHost]):
/// tagged values over `DataOutputStream`/`DataInputStream`, nothing but the JDK's `java.base`, so
/// that this class and the host are the only grader code on the submission's class path.
///
/// Frames (one byte of kind, then the fields):
///
/// | kind | from | fields |
/// |---|---|---|
/// | `B` booted | host | (none): the host's `main` runs; no submission code has run yet |
/// | `R` ready | host | (none): the class is loaded, initialised and constructed |
/// | `C` call | grader | method key, count `n`, then `n` argument lists (each its values) |
/// | `V` value | host | the return value, then every array argument as it is after the call |
/// | `X` threw | host | type, message, frames (class, method, file, line) of what the submission threw |
/// | `E` end | grader | (none): the host exits |
///
/// A call frame with `n > 1` runs `n` calls in a row and is answered by one `V` per call, up to
/// the first `X`. Values: `null`, boxed primitives, primitive arrays, strings, and records (by
/// their components). Every length read is bounded, so a process that writes garbage cannot make
/// the grader allocate more than `maxLength` values at once.
public final class Wire {

    /// Frame kinds.
    public static final byte BOOTED = 'B', READY = 'R', CALL = 'C', VALUE = 'V', THREW = 'X', END = 'E';

    private static final byte NULL = 0, INT = 1, LONG = 2, FLOAT = 3, DOUBLE = 4, BOOLEAN = 5, STRING = 6,
            FLOATS = 7, DOUBLES = 8, INTS = 9, LONGS = 10, BOOLEANS = 11, RECORD = 12;

    /// What a record arrives as: its components in declaration order.
    public record Components(Object[] values) {
    }

    /// A frame that does not follow the protocol (garbage on the channel, a length over the bound).
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) {
            super(message);
        }
    }

    private Wire() {
    }

    /// The key that names `m` on both sides: its name and parameter types.
    public static String key(Method m) {
        return m.getName() + Arrays.toString(m.getParameterTypes());
    }

    public static void write(DataOutputStream out, Object v) throws IOException {
        switch (v) {
            case null -> out.writeByte(NULL);
            case Integer i -> {
                out.writeByte(INT);
                out.writeInt(i);
            }
            case Long l -> {
                out.writeByte(LONG);
                out.writeLong(l);
            }
            case Float f -> {
                out.writeByte(FLOAT);
                out.writeInt(Float.floatToRawIntBits(f));
            }
            case Double d -> {
                out.writeByte(DOUBLE);
                out.writeLong(Double.doubleToRawLongBits(d));
            }
            case Boolean b -> {
                out.writeByte(BOOLEAN);
                out.writeBoolean(b);
            }
            case String s -> {
                out.writeByte(STRING);
                out.writeUTF(s.length() > 2000 ? s.substring(0, 2000) : s);
            }
            case float[] a -> {
                out.writeByte(FLOATS);
                out.writeInt(a.length);
                for (float x : a) {
                    out.writeInt(Float.floatToRawIntBits(x));
                }
            }
            case double[] a -> {
                out.writeByte(DOUBLES);
                out.writeInt(a.length);
                for (double x : a) {
                    out.writeLong(Double.doubleToRawLongBits(x));
                }
            }
            case int[] a -> {
                out.writeByte(INTS);
                out.writeInt(a.length);
                for (int x : a) {
                    out.writeInt(x);
                }
            }
            case long[] a -> {
                out.writeByte(LONGS);
                out.writeInt(a.length);
                for (long x : a) {
                    out.writeLong(x);
                }
            }
            case boolean[] a -> {
                out.writeByte(BOOLEANS);
                out.writeInt(a.length);
                for (boolean x : a) {
                    out.writeBoolean(x);
                }
            }
            case Record r -> {
                RecordComponent[] cs = r.getClass().getRecordComponents();
                out.writeByte(RECORD);
                out.writeInt(cs.length);
                for (RecordComponent c : cs) {
                    Object x;
                    try {
                        x = c.getAccessor().invoke(r);
                    } catch (ReflectiveOperationException e) {
                        throw new IOException("cannot read component " + c.getName() + " of " + r.getClass().getName(), e);
                    }
                    if (x instanceof Record) {
                        throw new IOException("a record inside a record is not part of the protocol");
                    }
                    write(out, x);
                }
            }
            default -> throw new IOException("a " + v.getClass().getName() + " is not part of the protocol");
        }
    }

    /// Reads one value; arrays and records longer than `maxLength` are refused.
    public static Object read(DataInputStream in, int maxLength) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> Float.intBitsToFloat(in.readInt());
            case DOUBLE -> Double.longBitsToDouble(in.readLong());
            case BOOLEAN -> in.readBoolean();
            case STRING -> in.readUTF();
            case FLOATS -> {
                float[] a = new float[length(in, maxLength)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Float.intBitsToFloat(in.readInt());
                }
                yield a;
            }
            case DOUBLES -> {
                double[] a = new double[length(in, maxLength)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Double.longBitsToDouble(in.readLong());
                }
                yield a;
            }
            case INTS -> {
                int[] a = new int[length(in, maxLength)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readInt();
                }
                yield a;
            }
            case LONGS -> {
                long[] a = new long[length(in, maxLength)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readLong();
                }
                yield a;
            }
            case BOOLEANS -> {
                boolean[] a = new boolean[length(in, maxLength)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readBoolean();
                }
                yield a;
            }
            case RECORD -> {
                int n = length(in, 64);
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) {
                    values[i] = read(in, maxLength);
                    if (values[i] instanceof Components) {
                        throw new ProtocolException("a record inside a record");
                    }
                }
                yield new Components(values);
            }
            default -> throw new ProtocolException("unknown value tag " + tag);
        };
    }

    /// A length field, checked against `[0, max]`.
    public static int length(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new ProtocolException("a length of " + n + " (the grader accepts 0 to " + max + ")");
        }
        return n;
    }
}
