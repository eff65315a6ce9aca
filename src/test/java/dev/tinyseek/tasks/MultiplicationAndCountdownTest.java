package dev.tinyseek.tasks;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiplicationAndCountdownTest {

    @Test
    void multiplicationFormatsAndVerifies() {
        Multiplication plain = new Multiplication(2, false, false);
        Problem p = plain.problem(12, 34);
        assertThat(p.prompt()).isEqualTo("12*34=");
        assertThat(p.answer()).isEqualTo("408");
        assertThat(plain.verify(p, "408")).isTrue();
        assertThat(plain.verify(p, "4080")).isFalse();
        assertThat(plain.verify(p, "")).isFalse();
        Multiplication padRev = new Multiplication(2, true, true);
        Problem q = padRev.problem(7, 12);
        assertThat(q.prompt()).isEqualTo("07*12=");
        assertThat(q.answer()).isEqualTo("4800"); // 0084 reversed
        assertThat(padRev.wellFormed(q, "1234")).isTrue();
        assertThat(padRev.wellFormed(q, "123")).isFalse();
        assertThat(padRev.wellFormed(q, "12a4")).isFalse();
        assertThatThrownBy(() -> new Multiplication(0, false, false)).hasMessageContaining("digits = 0");
    }

    @Test
    void multiplicationSplitsAreDisjoint() {
        Multiplication task = new Multiplication(2, false, false);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 1000; i++) {
            String[] tr = task.sample(r, Split.TRAIN).prompt().replace("=", "").split("\\*");
            assertThat(Multiplication.isTest(Long.parseLong(tr[0]), Long.parseLong(tr[1]))).isFalse();
            String[] te = task.sample(r, Split.TEST).prompt().replace("=", "").split("\\*");
            assertThat(Multiplication.isTest(Long.parseLong(te[0]), Long.parseLong(te[1]))).isTrue();
        }
        int held = 0;
        for (int a = 0; a < 100; a++) {
            for (int b = 0; b < 100; b++) {
                held += Multiplication.isTest(a, b) ? 1 : 0;
            }
        }
        assertThat(held).isBetween(900, 1100);
    }

    @Test
    void countdownAcceptsAnyValidExpressionAndNothingElse() {
        Countdown task = Countdown.small();
        Problem p = new Problem("3,5,7->22:", "3*5+7");
        assertThat(task.verify(p, "3*5+7")).isTrue();
        assertThat(task.verify(p, "7+5*3")).isTrue();
        assertThat(task.verify(p, " ( 5 * 3 ) + 7 ")).isTrue();
        assertThat(task.verify(p, "7+3*5")).isTrue();
        // wrong value, a number used twice, a number missing, an extra number
        assertThat(task.verify(p, "3*5+5")).isFalse();
        assertThat(task.verify(p, "3*7+5")).isFalse(); // 26
        assertThat(task.verify(p, "15+7")).isFalse();
        assertThat(task.verify(p, "3*5+7+0")).isFalse();
        // malformed: unary minus, stray characters, unbalanced, empty, division by zero
        assertThat(task.verify(p, "-3+5*7-10")).isFalse();
        assertThat(task.verify(p, "3*5+7=22")).isFalse();
        assertThat(task.verify(p, "(3*5+7")).isFalse();
        assertThat(task.verify(p, "")).isFalse();
        assertThat(task.verify(new Problem("3,5,0->1:", ""), "3/0+5")).isFalse();
        // exact fractions: 7/2*2 is 7, not 6
        Problem q = new Problem("7,2,2->7:", "");
        assertThat(task.verify(q, "7/2*2")).isTrue();
        assertThat(task.verify(q, "7/(2*2)")).isFalse();
        assertThat(task.wellFormed(p, "3*5+5")).isTrue();
        assertThat(task.wellFormed(p, "3*5+")).isFalse();
    }

    @Test
    void countdownProblemsAreSolvableByTheirReferenceAndSplitsAreDisjoint() {
        Countdown task = new Countdown(4, 9, 200);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            for (Split s : Split.values()) {
                Problem p = task.sample(r, s);
                assertThat(task.verify(p, p.answer())).as(p.toString()).isTrue();
                String[] parts = p.prompt().substring(0, p.prompt().length() - 1).split("->");
                long[] nums = java.util.Arrays.stream(parts[0].split(",")).mapToLong(Long::parseLong).toArray();
                assertThat(nums).hasSize(4);
                assertThat(Countdown.isTest(nums, Long.parseLong(parts[1]))).isEqualTo(s == Split.TEST);
            }
        }
    }
}
