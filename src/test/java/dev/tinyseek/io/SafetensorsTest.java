package dev.tinyseek.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void f32RoundTripsToTheBitWithShapesAndMetadata() {
        SplittableRandom r = new SplittableRandom(42);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("model.norm.weight", TensorData.of(randomBits(r, 7), 7));
        tensors.put("lm_head.weight", TensorData.of(randomBits(r, 15), 5, 3));
        tensors.put("scalar", TensorData.of(new float[] {-0.0f}));
        tensors.put("empty", TensorData.of(new float[0], 0, 4));
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, tensors, Map.of("format", "pt"), Dtype.F32);

        try (SafetensorsFile f = Safetensors.open(file)) {
            assertThat(f.names()).containsExactly("empty", "lm_head.weight", "model.norm.weight", "scalar");
            assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
            for (var e : tensors.entrySet()) {
                TensorData back = f.read(e.getKey());
                assertThat(back.shape()).isEqualTo(e.getValue().shape());
                assertThat(rawBits(back.data())).as(e.getKey()).isEqualTo(rawBits(e.getValue().data()));
                assertThat(f.info(e.getKey()).dtype()).isEqualTo(Dtype.F32);
            }
        }
    }

    @Test
    void headerFollowsTheHfLayoutSortedPaddedAndAligned() throws IOException {
        Path file = dir.resolve("a.safetensors");
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("b", TensorData.of(new float[] {1, 2}, 2));
        tensors.put("a", TensorData.of(new float[] {3}, 1));
        Safetensors.write(file, tensors, Map.of("k", "v"), Dtype.F32);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat((8 + n) % 8).isZero();
        assertThat(header.stripTrailing()).isEqualTo("{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" *");
        assertThat(bytes.length).isEqualTo(8 + n + 12);
        assertThat(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (8 + n))).isEqualTo(3f);
    }

    @Test
    void bf16WritesRoundToNearestEven() {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[4000];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 4) {
                case 0 -> Float.intBitsToFloat(r.nextInt());              // anything, NaN included
                case 1 -> Float.intBitsToFloat(r.nextInt() & 0xFFFF8000 | 0x8000); // exact ties
                case 2 -> (float) r.nextGaussian();
                default -> Float.intBitsToFloat(0x7F7F0000 | r.nextInt(0x10000)); // near the largest float
            };
        }
        Path file = dir.resolve("bf16.safetensors");
        Safetensors.write(file, Map.of("w", TensorData.of(x, 40, 100)), null, Dtype.BF16);
        float[] back = Safetensors.readAll(file).get("w").data();
        for (int i = 0; i < x.length; i++) {
            float expected = bf16Oracle(x[i]);
            if (Float.isNaN(x[i])) {
                assertThat(back[i]).as("i %d", i).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(back[i])).as("i %d, x %s (%08x)", i, x[i], Float.floatToRawIntBits(x[i]))
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
        // worked examples: 1 + 2^-8 is halfway between 1 and 1 + 2^-7 and goes to the even 1
        assertThat(storedBf16(1 + 0x1p-8f)).isEqualTo(0x3F80);
        assertThat(storedBf16(1 + 3 * 0x1p-8f)).isEqualTo(0x3F82);
        assertThat(storedBf16(Float.MAX_VALUE)).isEqualTo(0x7F80); // rounds up to +inf
    }

    /// The bytes of a BF16 file: every non-NaN value is stored as `(u + 0x7FFF + lsb) >>> 16`
    /// of its float bits `u` (round to nearest even, ±0, ±Inf, subnormals and overflow included);
    /// every NaN, whatever its sign and payload, is stored as the canonical quiet NaN 0x7FC0.
    @Test
    void bf16FileBytesFollowTheRoundingRuleAndStoreEveryNanAs7fc0() throws IOException {
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[3000];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(r.nextInt());
        }
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1 + 0x1p-8f, Float.NaN,
                Float.intBitsToFloat(0xFFC00001), Float.intBitsToFloat(0x7F800001)}; // the last two: NaNs
        System.arraycopy(special, 0, x, 0, special.length);
        Path file = dir.resolve("bytes.safetensors");
        Safetensors.write(file, Map.of("w", TensorData.of(x, x.length)), null, Dtype.BF16);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int start = (int) (8 + buf.getLong(0));
        int nans = 0;
        for (int i = 0; i < x.length; i++) {
            int stored = buf.getShort(start + 2 * i) & 0xFFFF;
            int u = Float.floatToRawIntBits(x[i]);
            if (Float.isNaN(x[i])) {
                nans++;
                assertThat(stored).as("NaN %08x", u).isEqualTo(0x7FC0);
            } else {
                assertThat(stored).as("x %s (%08x)", x[i], u).isEqualTo((u + 0x7FFF + ((u >>> 16) & 1)) >>> 16);
            }
        }
        assertThat(nans).isGreaterThanOrEqualTo(3);
        assertThat(bytes.length).isEqualTo(start + 2 * x.length);
    }

    @Test
    void readsBf16F16AndF8FilesBuiltByteByByte() {
        ByteBuffer data = ByteBuffer.allocate(2 * 3 + 2 * 4 + 5).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3F80).putShort((short) 0xC040).putShort((short) 0x0001);          // bf16: 1, -3, tiny
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7BFF).putShort((short) 0x0001); // f16
        data.put((byte) 0x38).put((byte) 0x7E).put((byte) 0x01).put((byte) 0xB8).put((byte) 0x7F);  // e4m3
        Path file = write("hand.safetensors", "{\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[6,14]},"
                + "\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[5],\"data_offsets\":[14,19]}}", data.array());
        try (SafetensorsFile f = Safetensors.open(file)) {
            assertThat(f.readFloats("b")).containsExactly(1f, -3f, Float.intBitsToFloat(0x00010000));
            assertThat(f.readFloats("h")).containsExactly(1f, -2f, 65504f, 0x1p-24f);
            float[] q = f.readFloats("q");
            assertThat(q[0]).isEqualTo(1f);
            assertThat(q[1]).isEqualTo(448f);
            assertThat(q[2]).isEqualTo(0x1p-9f);
            assertThat(q[3]).isEqualTo(-1f);
            assertThat(q[4]).isNaN();
            assertThat(f.readBytes("q")).containsExactly(0x38, 0x7E, 0x01, 0xB8, 0x7F);
            assertThat(f.metadata()).isEmpty();
        }
    }

    @Test
    void allE4m3CodesReadFromAFileDecodeAsDefined() {
        byte[] codes = new byte[256];
        for (int code = 0; code < 256; code++) {
            codes[code] = (byte) code;
        }
        Path file = write("codes.safetensors", "{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[256],\"data_offsets\":[0,256]}}", codes);
        float[] all;
        try (SafetensorsFile f = Safetensors.open(file)) {
            all = f.readFloats("q");
        }
        for (int code = 0; code < 256; code++) {
            int s = code >> 7, e = (code >> 3) & 15, m = code & 7;
            float got = all[code];
            if (e == 15 && m == 7) {
                assertThat(got).as("code %d", code).isNaN();
                continue;
            }
            double mag = e == 0 ? m * Math.pow(2, -9) : (8 + m) * Math.pow(2, e - 10);
            assertThat((double) got).as("code %02x", code).isEqualTo(s == 1 ? -mag : mag);
        }
    }

    @Test
    void f8WeightsAreDequantisedWithTheirBlockScalesIncludingPaddedEdges() {
        int rows = 130, cols = 200; // 2 x 2 blocks, the last ones partial
        SplittableRandom r = new SplittableRandom(9);
        byte[] codes = new byte[rows * cols];
        for (int i = 0; i < codes.length; i++) {
            int c;
            do {
                c = r.nextInt(256);
            } while ((c & 0x7F) == 0x7F); // no NaN codes
            codes[i] = (byte) c;
        }
        float[] scales = {0.5f, 3f, 1e-3f, 7.25f}; // [2, 2]
        ByteBuffer data = ByteBuffer.allocate(16 + codes.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.put(codes);
        for (float s : scales) {
            data.putFloat(s);
        }
        data.putFloat(2.5f); // a plain F32 tensor
        String name = "model.layers.0.self_attn.kv_a_proj_with_mqa.weight";
        Path file = write("fp8.safetensors", "{\"" + name + "\":{\"dtype\":\"F8_E4M3\",\"shape\":[130,200],"
                + "\"data_offsets\":[0,26000]},\"" + name + "_scale_inv\":{\"dtype\":\"F32\",\"shape\":[2,2],"
                + "\"data_offsets\":[26000,26016]},\"norm.weight\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[26016,26020]}}", data.array());
        try (SafetensorsFile f = Safetensors.open(file)) {
            float[] w = f.readWeight(name);
            assertThat(w).hasSize(rows * cols);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    int c = codes[i * cols + j] & 0xFF;
                    int e = (c >> 3) & 15, m = c & 7;
                    double v = (e == 0 ? m * Math.pow(2, -9) : (8 + m) * Math.pow(2, e - 10)) * ((c & 0x80) != 0 ? -1 : 1);
                    float expected = (float) v * scales[(i / 128) * 2 + j / 128];
                    assertThat(w[i * cols + j]).as("(%d, %d)", i, j).isEqualTo(expected);
                }
            }
            assertThat(f.readWeight("norm.weight")).containsExactly(2.5f); // no companion: as stored
            int c0 = codes[0] & 0xFF, e0 = (c0 >> 3) & 15, m0 = c0 & 7;
            double raw0 = (e0 == 0 ? m0 * Math.pow(2, -9) : (8 + m0) * Math.pow(2, e0 - 10)) * ((c0 & 0x80) != 0 ? -1 : 1);
            assertThat(f.readFloats(name)[0]).isEqualTo((float) raw0); // raw: unscaled
        }
    }

    @Test
    void blockScalesOfTheWrongShapeOrOnANonFp8WeightAreNamed() {
        ByteBuffer data = ByteBuffer.allocate(4 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        Path file = write("bad-scale.safetensors", "{\"a.weight\":{\"dtype\":\"F8_E4M3\",\"shape\":[2,2],\"data_offsets\":[0,4]},"
                + "\"a.weight_scale_inv\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"b.weight\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                + "\"b.weight_scale_inv\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[12,16]}}", data.array());
        try (SafetensorsFile f = Safetensors.open(file)) {
            assertThatThrownBy(() -> f.readWeight("a.weight")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("bad-scale.safetensors: tensor \"a.weight_scale_inv\": shape [1] does not match weight [2, 2]: 128x128 blocks need [1, 1]");
            assertThatThrownBy(() -> f.readWeight("b.weight")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("tensor \"b.weight\": has a block-scale companion").hasMessageContaining("dtype BF16");
            assertThatThrownBy(() -> f.readFloats("nope")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("tensor \"nope\": not in this file (it has 4 tensors, e.g. a.weight");
        }
    }

    @Test
    void eachMalformedFileGetsOneClearMessage() {
        String ok = "\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        byte[] eight = new byte[8];
        expectBroken(new byte[5], "truncated: the file has 5 bytes");
        expectBroken(withLength(1L << 40, new byte[16]), "header length 1099511627776 (bytes 0-7, little-endian) is above the limit");
        expectBroken(withLength(-1L, new byte[16]), "header length 18446744073709551615");
        expectBroken(withLength(100, new byte[16]), "header length 100 runs past the end of the file (24 bytes");
        expectBroken(file("{" + ok, eight), "header is not valid JSON: JSON 1:");
        expectBroken(file("[1]", new byte[0]), "header must be a JSON object, got [1] (an array)");
        expectBroken(file("{\"t\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight),
                "tensor \"t\": unknown dtype \"F33\"; known: F64, F32");
        expectBroken(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight),
                "tensor \"t\": shape [-2]: dimension 0 must be an integer >= 0");
        expectBroken(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight),
                "tensor \"t\": dtype F32 with shape [3] needs 12 bytes, but data_offsets [0, 8] hold 8");
        expectBroken(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", eight),
                "has more than 2^63 elements");
        expectBroken(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", eight),
                "data_offsets [8, 0] must satisfy 0 <= begin <= end");
        expectBroken(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", eight),
                "\"data_offsets\" must be [begin, end], two integers, got [0] (an array)");
        expectBroken(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", eight),
                "tensor \"t\": data_offsets [4, 12] run past the end of the data section (8 bytes)");
        expectBroken(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
                "tensor \"t\": data_offsets [4, 8] leave bytes [0, 4) of the data section unused");
        expectBroken(file("{" + ok + ",\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
                "tensor \"u\": data_offsets [4, 8] overlap tensor \"t\" at [0, 8]");
        expectBroken(file("{" + ok + "}", new byte[12]), "the data section has 12 bytes, but the tensors end at byte 8");
        expectBroken(file("{\"__metadata__\":{\"a\":1}}", new byte[0]), "\"__metadata__\" value of \"a\" must be a string");
        expectBroken(file("{\"t\":[]}", new byte[0]), "tensor \"t\": header entry must be an object");
        byte[] badUtf8 = file("{\"\u00e9\":1}", new byte[0]);
        badUtf8[11] = (byte) 0xFF;
        expectBroken(badUtf8, "header is not valid UTF-8");
        assertThatThrownBy(() -> Safetensors.open(dir.resolve("missing.safetensors")))
                .isInstanceOf(CheckpointException.class).hasMessageEndingWith("missing.safetensors: file not found");
        Path ints = write("ints.safetensors", "{\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight);
        try (SafetensorsFile f = Safetensors.open(ints)) {
            assertThatThrownBy(() -> f.readFloats("i")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("tensor \"i\": dtype I32 cannot be read as floats");
        }
    }

    @Test
    void aFailedSaveKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, TensorData> good = Map.of("w", TensorData.of(new float[] {1, 2, 3, 4}, 2, 2));
        Safetensors.write(file, good, null, Dtype.F32);
        byte[] before = Files.readAllBytes(file);

        // 1. a tensor whose array is the wrong size: rejected before anything is written
        Map<String, TensorData> bad = new LinkedHashMap<>(good);
        bad.put("z", TensorData.of(new float[5], 2, 3));
        assertThatThrownBy(() -> Safetensors.write(file, bad, null, Dtype.BF16)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors: tensor \"z\": shape [2, 3] needs 6 values, but the data array has 5");
        assertUnchanged(file, before);

        // 2. a failure in the middle of writing the bytes: an interrupted thread's channel closes
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Safetensors.write(file, Map.of("w", TensorData.of(new float[1 << 20], 1 << 20)), null, Dtype.F32))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("save failed, old file kept");
        } finally {
            Thread.interrupted();
        }
        assertUnchanged(file, before);

        // 3. a failure at the rename: the target is a non-empty directory
        Path busy = dir.resolve("busy");
        Files.createDirectories(busy.resolve("inside"));
        assertThatThrownBy(() -> Safetensors.write(busy, good, null, Dtype.F32)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("busy: save failed");
        assertThat(Files.isDirectory(busy.resolve("inside"))).isTrue();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.safetensors", "busy");
        }

        // and a successful save replaces the old file
        Safetensors.write(file, Map.of("v", TensorData.of(new float[] {9}, 1)), null, Dtype.F32);
        assertThat(Safetensors.readAll(file)).containsOnlyKeys("v");
    }

    @Test
    void writeRejectsUnsupportedDtypesAndReservedNames() {
        Path file = dir.resolve("x.safetensors");
        assertThatThrownBy(() -> Safetensors.write(file, Map.of(), null, Dtype.F16))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("cannot write dtype F16; writable: F32, BF16");
        assertThatThrownBy(() -> Safetensors.write(file, Map.of("__metadata__", TensorData.of(new float[1], 1)), null, Dtype.F32))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a valid tensor name");
        java.util.Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> Safetensors.write(file, Map.of(), nullValue, Dtype.F32))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("__metadata__ entry k = null");
        assertThat(Files.exists(file)).isFalse();
        assertThatThrownBy(() -> Safetensors.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(dir + ": ");
    }

    // ------------------------------------------------------------------------------------

    private void assertUnchanged(Path file, byte[] before) throws IOException {
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (var s = Files.list(dir)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()).as("temporary files").isEmpty();
        }
    }

    private void expectBroken(byte[] bytes, String message) {
        Path file = dir.resolve("broken.safetensors");
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> {
            try (SafetensorsFile f = Safetensors.open(file)) {
                f.readAll();
            }
        }).isInstanceOf(CheckpointException.class).hasMessageStartingWith(file + ": ").hasMessageContaining(message);
    }

    private Path write(String name, String header, byte[] data) {
        Path file = dir.resolve(name);
        try {
            Files.write(file, file(header, data));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return file;
    }

    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /// The BF16 bits that a one-value BF16 file stores for `x`.
    private int storedBf16(float x) {
        Path file = dir.resolve("one.safetensors");
        Safetensors.write(file, Map.of("x", TensorData.of(new float[] {x}, 1)), null, Dtype.BF16);
        try {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            return buf.getShort((int) (8 + buf.getLong(0))) & 0xFFFF;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] withLength(long n, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(rest).array();
    }

    /// BF16 rounding from its definition: the nearer of the two neighbours, in double; ties to even.
    private static float bf16Oracle(float x) {
        int bits = Float.floatToRawIntBits(x);
        float down = Float.intBitsToFloat(bits & 0xFFFF0000);
        float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000); // next bf16 away from zero
        if ((bits & 0xFFFF) == 0) {
            return x;
        }
        double dd = Math.abs((double) x - down), du = Math.abs((double) x - up);
        if (Float.isInfinite(up)) {
            du = Math.abs((double) x - Math.copySign(0x1p128, x)); // inf stands for 2^128 when rounding
        }
        if (dd < du) {
            return down;
        }
        if (du < dd) {
            return up;
        }
        return ((Float.floatToRawIntBits(down) >>> 16) & 1) == 0 ? down : up;
    }

    private static float[] randomBits(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = Float.intBitsToFloat(r.nextInt());
        }
        return x;
    }

    private static int[] rawBits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }
}
