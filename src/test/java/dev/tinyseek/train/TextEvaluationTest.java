package dev.tinyseek.train;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TextEvaluationTest {

    /// A model whose head is all zeros predicts every token of its vocabulary with probability
    /// 1/V, so every predicted token costs ln V nats whatever the text.
    static Transformer uniform(int vocab) {
        Transformer m = new Transformer(ModelConfig.tiny().withVocabSize(vocab), 1);
        Arrays.fill(m.lmHead.weight.data, 0f);
        return m;
    }

    @Test
    void bitsPerByteOfAHandWorkedCase() {
        // one merge, "ab" -> 256; "ababa" encodes to [256, 256, 'a']: the model predicts the
        // second "ab" (2 bytes) and the "a" (1 byte) from what comes before.
        Tokenizer tok = new Tokenizer(List.of(), List.of(new int[] {'a', 'b'}));
        int[] ids = tok.encode("ababa");
        assertThat(ids).containsExactly(256, 256, 'a');
        // V = 260: two tokens at ln 260 nats each over 3 bytes = 2 · 8.0224 / 3 = 5.3482 bits a byte
        TextEvaluation.Result r = TextEvaluation.evaluate(uniform(260), tok, ids, 8);
        assertThat(r.tokens()).isEqualTo(2);
        assertThat(r.bytes()).isEqualTo(3);
        assertThat(r.loss()).isCloseTo(Math.log(260), within(1e-6));
        assertThat(r.bitsPerByte()).isCloseTo(2 * Math.log(260) / Math.log(2) / 3, within(1e-6));
        assertThat(r.bitsPerByte()).isCloseTo(5.3482, within(1e-4));
        assertThat(TextEvaluation.bitsPerByte(3 * Math.log(2), 3)).isCloseTo(1.0, within(1e-12));
        assertThatThrownBy(() -> TextEvaluation.bitsPerByte(1, 0)).hasMessageContaining("at least one byte");
    }

    @Test
    void byteTokensUnderAUniformModelCostEightBitsAByteInEveryWindowing() {
        Tokenizer bytes = Tokenizer.byteLevel();
        int[] ids = bytes.encode("To be, or not to be, that is the question."); // 42 tokens, 41 predicted
        for (int seqLen : new int[] {1, 5, 40, 41, 64}) {
            TextEvaluation.Result r = TextEvaluation.evaluate(uniform(256), bytes, ids, seqLen);
            assertThat(r.tokens()).as("seqLen " + seqLen).isEqualTo(41);
            assertThat(r.bytes()).isEqualTo(41);
            assertThat(r.bitsPerByte()).isCloseTo(8.0, within(1e-6));
        }
        TextEvaluation.Result few = TextEvaluation.evaluate(uniform(256), bytes, ids, 5, 2);
        assertThat(few.tokens()).as("two windows of five").isEqualTo(10);
    }

    @Test
    void theLossIsTheMeanCrossEntropyOfTheSameWindows() {
        Transformer m = new Transformer(ModelConfig.tiny(), 5); // random weights: a non-uniform prediction
        int t = 12;
        int[] ids = new int[2 * t + 1];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 37 + 11) % 256;
        }
        TextEvaluation.Result r = TextEvaluation.evaluate(m, Tokenizer.byteLevel(), ids, t);
        int[] in = new int[2 * t], target = new int[2 * t];
        for (int i = 0; i < 2 * t; i++) {
            in[i] = ids[i];
            target[i] = ids[i + 1];
        }
        float[] logits = m.forward(in, 2, t).logits();
        double expected = CrossEntropy.forward(logits, target, CrossEntropy.IGNORE, 2 * t, 256).loss();
        assertThat(r.loss()).isCloseTo(expected, within(1e-5));
        int right = 0;
        for (int i = 0; i < 2 * t; i++) {
            int best = 0;
            for (int j = 1; j < 256; j++) {
                best = logits[i * 256 + j] > logits[i * 256 + best] ? j : best;
            }
            right += best == target[i] ? 1 : 0;
        }
        assertThat(r.accuracy()).isEqualTo(right / (2.0 * t));
    }
}
