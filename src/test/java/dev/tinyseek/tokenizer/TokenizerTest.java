package dev.tinyseek.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinyseek.io.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

    static String corpus;
    static Tokenizer trained;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        StringBuilder sb = new StringBuilder();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 400; i++) {
            sb.append("<think>").append(r.nextInt(100)).append(" plus ").append(r.nextInt(100))
                    .append(" is the sum; the cat thinks</think><answer>").append(r.nextInt(200)).append("</answer><eos>\n");
            sb.append(RandomText.of(r, 20)).append('\n');
        }
        corpus = sb.toString();
        trained = Tokenizer.train(corpus, 400);
    }

    @Test
    void byteLevelIsTheIdentityOnBytes() {
        Tokenizer t = Tokenizer.byteLevel();
        assertThat(t.vocabSize()).isEqualTo(256);
        assertThat(t.encode("hé")).containsExactly('h', 0xC3, 0xA9);
        assertThat(t.encode("<eos>")).hasSize(5); // no specials: just bytes
        assertThat(t.decode(new int[] {0xF0, 0x9F, 0x98, 0x80})).isEqualTo("😀");
    }

    @Test
    void decodeOfEncodeIsTheIdentityForEveryString() {
        List<Tokenizer> all = List.of(Tokenizer.byteLevel(), trained,
                new Tokenizer(List.of("<a", "<ab"), List.of(new int[] {'a', 'b'})));
        for (long seed = 0; seed < 500; seed++) {
            String s = RandomText.of(new SplittableRandom(seed), 40);
            for (Tokenizer t : all) {
                int[] ids = t.encode(s);
                assertThat(t.decode(ids)).as("seed %d, %s, string %s", seed, t, escape(s)).isEqualTo(s);
                for (int id : ids) {
                    assertThat(id).isBetween(0, t.vocabSize() - 1);
                }
            }
        }
        for (String s : List.of("", "a", " ", "\n", "😀", "\uD800", "\uDC00x", "é", "<think>", "<eos><eos>", "</answer", "0")) {
            assertThat(trained.decode(trained.encode(s))).as(escape(s)).isEqualTo(s);
        }
        assertThat(trained.encode("")).isEmpty();
        assertThat(trained.decode(new int[0])).isEmpty();
        assertThat(trained.encode("x")).containsExactly('x');
    }

    @Test
    void loneSurrogatesBecomeTheirThreeByteForm() {
        // documented rule (Wtf8): not '?' as Java's UTF-8 encoder would give, but ED A0 80 ...
        assertThat(Tokenizer.byteLevel().encode("\uD800")).containsExactly(0xED, 0xA0, 0x80);
        assertThat(Tokenizer.byteLevel().decode(new int[] {0xED, 0xA0, 0x80})).isEqualTo("\uD800");
        assertThat(Tokenizer.byteLevel().decode(new int[] {0xFF, 'a', 0xC3})).isEqualTo("\uFFFDa\uFFFD");
    }

    @Test
    void specialTokensAreMatchedBeforeBpeLeftmostLongest() {
        int[] ids = trained.encode("<think>12</think><answer>3</answer><eos><pad>");
        assertThat(ids[0]).isEqualTo(trained.specialId(Tokenizer.THINK)).isEqualTo(258);
        assertThat(ids).contains(trained.specialId(Tokenizer.THINK_END), trained.specialId(Tokenizer.ANSWER),
                trained.specialId(Tokenizer.ANSWER_END));
        assertThat(ids[ids.length - 2]).isEqualTo(trained.specialId(Tokenizer.EOS)).isEqualTo(256);
        assertThat(ids[ids.length - 1]).isEqualTo(trained.specialId(Tokenizer.PAD)).isEqualTo(257);
        assertThat(trained.decode(new int[] {256})).isEqualTo("<eos>");
        Tokenizer t = new Tokenizer(List.of("<a", "<ab"), List.of());
        assertThat(t.encode("x<abc<a")).containsExactly('x', 257, 'c', 256);
        assertThatThrownBy(() -> t.specialId("<eos>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no special token <eos>; this tokenizer has [<a, <ab]");
    }

    @Test
    void mergesAreAppliedInRankOrder() {
        // rank 0: a+a, rank 1: aa+a, rank 2: a+b. "aaab": a+a first -> [aa, a, b] -> aa+a -> [aaa, b]
        Tokenizer t = new Tokenizer(List.of(), List.of(new int[] {'a', 'a'}, new int[] {256, 'a'}, new int[] {'a', 'b'}));
        assertThat(t.encode("aaab")).containsExactly(257, 'b');
        Tokenizer u = new Tokenizer(List.of(), List.of(new int[] {'a', 'b'}, new int[] {'a', 'a'}, new int[] {257, 'a'}));
        assertThat(u.encode("aaab")).containsExactly(257, 256);
        // property: the same as one left-to-right pass per merge, in rank order (an independent oracle)
        for (long seed = 0; seed < 300; seed++) {
            String s = RandomText.of(new SplittableRandom(seed), 40);
            assertThat(trained.encode(s)).as("seed %d", seed).isEqualTo(oracleEncode(trained, s));
        }
    }

    @Test
    void trainingIsDeterministicWithTheDocumentedTieRule() {
        Tokenizer again = Tokenizer.train(corpus, 400);
        assertThat(again.merges()).zipSatisfy(trained.merges(), (a, b) -> assertThat(a).isEqualTo(b));
        assertThat(trained.vocabSize()).isEqualTo(400);
        // "ab" and "xy" occur equally often: the smaller left id (a = 97) is merged first
        Tokenizer t = BpeTrainer.train("xy\nab\nxy\nab\n", 300, List.of());
        assertThat(t.merges()).hasSize(2);
        assertThat(t.merges().get(0)).containsExactly('a', 'b');
        assertThat(t.merges().get(1)).containsExactly('x', 'y');
        // no pair occurs twice: no merge at all
        assertThat(BpeTrainer.train("abc", 300, List.of()).vocabSize()).isEqualTo(256);
        // specials in the training text are never learned from
        Tokenizer s = BpeTrainer.train("<eos><eos><eos>", 300, List.of("<eos>"));
        assertThat(s.merges()).isEmpty();
        assertThatThrownBy(() -> Tokenizer.train("x", 261)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabSize 261 must be at least 256 bytes + 6 specials = 262");
    }

    @Test
    void aTrainedTokenizerCompressesItsKindOfText() {
        String s = "<think>12 plus 34 is the sum; the cat thinks</think><answer>46</answer><eos>";
        assertThat(trained.encode(s).length).isLessThan(s.getBytes(StandardCharsets.UTF_8).length / 2);
        assertThat(trained.tokenText(trained.encode(" thinks")[0])).isEqualTo(" thinks");
        // digits stay one token each
        assertThat(trained.encode("1234")).containsExactly('1', '2', '3', '4');
    }

    @Test
    void saveLoadRoundTripsAndTheFileIsHfLike() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        trained.save(file);
        Tokenizer back = Tokenizer.load(file);
        assertThat(back.vocabSize()).isEqualTo(trained.vocabSize());
        assertThat(back.specials()).isEqualTo(trained.specials());
        assertThat(back.merges()).zipSatisfy(trained.merges(), (a, b) -> assertThat(a).isEqualTo(b));
        for (long seed = 0; seed < 50; seed++) {
            String s = RandomText.of(new SplittableRandom(seed), 40);
            assertThat(back.encode(s)).isEqualTo(trained.encode(s));
        }
        String text = Files.readString(file);
        assertThat(text).contains("\"added_tokens\": [", "\"content\": \"<think>\"", "\"type\": \"BPE\"",
                "\"vocab\": {", "\"merges\": [", "\"Ġ\": 32");
        back.save(file); // saving again gives the same bytes
        assertThat(Files.readString(file)).isEqualTo(text);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tokenizer.json");
        }
    }

    @Test
    void badTokenizerFilesNameTheFileAndTheField() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        new Tokenizer(List.of("<eos>"), List.of(new int[] {'a', 'b'}, new int[] {257, 'c'})).save(file);
        String good = Files.readString(file);
        expectBroken(file, good.replace("\"ab c\"", "\"ab d\""), "model.merges[1] \"ab d\": both parts and their join");
        expectBroken(file, good.replace("\"id\": 256", "\"id\": 300"), "added_tokens[0] has id 300, expected 256");
        expectBroken(file, good.replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\""), "model.type \"WordPiece\" must be \"BPE\"");
        expectBroken(file, good.replace("\"merges\"", "\"merges_\""), "model: missing key \"merges\"");
        expectBroken(file, good.replace("\"a\": 97", "\"a\": 98"), "model.vocab must map the byte 97");
        expectBroken(file, good.substring(0, good.length() / 2), "JSON");
        expectBroken(file, good.replace("\"format\": 1", "\"format\": 2"), "tinyseek.format 2 is not supported");
        assertThatThrownBy(() -> Tokenizer.load(dir.resolve("none.json"))).isInstanceOf(CheckpointException.class)
                .hasMessageEndingWith("none.json: file not found");
    }

    @Test
    void badIdsAndBadMergesAreNamed() {
        assertThatThrownBy(() -> trained.decode(new int[] {5, 400})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token id 400 at position 1 is outside the vocabulary 0..399");
        assertThatThrownBy(() -> new Tokenizer(List.of("<eos>"), List.of(new int[] {256, 'a'})))
                .hasMessageContaining("merge 0 [256, 97] must join two ids below 257");
        assertThatThrownBy(() -> new Tokenizer(List.of(), List.of(new int[] {'a', 'b'}, new int[] {256, 'c'}, new int[] {'b', 'c'}, new int[] {'a', 258})))
                .hasMessageContaining("makes the same bytes \"abc\" as token 257");
        assertThatThrownBy(() -> new Tokenizer(List.of("x", "x"), List.of())).hasMessageContaining("distinct");
    }

    // ------------------------------------------------------------------------------------

    private static void expectBroken(Path file, String text, String message) throws IOException {
        Files.writeString(file, text);
        assertThatThrownBy(() -> Tokenizer.load(file)).as(message).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(file + ": ").hasMessageContaining(message);
    }

    /// Encoding by its definition, written differently: specials first, then for each chunk one
    /// left-to-right pass per merge, in rank order.
    private static int[] oracleEncode(Tokenizer t, String s) {
        List<Integer> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            String special = null;
            for (String sp : t.specials()) {
                if (i < s.length() && s.startsWith(sp, i) && (special == null || sp.length() > special.length())) {
                    special = sp;
                }
            }
            if (special == null && i < s.length()) {
                continue;
            }
            for (String chunk : PreSplit.split(s.substring(start, i))) {
                List<Integer> ids = new ArrayList<>();
                for (byte b : Wtf8.encode(chunk)) {
                    ids.add(b & 0xFF);
                }
                List<int[]> merges = t.merges();
                for (int r = 0; r < merges.size(); r++) {
                    List<Integer> next = new ArrayList<>();
                    for (int k = 0; k < ids.size(); k++) {
                        if (k + 1 < ids.size() && ids.get(k) == merges.get(r)[0] && ids.get(k + 1) == merges.get(r)[1]) {
                            next.add(256 + t.specials().size() + r);
                            k++;
                        } else {
                            next.add(ids.get(k));
                        }
                    }
                    ids = next;
                }
                out.addAll(ids);
            }
            if (special != null) {
                out.add(t.specialId(special));
                i += special.length() - 1;
                start = i + 1;
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(c < 0x7F && c >= 0x20 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return sb.toString();
    }
}
