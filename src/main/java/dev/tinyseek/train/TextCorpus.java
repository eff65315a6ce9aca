package dev.tinyseek.train;

import dev.tinyseek.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/// A plain-text corpus cut once, by a fixed rule, into a training split and a held-out split.
///
/// The rule: the held-out split is the last tenth of the text, starting at the first paragraph
/// boundary (a blank line, `"\n\n"`) at or after 90% of its characters; the training split is
/// everything before it. The two splits together are the whole text, and nothing of the
/// held-out split is ever given to the BPE trainer or to [TextData].
///
/// The shipped corpus is *Tiny Shakespeare* (`tinyshakespeare.txt`, 1,115,394 ASCII bytes, a
/// selection of Shakespeare's plays, public domain), with a 512-token BPE vocabulary trained by
/// [dev.tinyseek.tokenizer.BpeTrainer] on its training split (`tinyshakespeare-bpe512.json`);
/// see the `README.md` beside them for the source and licence.
public record TextCorpus(String name, String train, String heldOut) {

    /// The share of the text that is held out (rounded forward to a paragraph boundary).
    public static final double HELD_OUT_FRACTION = 0.1;
    /// The vocabulary size of the shipped tokenizer: 256 bytes + 6 specials + 250 merges.
    public static final int SHAKESPEARE_VOCAB = 512;

    private static final String DIR = "/dev/tinyseek/train/text/";
    private static final String SHAKESPEARE = "tinyshakespeare.txt";
    private static final String SHAKESPEARE_BPE = "tinyshakespeare-bpe512.json";

    public TextCorpus {
        if (train.isEmpty() || heldOut.isEmpty()) {
            throw new IllegalArgumentException("corpus " + name + ": both splits must be non-empty (train "
                    + train.length() + " chars, held-out " + heldOut.length() + ")");
        }
    }

    /// Splits `text` by the class comment's rule.
    ///
    /// @throws IllegalArgumentException if the text has no blank line in its last tenth
    public static TextCorpus split(String name, String text) {
        int from = (int) Math.ceil(text.length() * (1 - HELD_OUT_FRACTION));
        int cut = text.indexOf("\n\n", from);
        if (cut < 0) {
            throw new IllegalArgumentException("corpus " + name + ": no blank line after character " + from
                    + " of " + text.length() + " to start the held-out split at; give a text with paragraphs");
        }
        cut += 2; // the held-out split starts with the next paragraph's first character
        return new TextCorpus(name, text.substring(0, cut), text.substring(cut));
    }

    /// The whole text: the training split followed by the held-out split.
    public String text() {
        return train + heldOut;
    }

    /// The shipped Tiny Shakespeare corpus, split.
    public static TextCorpus shakespeare() {
        return split("tinyshakespeare", new String(resource(SHAKESPEARE), StandardCharsets.UTF_8));
    }

    /// The shipped 512-token BPE vocabulary of the Tiny Shakespeare training split.
    public static Tokenizer shakespeareTokenizer() {
        try {
            Path tmp = Files.createTempFile("tinyseek-bpe", ".json");
            try {
                Files.write(tmp, resource(SHAKESPEARE_BPE));
                return Tokenizer.load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the shipped tokenizer " + SHAKESPEARE_BPE + ": " + e.getMessage(), e);
        }
    }

    /// Trains the shipped vocabulary again from the training split (what `tinyshakespeare-bpe512.json` holds).
    public static Tokenizer trainShakespeareTokenizer() {
        return Tokenizer.train(shakespeare().train(), SHAKESPEARE_VOCAB);
    }

    private static byte[] resource(String file) {
        try (InputStream in = TextCorpus.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("the shipped corpus file " + DIR + file + " is not on the class path; "
                        + "rebuild with 'mvn compile' so that src/main/resources is copied");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIR + file + ": " + e.getMessage(), e);
        }
    }
}
