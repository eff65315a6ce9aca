package dev.tinyseek.train;

import dev.tinyseek.tokenizer.Tokenizer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The shipped corpus, its fixed split and its BPE vocabulary.
class TextCorpusTest {

    static final TextCorpus CORPUS = TextCorpus.shakespeare();
    static final Tokenizer TOK = TextCorpus.shakespeareTokenizer();
    /// The training stream, encoded once for the class (encoding a megabyte takes seconds).
    static final int[] TRAINED = TextRun.trainingTokens(CORPUS, TOK);

    @Test
    void theSplitCutsAtTheFirstBlankLineAfterNinetyPercent() {
        String text = "To be\n\n" + "x".repeat(90) + "\n\nend"; // 102 chars: the cut looks from 92 on
        TextCorpus c = TextCorpus.split("t", text);
        assertThat(c.train()).isEqualTo("To be\n\n" + "x".repeat(90) + "\n\n");
        assertThat(c.heldOut()).isEqualTo("end");
        assertThat(c.text()).isEqualTo(text);
        assertThatThrownBy(() -> TextCorpus.split("t", "one long paragraph without any blank line at all"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no blank line");
    }

    @Test
    void theShippedCorpusSplitsIntoATenthHeldOutAtAParagraph() {
        TextCorpus c = TextCorpus.shakespeare();
        assertThat(c.text().getBytes(StandardCharsets.UTF_8)).hasSize(1_115_394);
        assertThat(c.train()).hasSize(1_003_857).endsWith("\n\n");
        assertThat(c.heldOut()).hasSize(111_537).startsWith("GREMIO:\nGood morrow, neighbour Baptista.");
        double share = (double) c.heldOut().length() / c.text().length();
        assertThat(share).isBetween(0.09, 0.1);
    }

    @Test
    void bpeRoundTripsTheWholeCorpus() {
        TextCorpus c = CORPUS;
        Tokenizer tok = TOK;
        assertThat(tok.vocabSize()).isEqualTo(TextCorpus.SHAKESPEARE_VOCAB);
        for (String split : new String[] {c.train(), c.heldOut()}) {
            int[] ids = split == c.train() ? TRAINED : tok.encode(split);
            assertThat(ids.length).as("BPE shortens the text").isLessThan(split.length() * 6 / 10);
            assertThat(tok.decode(ids).getBytes(StandardCharsets.UTF_8)).isEqualTo(split.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theHeldOutSplitNeverEntersTraining() {
        TextCorpus c = CORPUS;
        Tokenizer tok = TOK;
        int[] trained = TRAINED;
        String seen = tok.decode(trained);
        assertThat(seen).isEqualTo(c.train());
        // lines of the held-out split's first scene that occur nowhere in the training split
        assertThat(c.train()).doesNotContain("Good morrow, neighbour Baptista.").doesNotContain("Call'd Katharina, fair and virtuous?");
        assertThat(c.heldOut()).contains("Good morrow, neighbour Baptista.").contains("Call'd Katharina, fair and virtuous?");
        // every batch TextRun would train on is a window of that stream
        TextData data = new TextData(trained, 7, 8, 64);
        for (int i = 0; i < 50; i++) {
            Batch b = data.get();
            for (int r = 0; r < b.b(); r++) {
                int[] window = java.util.Arrays.copyOfRange(b.inputs(), r * 64, r * 64 + 64);
                assertThat(seen).contains(tok.decode(window));
            }
        }
    }

    @Tag("slow")
    @Test
    void theShippedVocabularyIsWhatTheTrainerLearnsFromTheTrainingSplit() {
        Tokenizer again = TextCorpus.trainShakespeareTokenizer();
        Tokenizer shipped = TextCorpus.shakespeareTokenizer();
        assertThat(again.merges()).usingRecursiveFieldByFieldElementComparator().isEqualTo(shipped.merges());
        assertThat(again.specials()).isEqualTo(shipped.specials());
    }
}
