package dev.tinyseek.tokenizer;

import java.io.ByteArrayOutputStream;

/// Text to bytes and back, losslessly for every Java `String`: UTF-8, extended so that a lone
/// surrogate is written as the 3-byte sequence its code unit would have (`ED A0 80` to
/// `ED BF BF`), as in the WTF-8 encoding.
///
/// Why: a Java `String` may hold an unpaired surrogate (a cut emoji, say). Standard UTF-8
/// cannot represent it, and Java's encoder silently turns it into `?`. Here it survives, so
/// `decode(encode(s)).equals(s)` holds for every string; for well-formed text the bytes are
/// exactly standard UTF-8.
///
/// Decoding arbitrary bytes (a model's output need not be valid UTF-8): each maximal prefix of
/// an ill-formed sequence becomes one U+FFFD, the Unicode-recommended practice that Java's own
/// decoder follows too; the surrogate sequences above decode to the surrogate `char`.
///
/// Left out on purpose: streaming, and rejecting ill-formed input (this is a tokenizer: every
/// byte sequence must decode to something).
public final class Wtf8 {

    private Wtf8() {
    }

    /// The bytes of `s`: UTF-8, with lone surrogates as 3-byte sequences.
    public static byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i); // a lone surrogate comes back as itself
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xC0 | cp >> 6);
                out.write(0x80 | cp & 0x3F);
            } else if (cp < 0x10000) {
                out.write(0xE0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            } else {
                out.write(0xF0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3F);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /// The text of `bytes`; see the class comment for ill-formed input.
    public static String decode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                sb.append((char) b0);
                i++;
                continue;
            }
            // 1. the sequence length and the allowed range of the second byte
            int len, lo = 0x80, hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                len = 2;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                len = 3;
                if (b0 == 0xE0) {
                    lo = 0xA0; // no overlong forms
                }
                // 0xED with A0..BF is a surrogate: allowed here (that is the WTF-8 extension)
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                len = 4;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F; // nothing above U+10FFFF
                }
            } else {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            // 2. the continuation bytes
            int cp = b0 & (0xFF >> (len + 1));
            int k = 1;
            for (; k < len && i + k < bytes.length; k++) {
                int b = bytes[i + k] & 0xFF;
                boolean ok = k == 1 ? b >= lo && b <= hi : b >= 0x80 && b <= 0xBF;
                if (!ok) {
                    break;
                }
                cp = cp << 6 | b & 0x3F;
            }
            if (k < len) {
                sb.append('\uFFFD'); // the maximal valid prefix becomes one replacement
                i += k;
            } else {
                sb.appendCodePoint(cp);
                i += len;
            }
        }
        return sb.toString();
    }
}
