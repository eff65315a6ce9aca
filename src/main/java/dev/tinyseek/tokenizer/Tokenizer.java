package dev.tinyseek.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tinyseek.io.Json;

/// A byte-level BPE tokenizer: text to token ids and back.
///
/// The vocabulary, in id order:
///
/// | ids | what |
/// |---|---|
/// | 0..255 | the 256 byte values: id `b` is byte `b`, so a model with vocabulary 256 is plain byte-level |
/// | 256..256+S-1 | the special tokens, e.g. [#DEFAULT_SPECIALS] |
/// | 256+S.. | one token per merge, in rank order: merge `r` joins two earlier tokens into id `256+S+r` |
///
/// Encoding (see [#encode]):
/// 1. special tokens are matched in the text first, leftmost, longest first; they are never
///    split or merged;
/// 2. the text between them is cut into chunks by [PreSplit];
/// 3. each chunk becomes bytes by [Wtf8] (UTF-8, lone surrogates kept), one token per byte;
/// 4. merges are applied in rank order: repeatedly, the adjacent pair with the lowest rank is
///    joined everywhere in the chunk, left to right, until no pair of the chunk has a merge.
///
/// Decoding concatenates the bytes of the tokens (a special decodes to its text) and reads
/// them as [Wtf8], so `decode(encode(s)).equals(s)` for every Java string, lone surrogates
/// included. Training is [BpeTrainer]; files are [TokenizerFile].
///
/// Left out on purpose: normalisation (NFC etc.), a byte-fallback for unknown tokens (nothing
/// is unknown here), caching and the priority-queue encoder (this one is quadratic in the
/// length of a chunk, which is a word).
public final class Tokenizer {

    public static final String EOS = "<eos>";
    public static final String PAD = "<pad>";
    public static final String THINK = "<think>";
    public static final String THINK_END = "</think>";
    public static final String ANSWER = "<answer>";
    public static final String ANSWER_END = "</answer>";
    /// The specials of the task templates, in the id order they get by default (256..261).
    public static final List<String> DEFAULT_SPECIALS = List.of(EOS, PAD, THINK, THINK_END, ANSWER, ANSWER_END);

    private final List<String> specials;     // [S]
    private final int[][] merges;            // [M][2]: left id, right id, in rank order
    private final byte[][] tokenBytes;       // [V]: the bytes each id stands for (specials: their WTF-8 text)
    private final Map<Long, Integer> rank;   // pair (left << 32 | right) -> rank
    private final Map<String, Integer> specialIds;

    /// A tokenizer from its parts. `merges[r] = {left, right}` must refer to ids below
    /// `256 + specials.size() + r` that are not specials, and no two tokens may have the same bytes.
    ///
    /// @throws IllegalArgumentException naming the bad special or merge
    public Tokenizer(List<String> specials, List<int[]> merges) {
        this.specials = List.copyOf(specials);
        this.specialIds = new HashMap<>();
        int first = 256 + this.specials.size();
        this.tokenBytes = new byte[first + merges.size()][];
        for (int b = 0; b < 256; b++) {
            tokenBytes[b] = new byte[] {(byte) b};
        }
        for (int i = 0; i < this.specials.size(); i++) {
            String s = this.specials.get(i);
            if (s.isEmpty() || specialIds.put(s, 256 + i) != null) {
                throw new IllegalArgumentException("special token " + i + " " + Json.quote(s)
                        + " must be non-empty and distinct from the others; got " + this.specials);
            }
            tokenBytes[256 + i] = Wtf8.encode(s);
        }
        this.merges = new int[merges.size()][];
        this.rank = new HashMap<>();
        Map<String, Integer> byBytes = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            byBytes.put(ByteChars.of(tokenBytes[b]), b);
        }
        for (int r = 0; r < merges.size(); r++) {
            int[] m = merges.get(r);
            int id = first + r;
            if (m.length != 2 || !mergeable(m[0], id) || !mergeable(m[1], id)) {
                throw new IllegalArgumentException("merge " + r + " " + Arrays.toString(m) + " must join two ids below "
                        + id + " that are bytes (0..255) or earlier merges (" + first + "..), not specials");
            }
            if (rank.putIfAbsent(pair(m[0], m[1]), r) != null) {
                throw new IllegalArgumentException("merge " + r + " " + Arrays.toString(m) + " repeats merge "
                        + rank.get(pair(m[0], m[1])));
            }
            this.merges[r] = m.clone();
            byte[] a = tokenBytes[m[0]], b = tokenBytes[m[1]];
            byte[] ab = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, ab, a.length, b.length);
            tokenBytes[id] = ab;
            Integer other = byBytes.putIfAbsent(ByteChars.of(ab), id);
            if (other != null) {
                throw new IllegalArgumentException("merge " + r + " " + Arrays.toString(m) + " makes the same bytes "
                        + Json.quote(ByteChars.of(ab)) + " as token " + other + "; each byte string may be one token only");
            }
        }
    }

    private boolean mergeable(int id, int below) {
        return id >= 0 && id < below && (id < 256 || id >= 256 + specials.size());
    }

    /// The plain byte-level tokenizer: 256 tokens, no specials, no merges.
    public static Tokenizer byteLevel() {
        return new Tokenizer(List.of(), List.of());
    }

    /// Trains on `text` with the [#DEFAULT_SPECIALS]; see [BpeTrainer#train].
    public static Tokenizer train(String text, int vocabSize) {
        return BpeTrainer.train(text, vocabSize, DEFAULT_SPECIALS);
    }

    /// Reads a `tokenizer.json`; see [TokenizerFile#load].
    public static Tokenizer load(Path file) {
        return TokenizerFile.load(file);
    }

    /// Writes a `tokenizer.json` atomically; see [TokenizerFile#save].
    public void save(Path file) {
        TokenizerFile.save(this, file);
    }

    // ------------------------------------------------------------------------------------

    /// The token ids of `text`; see the class comment for the steps.
    public int[] encode(String text) {
        IntList out = new IntList();
        int start = 0; // start of the text not yet encoded
        int i = 0;
        while (i < text.length()) {
            String special = specialAt(text, i);
            if (special == null) {
                i++;
                continue;
            }
            encodeOrdinary(text.substring(start, i), out);
            out.add(specialIds.get(special));
            i += special.length();
            start = i;
        }
        encodeOrdinary(text.substring(start), out);
        return out.toArray();
    }

    /// The longest special token that starts at `i`, or null.
    private String specialAt(String text, int i) {
        String best = null;
        for (String s : specials) {
            if (text.startsWith(s, i) && (best == null || s.length() > best.length())) {
                best = s;
            }
        }
        return best;
    }

    private void encodeOrdinary(String text, IntList out) {
        for (String chunk : PreSplit.split(text)) {
            byte[] bytes = Wtf8.encode(chunk);
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = bytes[i] & 0xFF;
            }
            int n = applyMerges(ids);
            for (int i = 0; i < n; i++) {
                out.add(ids[i]);
            }
        }
    }

    /// Applies the merges to `ids` in place, lowest rank first; returns the new length.
    int applyMerges(int[] ids) {
        int n = ids.length;
        while (n >= 2) {
            // 1. the adjacent pair with the lowest rank
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < n; i++) {
                Integer r = rank.get(pair(ids[i], ids[i + 1]));
                if (r != null && r < best) {
                    best = r;
                }
            }
            if (best == Integer.MAX_VALUE) {
                break;
            }
            // 2. join every occurrence of it, left to right
            int left = merges[best][0], right = merges[best][1], id = 256 + specials.size() + best;
            int w = 0;
            for (int i = 0; i < n; i++) {
                if (i + 1 < n && ids[i] == left && ids[i + 1] == right) {
                    ids[w++] = id;
                    i++;
                } else {
                    ids[w++] = ids[i];
                }
            }
            n = w;
        }
        return n;
    }

    /// The text of `ids`: their bytes, concatenated, read as [Wtf8]. Ill-formed byte sequences
    /// (possible when a model emits tokens in an odd order) become U+FFFD.
    ///
    /// @throws IllegalArgumentException for an id outside `0..vocabSize()-1`
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < ids.length; i++) {
            out.writeBytes(tokenBytes(ids[i], i));
        }
        return Wtf8.decode(out.toByteArray());
    }

    private byte[] tokenBytes(int id, int position) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + (position >= 0 ? " at position " + position : "")
                    + " is outside the vocabulary 0.." + (tokenBytes.length - 1));
        }
        return tokenBytes[id];
    }

    // ------------------------------------------------------------------------------------

    /// Number of tokens: 256 + specials + merges.
    public int vocabSize() {
        return tokenBytes.length;
    }

    public List<String> specials() {
        return specials;
    }

    /// The merges in rank order, each `{left, right}`; merge `r` makes id `256 + specials + r`.
    public List<int[]> merges() {
        List<int[]> out = new ArrayList<>(merges.length);
        for (int[] m : merges) {
            out.add(m.clone());
        }
        return out;
    }

    /// The id of a special token.
    ///
    /// @throws IllegalArgumentException naming the specials this tokenizer has
    public int specialId(String special) {
        Integer id = specialIds.get(special);
        if (id == null) {
            throw new IllegalArgumentException("no special token " + special + "; this tokenizer has " + specials);
        }
        return id;
    }

    public boolean isSpecial(int id) {
        return id >= 256 && id < 256 + specials.size();
    }

    /// The bytes token `id` stands for (a copy).
    public byte[] bytesOf(int id) {
        return tokenBytes(id, -1).clone();
    }

    /// The token as readable text, for display: its bytes decoded (partial characters become U+FFFD).
    public String tokenText(int id) {
        return Wtf8.decode(tokenBytes(id, -1));
    }

    static long pair(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    @Override
    public String toString() {
        return "Tokenizer[vocab " + vocabSize() + " = 256 bytes + " + specials.size() + " specials + "
                + merges.length + " merges]";
    }

    /// A growable int array.
    static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
