package dev.tinyseek.tokenizer;

import java.util.SplittableRandom;

/// Seeded random strings for the tokenizer properties: ASCII words and digits, accented and
/// CJK text, emoji (surrogate pairs), lone surrogates, whitespace runs and special tokens.
final class RandomText {

    private RandomText() {
    }

    static String of(SplittableRandom r, int maxLen) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(maxLen + 1);
        while (sb.length() < n) {
            switch (r.nextInt(10)) {
                case 0, 1 -> sb.append("the cat sat on a mat ".split(" ")[r.nextInt(6)]).append(' ');
                case 2 -> sb.append((char) r.nextInt(0x20, 0x7F));
                case 3 -> sb.append(r.nextInt(1000));
                case 4 -> sb.append("éüñçœß€£".charAt(r.nextInt(8)));
                case 5 -> sb.appendCodePoint(r.nextInt(0x4E00, 0x9FFF));
                case 6 -> sb.appendCodePoint(r.nextInt(0x1F300, 0x1FAFF)); // emoji: a surrogate pair
                case 7 -> sb.append((char) r.nextInt(0xD800, 0xE000));   // a lone surrogate (unless it pairs up)
                case 8 -> sb.append(" \n\t\r  ".charAt(r.nextInt(6)));
                default -> sb.append(Tokenizer.DEFAULT_SPECIALS.get(r.nextInt(6)));
            }
        }
        return sb.toString();
    }
}
