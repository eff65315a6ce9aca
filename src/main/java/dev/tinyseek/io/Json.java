package dev.tinyseek.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// A small, strict JSON (RFC 8259) parser and writer over plain Java values.
///
/// JSON values map to Java values as follows:
///
/// | JSON | Java |
/// |---|---|
/// | object | `LinkedHashMap<String, Object>` (key order kept) |
/// | array | `ArrayList<Object>` |
/// | string | `String` |
/// | number without fraction or exponent | `Long` (`-0` reads as `0L`) |
/// | any other number | `Double` |
/// | `true` / `false` | `Boolean` |
/// | `null` | `null` |
///
/// Strict means: no comments, no trailing commas, no single quotes, no `NaN`/`Infinity`, no
/// leading zeros, no raw control characters inside strings, no duplicate keys, and nothing but
/// whitespace after the value. An integer that does not fit a `long` is an error too (rather
/// than silently losing digits). Nesting deeper than [#MAX_DEPTH] is rejected, so a hostile
/// file cannot overflow the stack. Every error names `line:column`, what was found and what
/// was expected.
///
/// Left out on purpose: streaming, data binding to classes, and big numbers. Typed access
/// for configuration files lives in [JsonObject].
public final class Json {

    /// Deepest nesting of arrays and objects that [#parse] accepts.
    public static final int MAX_DEPTH = 512;

    private Json() {
    }

    /// Parses one JSON value; see the class comment for the Java types it returns.
    ///
    /// @throws JsonException naming `line:column`, what was found and what was expected
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("end of input after the value");
        }
        return value;
    }

    /// Writes `value` as JSON text. Accepted values: `Map` with `String` keys (written in its
    /// iteration order), `List`, `String`, `Boolean`, `null`, integral numbers (`Long`,
    /// `Integer`, `Short`, `Byte`, written without ".0"), and finite `Double`/`Float`
    /// (written in the shortest form that reads back to the same value, always with a "." or
    /// an exponent so that they read back as `Double`; a `Float` is written as its own
    /// shortest decimal, so `1e-6f` becomes `1.0E-6`).
    ///
    /// Output is deterministic. Non-ASCII characters are written as they are, except lone
    /// surrogates, which are written as JSON escapes (backslash, u, four hex digits) so the text stays valid UTF-8.
    ///
    /// @param pretty two-space indentation and one entry per line; otherwise no whitespace at all
    /// @throws JsonException for NaN, infinities, non-string keys or unsupported types,
    ///         naming the key path
    public static String write(Object value, boolean pretty) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb, pretty).value(value, 0, "$");
        return sb.toString();
    }

    /// `"text"` with JSON escapes, as [#write] writes strings.
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        Writer.string(sb, s);
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Object value(int depth) {
            if (pos >= s.length()) {
                throw error("a value");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("a value (object, array, string, number, true, false or null)");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++; // '{'
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("a string key in double quotes");
                }
                int keyLine = line(pos), keyCol = column(pos);
                String key = string();
                if (map.containsKey(key)) {
                    throw new JsonException("JSON " + keyLine + ":" + keyCol + ": duplicate key " + quote(key)
                            + "; each key may appear once in an object");
                }
                skipWhitespace();
                expect(':', "':' after the key " + quote(key));
                skipWhitespace();
                map.put(key, value(depth));
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    return map;
                } else {
                    throw error("',' or '}' after the value of " + quote(key));
                }
            }
        }

        private List<Object> array(int depth) {
            checkDepth(depth);
            pos++; // '['
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth));
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    return list;
                } else {
                    throw error("',' or ']' after array element " + (list.size() - 1));
                }
            }
        }

        private String string() {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("a closing '\"' of the string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return sb.toString();
                } else if (c == '\\') {
                    pos++;
                    if (pos >= s.length()) {
                        throw error("an escape character after '\\'");
                    }
                    char e = s.charAt(pos);
                    switch (e) {
                        case '"', '\\', '/' -> sb.append(e);
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            int code = 0;
                            for (int i = 1; i <= 4; i++) {
                                int d = pos + i < s.length() ? Character.digit(s.charAt(pos + i), 16) : -1;
                                if (d < 0) {
                                    pos += i;
                                    throw error("4 hex digits after \\u");
                                }
                                code = code * 16 + d;
                            }
                            sb.append((char) code);
                            pos += 4;
                        }
                        default -> throw error("an escape, one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                    }
                    pos++;
                } else if (c < 0x20) {
                    throw error("no raw control character inside a string (write it as an escape like \\n or \\u00"
                            + String.format("%02x", (int) c) + ")");
                } else {
                    sb.append(c);
                    pos++;
                }
            }
        }

        private Object number() {
            int start = pos;
            boolean integral = true;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
                if (isDigit(peek())) {
                    throw error("no leading zero in a number");
                }
            } else if (isDigit(peek())) {
                while (isDigit(peek())) {
                    pos++;
                }
            } else {
                throw error("a digit");
            }
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw error("a digit after the decimal point");
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("a digit in the exponent");
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            String text = s.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new JsonException("JSON " + line(start) + ":" + column(start) + ": integer " + text
                            + " does not fit a 64-bit long (range " + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")");
                }
            }
            double d = Double.parseDouble(text); // grammar checked above, so this cannot fail
            if (Double.isInfinite(d)) {
                throw new JsonException("JSON " + line(start) + ":" + column(start) + ": number " + text
                        + " is too large for a double (at most about 1.8e308)");
            }
            return d;
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("a value (object, array, string, number, true, false or null)");
            }
            pos += word.length();
            return value;
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting at most " + MAX_DEPTH + " levels deep");
            }
        }

        private void expect(char c, String what) {
            if (peek() != c) {
                throw error(what);
            }
            pos++;
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        JsonException error(String expected) {
            String found;
            if (pos >= s.length()) {
                found = "end of input";
            } else {
                int cp = s.codePointAt(pos);
                found = cp < 0x20 || cp == 0x7f ? String.format("character U+%04X", cp)
                        : "'" + new String(Character.toChars(cp)) + "'";
            }
            return new JsonException("JSON " + line(pos) + ":" + column(pos) + ": expected " + expected
                    + ", found " + found);
        }

        private int line(int at) {
            int line = 1;
            for (int i = 0; i < at && i < s.length(); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }

        private int column(int at) {
            int col = 1;
            for (int i = Math.min(at, s.length()) - 1; i >= 0 && s.charAt(i) != '\n'; i--) {
                col++;
            }
            return col;
        }
    }

    // ------------------------------------------------------------------------------------

    private record Writer(StringBuilder sb, boolean pretty) {

        void value(Object v, int indent, String path) {
            switch (v) {
                case null -> sb.append("null");
                case String s -> string(sb, s);
                case Boolean b -> sb.append(b);
                case Long l -> sb.append(l);
                case Integer i -> sb.append(i);
                case Short sh -> sb.append(sh);
                case Byte by -> sb.append(by);
                case Double d -> {
                    checkFinite(d, path);
                    sb.append(Double.toString(d)); // shortest round-trip form (JDK 19+)
                }
                case Float f -> {
                    checkFinite(f, path);
                    sb.append(Float.toString(f));
                }
                case Map<?, ?> m -> object(m, indent, path);
                case List<?> l -> array(l, indent, path);
                default -> throw new JsonException("cannot write " + path + " as JSON: type "
                        + v.getClass().getName() + " is not one of Map, List, String, Boolean, Long, Integer, Double, Float or null");
            }
        }

        private static void checkFinite(double d, String path) {
            if (!Double.isFinite(d)) {
                throw new JsonException("cannot write " + path + " = " + d + " as JSON: only finite numbers exist in JSON");
            }
        }

        private void object(Map<?, ?> m, int indent, String path) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new JsonException("cannot write " + path + " as JSON: key " + e.getKey()
                            + " is not a String");
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(indent + 1);
                string(sb, key);
                sb.append(pretty ? ": " : ":");
                value(e.getValue(), indent + 1, path + "." + key);
            }
            newline(indent);
            sb.append('}');
        }

        private void array(List<?> l, int indent, String path) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                newline(indent + 1);
                value(l.get(i), indent + 1, path + "[" + i + "]");
            }
            newline(indent);
            sb.append(']');
        }

        private void newline(int indent) {
            if (pretty) {
                sb.append('\n').repeat("  ", indent);
            }
        }

        static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        boolean loneSurrogate = Character.isHighSurrogate(c)
                                ? !(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                                : Character.isLowSurrogate(c)
                                        && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
                        if (c < 0x20 || c == 0x7f || loneSurrogate) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
