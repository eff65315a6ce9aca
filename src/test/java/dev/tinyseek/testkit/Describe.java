package dev.tinyseek.testkit;

import java.lang.reflect.RecordComponent;
import java.util.StringJoiner;

/// Prints a test case readably: records field by field, arrays as `float[12]{0.5, -1.25, ...}`
/// (the first [#SHOWN] elements), everything else with `toString`.
public final class Describe {

    /// How many elements of an array to print.
    public static final int SHOWN = 8;

    private Describe() {
    }

    public static String of(Object o) {
        if (o == null) {
            return "null";
        }
        if (o.getClass().isArray()) {
            return array(o);
        }
        if (o instanceof Record r) {
            StringJoiner j = new StringJoiner(", ", r.getClass().getSimpleName() + "[", "]");
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    c.getAccessor().setAccessible(true);
                    j.add(c.getName() + "=" + of(c.getAccessor().invoke(r)));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    j.add(c.getName() + "=?");
                }
            }
            return j.toString();
        }
        return String.valueOf(o);
    }

    private static String array(Object a) {
        int n = java.lang.reflect.Array.getLength(a);
        StringJoiner j = new StringJoiner(", ", a.getClass().getComponentType().getSimpleName() + "[" + n + "]{", "}");
        for (int i = 0; i < Math.min(n, SHOWN); i++) {
            j.add(of(java.lang.reflect.Array.get(a, i)));
        }
        if (n > SHOWN) {
            j.add("...");
        }
        return j.toString();
    }
}
