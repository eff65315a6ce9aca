package dev.tinyseek.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextDataTest {

    @Test
    void batchesAreWindowsOfTheStreamWithTargetsOneAhead() {
        int[] stream = new int[100];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = i; // token = its position, so a window shows where it was cut
        }
        TextData data = new TextData(stream, 3, 4, 10);
        for (int n = 0; n < 200; n++) {
            Batch b = data.get();
            assertThat(b.b()).isEqualTo(4);
            assertThat(b.t()).isEqualTo(10);
            for (int r = 0; r < 4; r++) {
                int start = b.inputs()[r * 10];
                assertThat(start).isBetween(0, 89);
                for (int i = 0; i < 10; i++) {
                    assertThat(b.inputs()[r * 10 + i]).isEqualTo(start + i);
                    assertThat(b.targets()[r * 10 + i]).isEqualTo(start + i + 1);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndRestoreResumes() {
        int[] stream = new int[500];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = (i * 31) % 97;
        }
        TextData a = new TextData(stream, 11, 3, 16), b = new TextData(stream, 11, 3, 16), c = new TextData(stream, 12, 3, 16);
        for (int i = 0; i < 5; i++) {
            a.get();
        }
        b.restore(5);
        assertThat(b.draws()).isEqualTo(5);
        Batch x = a.get(), y = b.get();
        assertThat(y.inputs()).isEqualTo(x.inputs());
        c.restore(5);
        assertThat(c.get().inputs()).isNotEqualTo(x.inputs());
    }

    @Test
    void aStreamShorterThanOneWindowIsRefused() {
        assertThatThrownBy(() -> new TextData(new int[10], 1, 2, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than one window of 11");
    }
}
