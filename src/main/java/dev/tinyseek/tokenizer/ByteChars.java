package dev.tinyseek.tokenizer;

/// The byte-to-character table that GPT-2 and Hugging Face byte-level BPE files use to write
/// byte strings as printable text: printable Latin-1 bytes stand for themselves, the others
/// (control characters, space, ...) are shifted to U+0100 and up, so a space is `Ġ` and a
/// newline is `Ċ`. It makes `tokenizer.json` readable and its merges splittable on " ".
final class ByteChars {

    private static final char[] TO_CHAR = new char[256];
    private static final int[] TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            TO_CHAR[b] = c;
            TO_BYTE[c] = b;
        }
    }

    private ByteChars() {
    }

    static String of(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(TO_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }

    /// The bytes a table string stands for, or `null` if it holds a character outside the table.
    static byte[] bytes(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= TO_BYTE.length || TO_BYTE[c] < 0) {
                return null;
            }
            out[i] = (byte) TO_BYTE[c];
        }
        return out;
    }
}
