package dev.tinyseek.io;

import dev.tinyseek.fp8.Bf16;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/// Writing safetensors files, atomically; reading is [SafetensorsFile].
///
/// The layout follows the Hugging Face writer: tensors sorted by name, packed back to back in
/// that order, `__metadata__` first in the header, compact JSON, and the header padded with
/// spaces to a multiple of 8 bytes so that the data section starts 8-byte aligned.
///
/// A save never leaves a half-written file under the target name: the bytes go to a temporary
/// file in the same directory, are forced to disk, and the temporary file is then renamed over
/// the target with `ATOMIC_MOVE`. If anything fails, the temporary file is deleted and the old
/// file (if any) is untouched.
///
/// Left out on purpose: writing FP8 or integer dtypes, and sharding into several files.
public final class Safetensors {

    private static final int CHUNK = 1 << 20;

    private Safetensors() {
    }

    /// Opens `file` for reading; see [SafetensorsFile#open].
    public static SafetensorsFile open(Path file) {
        return SafetensorsFile.open(file);
    }

    /// Reads every tensor of a (small) file into memory, converted to float.
    public static Map<String, TensorData> readAll(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.readAll();
        }
    }

    /// Writes `tensors` to `file` in `dtype` (F32, exact, or BF16, rounded to nearest even by
    /// [Bf16#encode]; every NaN is stored as the canonical quiet NaN 0x7FC0).
    ///
    /// @param tensors  by HF name; written in name order, whatever the map's order
    /// @param metadata `__metadata__` strings (may be empty or null)
    /// @throws CheckpointException naming the tensor, for a data array whose length is not the
    ///         product of its shape, a negative dimension, an empty or reserved name, or an
    ///         unsupported dtype; or for an I/O failure. The old file is then left as it was.
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata, Dtype dtype) {
        if (dtype != Dtype.F32 && dtype != Dtype.BF16) {
            throw new CheckpointException(file, null, "cannot write dtype " + dtype + "; writable: F32, BF16");
        }
        // 1. check every tensor and lay them out by name
        Map<String, TensorData> sorted = new TreeMap<>(tensors);
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new CheckpointException(file, null, "__metadata__ entry " + e.getKey() + " = " + e.getValue()
                            + ": keys and values must be non-null strings");
                }
            }
            header.put("__metadata__", new TreeMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : sorted.entrySet()) {
            String name = e.getKey();
            TensorData t = e.getValue();
            if (name.isEmpty() || name.equals("__metadata__")) {
                throw new CheckpointException(file, name, "is not a valid tensor name (empty or reserved)");
            }
            if (t == null) {
                throw new CheckpointException(file, name, "has no data (null)");
            }
            long numel = 1;
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) {
                if (d < 0) {
                    throw new CheckpointException(file, name, "shape " + Arrays.toString(t.shape())
                            + " has a negative dimension");
                }
                numel *= d;
                shape.add((long) d);
            }
            if (numel != t.data().length) {
                throw new CheckpointException(file, name, "shape " + Arrays.toString(t.shape()) + " needs " + numel
                        + " values, but the data array has " + t.data().length);
            }
            long bytes = numel * dtype.bytes;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype.name());
            entry.put("shape", shape);
            entry.put("data_offsets", List.of(offset, offset + bytes));
            header.put(name, entry);
            offset += bytes;
        }
        byte[] json = Json.write(header, false).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        // 2. write a temporary file beside the target, then rename it over the target
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(headerBytes.length);
                for (int i = 0; i < headerBytes.length; ) {
                    int n = Math.min(buf.remaining(), headerBytes.length - i);
                    buf.put(headerBytes, i, n);
                    i += n;
                    if (!buf.hasRemaining()) {
                        drain(ch, buf);
                    }
                }
                for (TensorData t : sorted.values()) {
                    for (float x : t.data()) {
                        if (buf.remaining() < 4) {
                            drain(ch, buf);
                        }
                        if (dtype == Dtype.F32) {
                            buf.putFloat(x);
                        } else {
                            buf.putShort((short) Bf16.encode(x));
                        }
                    }
                }
                drain(ch, buf);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            CheckpointDirectory.force(dir); // the rename itself, on disk
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException(file, null, "save failed, old file kept: " + e, e);
        }
    }

    private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }
}
