package dev.tinyseek.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    @SuppressWarnings("unchecked")
    void parsesEveryKindOfValueToTheDocumentedJavaTypes() {
        Object v = Json.parse(" {\"b\": [1, -2, 3.5, 1e3, -0, true, false, null], \"a\": \"x\\n\\u00e9\\ud83d\\ude00\"} ");
        assertThat(v).isInstanceOf(LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("b", "a"); // order kept
        assertThat((List<Object>) m.get("b")).containsExactly(1L, -2L, 3.5, 1000.0, 0L, true, false, null);
        assertThat(m.get("a")).isEqualTo("x\né😀");
    }

    @Test
    void writesStableCompactAndPrettyText() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1L);
        m.put("a", List.of(1.0, 0.1, 1e-6f, 2, List.of(), Map.of()));
        m.put("s", "q\"\\\t\u0001é");
        m.put("n", null);
        assertThat(Json.write(m, false))
                .isEqualTo("{\"z\":1,\"a\":[1.0,0.1,1.0E-6,2,[],{}],\"s\":\"q\\\"\\\\\\t\\u0001é\",\"n\":null}");
        assertThat(Json.write(Map.of("k", List.of(1L, 2L)), true)).isEqualTo("{\n  \"k\": [\n    1,\n    2\n  ]\n}");
    }

    @Test
    void roundTripsRandomValuesExactly() {
        for (int trial = 0; trial < 300; trial++) {
            long seed = 1000 + trial;
            Object value = randomValue(new SplittableRandom(seed), 0);
            for (boolean pretty : new boolean[] {false, true}) {
                String text = Json.write(value, pretty);
                assertThat(Json.parse(text)).as("seed %d, pretty %s, text %s", seed, pretty, text).isEqualTo(value);
                assertThat(Json.write(Json.parse(text), pretty)).as("seed %d: stable output", seed).isEqualTo(text);
            }
        }
    }

    @Test
    void doublesUseTheShortestRoundTripForm() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            String text = Json.write(d, false);
            assertThat(Json.parse(text)).as("bits %x", Double.doubleToRawLongBits(d)).isEqualTo(d);
        }
        assertThat(Json.write(0.1, false)).isEqualTo("0.1");
        assertThat(Json.write(100.0, false)).isEqualTo("100.0");
    }

    @Test
    void loneSurrogatesAreEscapedAndReadBack() {
        String s = "a\uD800b\uDC00c\uD83D\uDE00";
        String text = Json.write(s, false);
        assertThat(text).isEqualTo("\"a\\ud800b\\udc00c\uD83D\uDE00\"");
        assertThat(Json.parse(text)).isEqualTo(s);
    }

    @Test
    void syntaxErrorsNameLineColumnAndWhatWasExpected() {
        assertError("{\"a\": 1,}", "1:9", "expected a string key", "found '}'");
        assertError("[1 2]", "1:4", "expected ',' or ']'", "found '2'");
        assertError("{\n  \"a\": tru\n}", "2:8", "expected a value");
        assertError("{\"a\": 1, \"a\": 2}", "1:10", "duplicate key \"a\"");
        assertError("01", "1:2", "no leading zero");
        assertError("1.", "1:3", "a digit after the decimal point");
        assertError("\"abc", "1:5", "closing '\"'", "end of input");
        assertError("\"a\tb\"", "1:3", "no raw control character");
        assertError("\"\\x\"", "1:3", "escape", "found 'x'");
        assertError("\"\\u12g4\"", "1:6", "4 hex digits");
        assertError("[1] x", "1:5", "end of input after the value", "found 'x'");
        assertError("", "1:1", "expected a value", "found end of input");
        assertError("NaN", "1:1", "expected a value");
        assertError("// c\n1", "1:1", "expected a value");
        assertError("99999999999999999999", "1:1", "does not fit a 64-bit long");
        assertError("1e999", "1:1", "too large for a double");
    }

    @Test
    void deepNestingIsRejectedNotAStackOverflow() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(ok)).isInstanceOf(List.class);
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonException.class)
                .hasMessageContaining("nesting at most " + Json.MAX_DEPTH);
        assertThatThrownBy(() -> Json.parse("{\"a\":".repeat(600)))
                .isInstanceOf(JsonException.class).hasMessageContaining("nesting");
    }

    @Test
    void writeRejectsWhatJsonCannotHold() {
        assertThatThrownBy(() -> Json.write(Map.of("x", List.of(1.0, Double.NaN)), false))
                .isInstanceOf(JsonException.class).hasMessageContaining("$.x[1] = NaN");
        assertThatThrownBy(() -> Json.write(Map.of(1, 2), false))
                .isInstanceOf(JsonException.class).hasMessageContaining("key 1 is not a String");
        assertThatThrownBy(() -> Json.write(new int[] {1}, false))
                .isInstanceOf(JsonException.class).hasMessageContaining("type [I");
    }

    @Test
    void typedAccessorsNameTheKeyTheValueAndTheType() {
        JsonObject o = JsonObject.parse("{\"hidden_size\": 64, \"eps\": 1e-6, \"frac\": 2.5, \"name\": \"t\","
                + " \"q_lora_rank\": null, \"big\": 9999999999, \"flag\": true, \"rope_scaling\": {\"type\": 7}}", "config.json");
        assertThat(o.getInt("hidden_size")).isEqualTo(64);
        assertThat(o.getDouble("eps")).isEqualTo(1e-6);
        assertThat(o.getDouble("hidden_size")).isEqualTo(64.0);
        assertThat(o.getString("name")).isEqualTo("t");
        assertThat(o.getBoolean("flag")).isTrue();
        assertThat(o.getLong("big")).isEqualTo(9999999999L);
        assertThat(o.optInt("q_lora_rank", 0)).isZero();
        assertThat(o.optInt("absent", 3)).isEqualTo(3);
        assertThat(o.optObject("absent")).isNull();
        assertThatThrownBy(() -> o.getInt("frac")).isInstanceOf(JsonException.class)
                .hasMessage("config.json: key \"frac\" must be an integer, got 2.5 (a number with a fraction)");
        assertThatThrownBy(() -> o.getInt("big")).hasMessageContaining("key \"big\" = 9999999999 is out of range");
        assertThatThrownBy(() -> o.getInt("missing")).hasMessage("config.json: missing key \"missing\" (expected an integer)");
        assertThatThrownBy(() -> o.getInt("q_lora_rank")).hasMessage("config.json: key \"q_lora_rank\" is null, expected an integer");
        assertThatThrownBy(() -> o.getString("hidden_size")).hasMessage("config.json: key \"hidden_size\" must be a string, got 64 (an integer)");
        assertThatThrownBy(() -> o.getObject("rope_scaling").getString("type"))
                .hasMessage("config.json: rope_scaling: key \"type\" must be a string, got 7 (an integer)");
        assertThatThrownBy(() -> JsonObject.parse("[1]", "x.json")).hasMessage("x.json: must be a JSON object, got [1] (an array)");
        assertThatThrownBy(() -> JsonObject.parse("{", "x.json")).hasMessageStartingWith("x.json: JSON 1:2: expected");
    }

    private static void assertError(String text, String... parts) {
        assertThatThrownBy(() -> Json.parse(text)).as("text %s", text).isInstanceOf(JsonException.class)
                .message().contains(Arrays.asList(parts));
    }

    private static Object randomValue(SplittableRandom r, int depth) {
        int kind = r.nextInt(depth > 3 ? 6 : 8);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextBoolean() ? r.nextLong() : (long) r.nextInt(-1000, 1000);
            case 3 -> {
                double d = r.nextBoolean() ? Double.longBitsToDouble(r.nextLong()) : r.nextDouble() * 100;
                yield Double.isFinite(d) ? d : 0.5;
            }
            case 4, 5 -> randomString(r);
            case 6 -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                yield l;
            }
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    m.put(randomString(r), randomValue(r, depth + 1));
                }
                yield m;
            }
        };
    }

    private static String randomString(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
            switch (r.nextInt(5)) {
                case 0 -> sb.append((char) r.nextInt(0, 0x80));
                case 1 -> sb.append((char) r.nextInt(0x80, 0x800));
                case 2 -> sb.appendCodePoint(r.nextInt(0x10000, 0x110000));
                case 3 -> sb.append((char) r.nextInt(0xD800, 0xE000)); // a lone surrogate (usually)
                default -> sb.append("\"\\/\n\t ".charAt(r.nextInt(6)));
            }
        }
        return sb.toString();
    }
}
