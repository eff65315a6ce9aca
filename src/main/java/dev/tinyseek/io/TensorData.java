package dev.tinyseek.io;

import java.util.Arrays;

/// A tensor to write or one that was read: a shape and its row-major values.
///
/// The array is not copied. That `data.length` equals the product of `shape` is checked by
/// [Safetensors#write], where the tensor's name is known for the message.
///
/// @param shape dimensions, outermost first, e.g. `[out, in]` for a weight
/// @param data  `[prod(shape)]` values, row-major
public record TensorData(int[] shape, float[] data) {

    public TensorData {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("TensorData needs a shape and a data array, got shape "
                    + Arrays.toString(shape) + " and " + (data == null ? "no data" : data.length + " values"));
        }
        shape = shape.clone();
    }

    /// `TensorData.of(values, rows, cols)`.
    public static TensorData of(float[] data, int... shape) {
        return new TensorData(shape, data);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && Arrays.equals(t.shape, shape) && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
