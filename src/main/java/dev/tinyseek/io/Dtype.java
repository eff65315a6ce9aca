package dev.tinyseek.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/// The element types a safetensors header may name, with their sizes in bytes.
///
/// All of them are recognised so that a file's byte layout can be checked; [SafetensorsFile]
/// converts only the floating ones (F64, F32, BF16, F16, F8_E4M3) to `float`, and
/// [Safetensors] writes F32 and BF16.
public enum Dtype {
    F64(8), F32(4), BF16(2), F16(2), F8_E4M3(1), F8_E5M2(1),
    I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1);

    /// Bytes per element.
    public final int bytes;

    Dtype(int bytes) {
        this.bytes = bytes;
    }

    /// The dtype with this safetensors name, or `null` when there is none.
    public static Dtype byName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /// All names, for error messages.
    public static String allNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
