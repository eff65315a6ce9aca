package dev.tinyseek.tokenizer;

import dev.tinyseek.io.CheckpointException;
import dev.tinyseek.io.Json;
import dev.tinyseek.io.JsonException;
import dev.tinyseek.io.JsonObject;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// `tokenizer.json`: a [Tokenizer] on disk, in a layout close to Hugging Face's.
///
/// ```
/// {
///   "version": "1.0",
///   "added_tokens": [{"id": 256, "content": "<eos>", "special": true}, ...],
///   "tinyseek": {"format": 1, "pre_split": "<PreSplit.PATTERN>", "bytes": "WTF-8"},
///   "model": {"type": "BPE",
///             "vocab": {"!": 33, ..., "Ġt": 262, ...},
///             "merges": ["Ġ t", ...]}
/// }
/// ```
///
/// Token strings are written with GPT-2's byte-to-character table ([ByteChars]), so a space
/// reads `Ġ`, and a merge is "left right" separated by one space; merges in HF's newer
/// `[left, right]` form are read too. Loading checks that ids 0..255 are the bytes, the
/// specials come next, and each merge's result has id `256 + specials + rank`; every problem
/// is a [CheckpointException] naming the file and the field.
///
/// Left out on purpose: HF's normalizer, pre_tokenizer, post_processor and decoder sections;
/// the file is not meant to load in HF `tokenizers` unchanged (their pre-split and surrogate
/// rules differ from ours).
public final class TokenizerFile {

    private TokenizerFile() {
    }

    /// Writes `tok` to `file`, via a temporary file renamed over it, so a failed save keeps the old one.
    public static void save(Tokenizer tok, Path file) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        List<Object> added = new ArrayList<>();
        for (int i = 0; i < tok.specials().size(); i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", (long) (256 + i));
            t.put("content", tok.specials().get(i));
            t.put("special", true);
            added.add(t);
        }
        root.put("added_tokens", added);
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("format", 1L);
        ours.put("pre_split", PreSplit.PATTERN);
        ours.put("bytes", "WTF-8");
        root.put("tinyseek", ours);
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int id = 0; id < tok.vocabSize(); id++) {
            if (!tok.isSpecial(id)) {
                vocab.put(ByteChars.of(tok.bytesOf(id)), (long) id);
            }
        }
        List<Object> merges = new ArrayList<>();
        for (int[] m : tok.merges()) {
            merges.add(ByteChars.of(tok.bytesOf(m[0])) + " " + ByteChars.of(tok.bytesOf(m[1])));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("vocab", vocab);
        model.put("merges", merges);
        root.put("model", model);

        Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid()
                + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.writeString(tmp, Json.write(root, true) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CheckpointException(file, null, "save failed, old file kept: " + e, e);
        }
    }

    /// Reads and checks a `tokenizer.json` written by [#save].
    ///
    /// @throws CheckpointException naming the file and the field for anything missing or inconsistent
    public static Tokenizer load(Path file) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file); // a tokenizer file is small: vocab-sized
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, null, "file not found");
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, null, "not valid UTF-8 text");
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot read: " + e, e);
        }
        try {
            return parse(JsonObject.parse(text, "tokenizer.json"), file);
        } catch (JsonException e) {
            throw new CheckpointException(file, null, e.getMessage().replaceFirst("^tokenizer\\.json: ", ""));
        }
    }

    private static Tokenizer parse(JsonObject root, Path file) {
        JsonObject ours = root.getObject("tinyseek");
        if (ours.getLong("format") != 1) {
            throw new CheckpointException(file, null, "tinyseek.format " + ours.getLong("format") + " is not supported (only 1)");
        }
        if (!ours.getString("pre_split").equals(PreSplit.PATTERN)) {
            throw new CheckpointException(file, null, "tinyseek.pre_split " + Json.quote(ours.getString("pre_split"))
                    + " differs from this version's rule " + Json.quote(PreSplit.PATTERN));
        }
        // 1. specials: ids 256, 257, ... in order
        List<String> specials = new ArrayList<>();
        List<Object> added = root.getList("added_tokens");
        for (int i = 0; i < added.size(); i++) {
            JsonObject t = JsonObject.of(added.get(i), "added_tokens[" + i + "]");
            if (t.getLong("id") != 256 + i) {
                throw new CheckpointException(file, null, "added_tokens[" + i + "] has id " + t.getLong("id")
                        + ", expected " + (256 + i) + " (specials follow the 256 byte tokens in order)");
            }
            specials.add(t.getString("content"));
        }
        // 2. vocab: token string -> id
        JsonObject model = root.getObject("model");
        if (!model.getString("type").equals("BPE")) {
            throw new CheckpointException(file, null, "model.type " + Json.quote(model.getString("type")) + " must be \"BPE\"");
        }
        JsonObject vocab = model.getObject("vocab");
        Map<String, Integer> idOf = new HashMap<>();
        for (String key : vocab.keys()) {
            long id = vocab.getLong(key);
            if (ByteChars.bytes(key) == null || key.isEmpty()) {
                throw new CheckpointException(file, null, "model.vocab key " + Json.quote(key)
                        + " is not a byte string in the GPT-2 byte-to-character table");
            }
            idOf.put(key, (int) Math.max(-1, Math.min(id, Integer.MAX_VALUE)));
        }
        for (int b = 0; b < 256; b++) {
            String key = ByteChars.of(new byte[] {(byte) b});
            if (!Integer.valueOf(b).equals(idOf.get(key))) {
                throw new CheckpointException(file, null, "model.vocab must map the byte " + b + " (" + Json.quote(key)
                        + ") to id " + b + ", found " + idOf.get(key));
            }
        }
        // 3. merges: each result must be in the vocab at 256 + specials + rank
        List<Object> mergeList = model.getList("merges");
        List<int[]> merges = new ArrayList<>();
        int first = 256 + specials.size();
        for (int r = 0; r < mergeList.size(); r++) {
            String[] parts = mergeParts(mergeList.get(r));
            if (parts == null) {
                throw new CheckpointException(file, null, "model.merges[" + r + "] must be \"left right\" or [left, right], got "
                        + Json.write(mergeList.get(r), false));
            }
            Integer left = idOf.get(parts[0]), right = idOf.get(parts[1]), joined = idOf.get(parts[0] + parts[1]);
            if (left == null || right == null || joined == null || joined != first + r) {
                throw new CheckpointException(file, null, "model.merges[" + r + "] " + Json.quote(parts[0] + " " + parts[1])
                        + ": both parts and their join must be in model.vocab, the join with id " + (first + r)
                        + " (found " + left + ", " + right + " -> " + joined + ")");
            }
            merges.add(new int[] {left, right});
        }
        if (idOf.size() != 256 + merges.size()) {
            throw new CheckpointException(file, null, "model.vocab has " + idOf.size() + " entries, expected 256 bytes + "
                    + merges.size() + " merges = " + (256 + merges.size()));
        }
        try {
            return new Tokenizer(specials, merges);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, null, e.getMessage());
        }
    }

    private static String[] mergeParts(Object m) {
        if (m instanceof String s) {
            int sp = s.indexOf(' ');
            return sp > 0 && sp == s.lastIndexOf(' ') && sp < s.length() - 1
                    ? new String[] {s.substring(0, sp), s.substring(sp + 1)} : null;
        }
        if (m instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String a && l.get(1) instanceof String b) {
            return new String[] {a, b};
        }
        return null;
    }
}
