package dev.tinyseek.io;

import java.util.List;
import java.util.Map;
import java.util.Set;

/// Typed, checked access to a parsed JSON object, for reading configuration files.
///
/// Every getter names, on failure, where the object came from (`where`, e.g.
/// `"runs/tiny/config.json"` or `"config.json: rope_scaling"`), the key, the value found and
/// the type expected, e.g.
/// `config.json: key "hidden_size" must be an integer, got 64.5 (a number with a fraction)`.
/// `getX` requires the key (and a non-null value); `optX` returns a default when the key is
/// missing or `null` (HF configs write `"q_lora_rank": null` for "not used").
///
/// Left out on purpose: range checks (they belong to the config class that knows what is
/// valid), and writing (build a `Map` and use [Json#write]).
///
/// @param map   the parsed object, as [Json#parse] returns it
/// @param where what to call this object in messages
public record JsonObject(Map<String, Object> map, String where) {

    public JsonObject {
        if (map == null) {
            throw new IllegalArgumentException(where + ": JSON object is null");
        }
    }

    /// Parses `text` and requires an object at the top level.
    public static JsonObject parse(String text, String where) {
        Object v;
        try {
            v = Json.parse(text);
        } catch (JsonException e) {
            throw new JsonException(where + ": " + e.getMessage());
        }
        return of(v, where);
    }

    /// Wraps a parsed value, requiring it to be an object.
    @SuppressWarnings("unchecked")
    public static JsonObject of(Object value, String where) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new JsonException(where + ": must be a JSON object, got " + describe(value));
        }
        return new JsonObject((Map<String, Object>) m, where);
    }

    public boolean has(String key) {
        return map.containsKey(key) && map.get(key) != null;
    }

    public Set<String> keys() {
        return map.keySet();
    }

    public Object get(String key) {
        if (!map.containsKey(key)) {
            throw new JsonException(where + ": missing key " + Json.quote(key));
        }
        return map.get(key);
    }

    public long getLong(String key) {
        return toLong(key, required(key, "an integer"));
    }

    public int getInt(String key) {
        return toInt(key, required(key, "an integer"));
    }

    public double getDouble(String key) {
        return toDouble(key, required(key, "a number"));
    }

    public String getString(String key) {
        return toStringValue(key, required(key, "a string"));
    }

    public boolean getBoolean(String key) {
        return toBoolean(key, required(key, "true or false"));
    }

    public JsonObject getObject(String key) {
        Object v = required(key, "an object");
        if (!(v instanceof Map<?, ?>)) {
            throw wrongType(key, v, "an object");
        }
        return of(v, where + ": " + key);
    }

    public List<Object> getList(String key) {
        Object v = required(key, "an array");
        if (!(v instanceof List<?> l)) {
            throw wrongType(key, v, "an array");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) l;
        return list;
    }

    public int optInt(String key, int dflt) {
        return has(key) ? toInt(key, map.get(key)) : dflt;
    }

    public long optLong(String key, long dflt) {
        return has(key) ? toLong(key, map.get(key)) : dflt;
    }

    public double optDouble(String key, double dflt) {
        return has(key) ? toDouble(key, map.get(key)) : dflt;
    }

    public String optString(String key, String dflt) {
        return has(key) ? toStringValue(key, map.get(key)) : dflt;
    }

    public boolean optBoolean(String key, boolean dflt) {
        return has(key) ? toBoolean(key, map.get(key)) : dflt;
    }

    /// The nested object, or `null` when the key is missing or `null`.
    public JsonObject optObject(String key) {
        return has(key) ? getObject(key) : null;
    }

    // ------------------------------------------------------------------------------------

    private Object required(String key, String expected) {
        if (!map.containsKey(key)) {
            throw new JsonException(where + ": missing key " + Json.quote(key) + " (expected " + expected + ")");
        }
        Object v = map.get(key);
        if (v == null) {
            throw new JsonException(where + ": key " + Json.quote(key) + " is null, expected " + expected);
        }
        return v;
    }

    private long toLong(String key, Object v) {
        if (v instanceof Long l) {
            return l;
        }
        throw wrongType(key, v, "an integer");
    }

    private int toInt(String key, Object v) {
        long l = toLong(key, v);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new JsonException(where + ": key " + Json.quote(key) + " = " + l
                    + " is out of range for a 32-bit int (" + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")");
        }
        return (int) l;
    }

    private double toDouble(String key, Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw wrongType(key, v, "a number");
    }

    private String toStringValue(String key, Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(key, v, "a string");
    }

    private boolean toBoolean(String key, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, v, "true or false");
    }

    private JsonException wrongType(String key, Object v, String expected) {
        return new JsonException(where + ": key " + Json.quote(key) + " must be " + expected + ", got " + describe(v));
    }

    /// A short description of a parsed value for error messages: the value (cut to 40
    /// characters) and its JSON kind.
    static String describe(Object v) {
        String kind = switch (v) {
            case null -> "null";
            case String s -> "a string";
            case Long l -> "an integer";
            case Double d -> d == Math.rint(d) ? "a number with an exponent or '.0'" : "a number with a fraction";
            case Boolean b -> "a boolean";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            default -> "a " + v.getClass().getSimpleName();
        };
        if (v == null) {
            return "null";
        }
        String text = v instanceof String s ? Json.quote(s) : v instanceof Map<?, ?> || v instanceof List<?>
                ? Json.write(v, false) : String.valueOf(v);
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        return text + " (" + kind + ")";
    }
}
