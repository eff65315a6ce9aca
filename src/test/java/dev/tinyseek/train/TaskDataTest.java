package dev.tinyseek.train;

import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tensor.CrossEntropy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskDataTest {

    @Test
    void onlyTheAnswerAndItsEndAreTargets() {
        Batch b = new TaskData(new Addition(2, true, true), 1, 3, 12).get();
        for (int row = 0; row < 3; row++) {
            StringBuilder in = new StringBuilder(), tg = new StringBuilder();
            for (int i = 0; i < 12; i++) {
                in.append((char) b.inputs()[row * 12 + i]);
                int t = b.targets()[row * 12 + i];
                tg.append(t == CrossEntropy.IGNORE ? '-' : (char) t);
            }
            // "ab+cd=" is 6 tokens, the reversed padded sum 3, then "\n": targets start at '='
            String prompt = in.substring(0, 6);
            assertThat(prompt).matches("\\d\\d\\+\\d\\d=");
            assertThat(tg.substring(0, 5)).isEqualTo("-----");
            assertThat(tg.substring(5, 9)).isEqualTo(in.substring(6, 9) + "\n");
            assertThat(tg.substring(9)).isEqualTo("---");
            int a = Integer.parseInt(prompt.substring(0, 2)), c = Integer.parseInt(prompt.substring(3, 5));
            assertThat(new StringBuilder(in.substring(6, 9)).reverse().toString()).isEqualTo(String.format("%03d", a + c));
        }
    }

    @Test
    void tooShortASequenceIsReported() {
        assertThatThrownBy(() -> new TaskData(new Addition(3, true, true), 1, 2, 6).get()).hasMessageContaining("seqLen is 6");
    }

    @Test
    void bytesRoundTrip() {
        assertThat(TaskData.decode(TaskData.encode("12+7=\n héllo"))).isEqualTo("12+7=\n héllo");
    }
}
