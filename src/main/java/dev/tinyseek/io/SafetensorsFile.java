package dev.tinyseek.io;

import dev.tinyseek.fp8.Bf16;
import dev.tinyseek.fp8.Fp16;
import dev.tinyseek.fp8.Fp8Format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/// A safetensors file opened for reading: the header checked in full, the data memory-mapped.
///
/// The format (as written by Hugging Face's `safetensors`):
///
/// ```
/// bytes 0..7     N, the header length, unsigned 64-bit little-endian
/// bytes 8..8+N   a JSON object, UTF-8, maybe padded with spaces:
///                {"__metadata__": {"k": "v", ...},                       (optional, strings only)
///                 "<name>": {"dtype": "BF16", "shape": [out, in], "data_offsets": [begin, end]}, ...}
/// bytes 8+N..    the data: each tensor's elements, row-major, little-endian, at [begin, end)
///                counted from byte 8+N
/// ```
///
/// [#open] checks everything before any tensor is read: the header length against the file
/// size and a 100 MB cap (so a bogus length gives an error, not an `OutOfMemoryError`), the JSON,
/// each dtype, shape and offset pair, that the byte count equals elements × dtype size, and that
/// the tensors tile the data section exactly (no gap, no overlap, nothing after the last one), as
/// the reference reader does. Every problem is a [CheckpointException] naming the file and
/// the tensor. The whole file is mapped with `FileChannel.map` into an [Arena] that
/// [#close] releases, so tensors are copied straight from the page cache, one at a time.
///
/// F8_E4M3 weights of the released DeepSeek-V3 checkpoint come with a float32 companion
/// `<name>_scale_inv` (e.g. `...q_a_proj.weight_scale_inv`) holding one scale per 128×128 block;
/// [#readWeight] multiplies them in (DeepSeek-V3 `weight_dequant`: `W[i][j] · S[i/128][j/128]`).
///
/// Left out on purpose: sharded checkpoints (`model.safetensors.index.json`), reading integer
/// dtypes as numbers, and files that change while they are open.
public final class SafetensorsFile implements AutoCloseable {

    /// Largest header accepted, in bytes (the reference reader's limit is also 100 MB).
    public static final long MAX_HEADER_BYTES = 100L << 20;
    /// Side of the square blocks that FP8 weights are scaled by.
    public static final int SCALE_BLOCK = 128;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final Arena arena;
    private final MemorySegment segment; // the whole file
    private final long dataStart;        // 8 + N
    private final Map<String, TensorInfo> tensors; // by name, sorted
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, Arena arena, MemorySegment segment, long dataStart,
                            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.arena = arena;
        this.segment = segment;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /// Opens and checks `file`; see the class comment for what is checked.
    ///
    /// @throws CheckpointException if the file is missing, unreadable or malformed
    public static SafetensorsFile open(Path file) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            } catch (NoSuchFileException e) {
                throw new CheckpointException(file, null, "file not found");
            } catch (IOException | UnsupportedOperationException e) {
                throw new CheckpointException(file, null, "cannot read: " + e, e);
            }
            SafetensorsFile f = parse(file, arena, seg);
            arena = null; // now owned by f
            return f;
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    private static SafetensorsFile parse(Path file, Arena arena, MemorySegment seg) {
        long size = seg.byteSize();
        // 1. the header length
        if (size < 8) {
            throw new CheckpointException(file, null, "truncated: the file has " + size
                    + " bytes, but a safetensors file starts with an 8-byte header length");
        }
        long n = seg.get(I64, 0);
        if (Long.compareUnsigned(n, MAX_HEADER_BYTES) > 0) {
            throw new CheckpointException(file, null, "header length " + Long.toUnsignedString(n)
                    + " (bytes 0-7, little-endian) is above the limit of " + MAX_HEADER_BYTES
                    + " bytes: not a safetensors file, or a corrupted one");
        }
        if (8 + n > size) {
            throw new CheckpointException(file, null, "header length " + n + " runs past the end of the file ("
                    + size + " bytes, so at most " + (size - 8) + "): truncated or not a safetensors file");
        }
        // 2. the header JSON
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(seg.asSlice(8, n).asByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, null, "header is not valid UTF-8 text: " + e.getMessage());
        }
        Object json;
        try {
            json = Json.parse(text);
        } catch (JsonException e) {
            throw new CheckpointException(file, null, "header is not valid JSON: " + e.getMessage());
        }
        if (!(json instanceof Map<?, ?> top)) {
            throw new CheckpointException(file, null, "header must be a JSON object, got " + JsonObject.describe(json));
        }
        // 3. each entry
        Map<String, TensorInfo> tensors = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                metadata = parseMetadata(file, e.getValue());
            } else {
                tensors.put(name, parseInfo(file, name, e.getValue()));
            }
        }
        // 4. the tensors must tile the data section exactly
        long dataLen = size - 8 - n;
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.end() > dataLen) {
                throw new CheckpointException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + "] run past the end of the data section (" + dataLen + " bytes): truncated file?");
            }
            if (t.begin() < expected) {
                throw new CheckpointException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + "] overlap tensor " + Json.quote(previous.name()) + " at [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (t.begin() > expected) {
                throw new CheckpointException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + "] leave bytes [" + expected + ", " + t.begin() + ") of the data section unused;"
                        + " tensors must be contiguous");
            }
            expected = t.end();
            previous = t;
        }
        if (expected != dataLen) {
            throw new CheckpointException(file, null, "the data section has " + dataLen + " bytes, but the tensors"
                    + " end at byte " + expected + "; " + (dataLen - expected) + " trailing bytes belong to no tensor");
        }
        return new SafetensorsFile(file, arena, seg, 8 + n,
                Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static Map<String, String> parseMetadata(Path file, Object v) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new CheckpointException(file, null, "\"__metadata__\" must be an object of strings, got "
                    + JsonObject.describe(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new CheckpointException(file, null, "\"__metadata__\" value of " + Json.quote((String) e.getKey())
                        + " must be a string, got " + JsonObject.describe(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static TensorInfo parseInfo(Path file, String name, Object v) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new CheckpointException(file, name, "header entry must be an object with dtype, shape and"
                    + " data_offsets, got " + JsonObject.describe(v));
        }
        // dtype
        Object d = m.get("dtype");
        if (!(d instanceof String ds)) {
            throw new CheckpointException(file, name, "\"dtype\" must be a string, got " + JsonObject.describe(d));
        }
        Dtype dtype = Dtype.byName(ds);
        if (dtype == null) {
            throw new CheckpointException(file, name, "unknown dtype " + Json.quote(ds) + "; known: " + Dtype.allNames());
        }
        // shape
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw new CheckpointException(file, name, "\"shape\" must be an array of dimensions, got "
                    + JsonObject.describe(m.get("shape")));
        }
        long[] shape = new long[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long dim) || dim < 0) {
                throw new CheckpointException(file, name, "shape " + Json.write(shapeList, false)
                        + ": dimension " + i + " must be an integer >= 0");
            }
            shape[i] = dim;
            try {
                numel = Math.multiplyExact(numel, dim);
            } catch (ArithmeticException e) {
                throw new CheckpointException(file, name, "shape " + Json.write(shapeList, false)
                        + " has more than 2^63 elements");
            }
        }
        // offsets
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2
                || !(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end)) {
            throw new CheckpointException(file, name, "\"data_offsets\" must be [begin, end], two integers, got "
                    + JsonObject.describe(m.get("data_offsets")));
        }
        if (begin < 0 || end < begin) {
            throw new CheckpointException(file, name, "data_offsets [" + begin + ", " + end
                    + "] must satisfy 0 <= begin <= end");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, dtype.bytes);
        } catch (ArithmeticException e) {
            bytes = -1;
        }
        if (bytes != end - begin) {
            throw new CheckpointException(file, name, "dtype " + dtype + " with shape " + Arrays.toString(shape)
                    + " needs " + (bytes < 0 ? "more than 2^63" : bytes) + " bytes, but data_offsets ["
                    + begin + ", " + end + "] hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    // ------------------------------------------------------------------------------------

    public Path file() {
        return file;
    }

    /// Tensor names, sorted.
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /// The header entry of `name`.
    ///
    /// @throws CheckpointException naming the missing tensor and a few that exist
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            List<String> some = names().subList(0, Math.min(5, tensors.size()));
            throw new CheckpointException(file, name, "not in this file (it has " + tensors.size() + " tensors"
                    + (some.isEmpty() ? "" : ", e.g. " + String.join(", ", some)) + ")");
        }
        return t;
    }

    /// All header entries, sorted by name.
    public List<TensorInfo> infos() {
        return List.copyOf(tensors.values());
    }

    /// The `__metadata__` strings (empty when the header has none).
    public Map<String, String> metadata() {
        return metadata;
    }

    /// The tensor's elements converted to float: F32 exactly, F64 rounded, BF16, F16 and
    /// F8_E4M3 widened exactly. F8 values come back *unscaled*; use [#readWeight] for the
    /// dequantised weight.
    ///
    /// @return `[prod(shape)]` row-major values
    /// @throws CheckpointException for a missing tensor, a non-float dtype, or more than
    ///         2^31 - 9 elements (the largest Java array)
    public float[] readFloats(String name) {
        TensorInfo t = info(name);
        int n = arrayLength(t);
        long off = dataStart + t.begin();
        float[] out = new float[n];
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(segment, F32, off, out, 0, n);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) segment.get(F64, off + 8L * i);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Bf16.decode(segment.get(I16, off + 2L * i));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Fp16.decode(segment.get(I16, off + 2L * i));
                }
            }
            case F8_E4M3 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Fp8Format.E4M3FN.decode(segment.get(ValueLayout.JAVA_BYTE, off + i));
                }
            }
            default -> throw new CheckpointException(file, name, "dtype " + t.dtype()
                    + " cannot be read as floats; readable: F32, F64, BF16, F16, F8_E4M3");
        }
        return out;
    }

    /// The tensor's raw little-endian bytes (for F8: the codes), `[byteCount]`.
    public byte[] readBytes(String name) {
        TensorInfo t = info(name);
        if (t.byteCount() > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file, name, t.byteCount() + " bytes do not fit one Java array");
        }
        return segment.asSlice(dataStart + t.begin(), t.byteCount()).toArray(ValueLayout.JAVA_BYTE);
    }

    /// The tensor with its shape, as [#readFloats] converts it.
    public TensorData read(String name) {
        TensorInfo t = info(name);
        return new TensorData(intShape(t), readFloats(name));
    }

    /// A weight as float values, dequantised when it is stored in FP8 with block scales.
    ///
    /// When a companion `<name>_scale_inv` exists (`name` ending in `.weight`), the weight must
    /// be a 2-D F8_E4M3 tensor `[rows, cols]` and the companion a float tensor
    /// `[ceil(rows/128), ceil(cols/128)]`; element `(i, j)` becomes
    /// `e4m3(W[i][j]) · S[i/128][j/128]` (edge blocks are partial, as in the released
    /// checkpoint). Without a companion this is [#readFloats].
    ///
    /// @return `[rows * cols]` row-major values (or `[prod(shape)]` when unscaled)
    public float[] readWeight(String name) {
        TensorInfo w = info(name);
        String scaleName = name.endsWith(".weight") ? name + "_scale_inv" : null;
        if (scaleName == null || !tensors.containsKey(scaleName)) {
            return readFloats(name);
        }
        TensorInfo s = info(scaleName);
        if (w.dtype() != Dtype.F8_E4M3) {
            throw new CheckpointException(file, name, "has a block-scale companion " + Json.quote(scaleName)
                    + " but dtype " + w.dtype() + "; only F8_E4M3 weights are block-scaled");
        }
        long[] ws = w.shape(), ss = s.shape();
        if (ws.length != 2) {
            throw new CheckpointException(file, name, "a block-scaled weight must be 2-D [rows, cols], got shape "
                    + Arrays.toString(ws));
        }
        long br = (ws[0] + SCALE_BLOCK - 1) / SCALE_BLOCK, bc = (ws[1] + SCALE_BLOCK - 1) / SCALE_BLOCK;
        if (ss.length != 2 || ss[0] != br || ss[1] != bc) {
            throw new CheckpointException(file, scaleName, "shape " + Arrays.toString(ss) + " does not match weight "
                    + Arrays.toString(ws) + ": 128x128 blocks need [" + br + ", " + bc + "]");
        }
        int rows = (int) ws[0], cols = (int) ws[1];
        float[] scale = readFloats(scaleName); // [br, bc]
        float[] out = new float[arrayLength(w)]; // [rows, cols]
        long off = dataStart + w.begin();
        for (int i = 0; i < rows; i++) {
            int srow = (i / SCALE_BLOCK) * (int) bc;
            long rowOff = off + (long) i * cols;
            for (int j = 0; j < cols; j++) {
                byte code = segment.get(ValueLayout.JAVA_BYTE, rowOff + j);
                out[i * cols + j] = Fp8Format.E4M3FN.decode(code) * scale[srow + j / SCALE_BLOCK];
            }
        }
        return out;
    }

    /// Every tensor that [#readFloats] can read, by name, in name order (for small files).
    public Map<String, TensorData> readAll() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            out.put(name, read(name));
        }
        return out;
    }

    private int[] intShape(TensorInfo t) {
        long[] s = t.shape();
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (s[i] > Integer.MAX_VALUE) {
                throw new CheckpointException(file, t.name(), "dimension " + s[i] + " does not fit an int");
            }
            out[i] = (int) s[i];
        }
        return out;
    }

    private int arrayLength(TensorInfo t) {
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file, t.name(), "has " + n + " elements, more than one Java array holds");
        }
        return (int) n;
    }

    /// Unmaps the file. Arrays already returned stay valid; further reads fail.
    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors]";
    }

}
