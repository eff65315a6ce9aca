package dev.tinyseek.tensor;

import java.util.Arrays;

/// Shape checks for the flat arrays of the math core. A wrong shape throws an
/// `IllegalArgumentException` that names the operation, the array, the shape it should have
/// and the length it has.
public final class Shapes {

    private Shapes() {
    }

    /// Checks that `x` holds exactly the product of `dims` floats.
    public static void check(String op, String name, float[] x, int... dims) {
        long need = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + Arrays.toString(dims) + " of " + name);
            }
            need *= d;
        }
        if (x == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null, expected shape " + Arrays.toString(dims));
        }
        if (x.length != need) {
            throw new IllegalArgumentException(op + ": " + name + " has " + x.length + " floats but shape "
                    + Arrays.toString(dims) + " needs " + need);
        }
    }

    /// Same for an `int[]` (token ids, targets).
    public static void check(String op, String name, int[] x, int n) {
        if (x == null || x.length != n) {
            throw new IllegalArgumentException(op + ": " + name + " has " + (x == null ? "null" : x.length + " ints")
                    + " but needs " + n);
        }
    }
}
