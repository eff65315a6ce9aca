package dev.tinyseek.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Wtf8Test {

    @Test
    void wellFormedTextIsExactlyUtf8() {
        for (long seed = 0; seed < 300; seed++) {
            String s = RandomText.of(new SplittableRandom(seed), 30);
            if (hasLoneSurrogate(s)) {
                continue;
            }
            assertThat(Wtf8.encode(s)).as("seed %d", seed).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyJavaStringRoundTripsLoneSurrogatesIncluded() {
        for (long seed = 0; seed < 1000; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            char[] c = new char[r.nextInt(12)];
            for (int i = 0; i < c.length; i++) {
                c[i] = (char) (r.nextBoolean() ? r.nextInt(0xD700, 0xE100) : r.nextInt(0x10000)); // many surrogates
            }
            String s = new String(c);
            assertThat(Wtf8.decode(Wtf8.encode(s))).as("seed %d", seed).isEqualTo(s);
        }
        // the documented mapping: a lone surrogate is the 3-byte form of its code unit
        assertThat(Wtf8.encode("\uD800")).containsExactly(0xED, 0xA0, 0x80);
        assertThat(Wtf8.encode("a\uDFFF")).containsExactly('a', 0xED, 0xBF, 0xBF);
        assertThat(Wtf8.encode("\uD83D\uDE00")).containsExactly(0xF0, 0x9F, 0x98, 0x80); // a pair is one code point
        assertThat("\uD800".getBytes(StandardCharsets.UTF_8)).containsExactly('?'); // what Java's encoder would do
    }

    @Test
    void illFormedBytesDecodeLikeJavasDecoder() {
        for (long seed = 0; seed < 3000; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] b = new byte[r.nextInt(10)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (r.nextInt(3) == 0 ? r.nextInt(0x80, 0xC0) : r.nextInt(256));
            }
            boolean surrogateForm = false;
            for (int i = 0; i + 1 < b.length; i++) {
                surrogateForm |= (b[i] & 0xFF) == 0xED && (b[i + 1] & 0xFF) >= 0xA0 && (b[i + 1] & 0xFF) <= 0xBF;
            }
            if (!surrogateForm) { // the only place where we differ, on purpose
                assertThat(Wtf8.decode(b)).as("seed %d", seed).isEqualTo(new String(b, StandardCharsets.UTF_8));
            }
        }
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }
}
