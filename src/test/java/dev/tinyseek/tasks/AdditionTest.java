package dev.tinyseek.tasks;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class AdditionTest {

    @Test
    void formatsAndVerifies() {
        Addition plain = new Addition(3, false, false);
        Problem p = plain.problem(123, 989);
        assertThat(p.prompt()).isEqualTo("123+989=");
        assertThat(p.answer()).isEqualTo("1112");
        assertThat(plain.verify(p, "1112")).isTrue();
        assertThat(plain.verify(p, "1113")).isFalse();
        assertThat(plain.verify(p, "")).isFalse();
        Addition padRev = new Addition(3, true, true);
        Problem q = padRev.problem(5, 123);
        assertThat(q.prompt()).isEqualTo("005+123=");
        assertThat(q.answer()).isEqualTo("8210");
    }

    @Test
    void theSplitsAreDisjointAndTheTestSplitIsAboutATenth() {
        Addition task = new Addition(3, true, true);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 2000; i++) {
            String[] ops = task.sample(r, Split.TRAIN).prompt().replace("=", "").split("\\+");
            assertThat(Addition.isTest(Long.parseLong(ops[0]), Long.parseLong(ops[1]))).isFalse();
            String[] t = task.sample(r, Split.TEST).prompt().replace("=", "").split("\\+");
            assertThat(Addition.isTest(Long.parseLong(t[0]), Long.parseLong(t[1]))).isTrue();
        }
        int held = 0;
        for (int a = 0; a < 100; a++) {
            for (int b = 0; b < 100; b++) {
                held += Addition.isTest(a, b) ? 1 : 0;
            }
        }
        assertThat(held).isBetween(900, 1100);
        assertThat(task.heldOut(20, 3)).isEqualTo(task.heldOut(20, 3));
    }
}
