package dev.tinyseek.io;

import java.util.Arrays;

/// One entry of a safetensors header: a tensor's name, element type, shape, and where its
/// bytes lie, as `[begin, end)` offsets counted from the first byte after the header.
///
/// @param shape dimensions, outermost first; `[]` is a scalar (one element)
public record TensorInfo(String name, Dtype dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /// Number of elements: the product of the shape (1 for a scalar).
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /// The shape as `int[]`, as the rest of the project uses it.
    ///
    /// @throws IllegalArgumentException if a dimension does not fit an `int`
    public int[] intShape() {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor " + name + ": dimension " + i + " = " + shape[i]
                        + " does not fit an int");
            }
            out[i] = (int) shape[i];
        }
        return out;
    }

    public long byteCount() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype
                && Arrays.equals(t.shape, shape) && t.begin == begin && t.end == end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
