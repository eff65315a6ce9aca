package dev.tinyseek.rl;

import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// Reward functions on hand-made completions, including the adversarial ones (empty answer, extra tokens, two answers, no end token).
class RewardTest {

    private final Addition task = new Addition(2, true, true);
    private final Problem p = task.problem(12, 34); // "12+34=" -> "640"

    @Test
    void r1FormatTakesTheLastAnswerAndNeverAnEmptyOne() {
        AnswerFormat f = AnswerFormat.R1;
        assertThat(f.extract("<think>6 4 0</think><answer>640</answer>")).isEqualTo("640");
        assertThat(f.extract("<think>x</think><answer>111</answer><answer> 640 </answer>")).isEqualTo("640");
        assertThat(f.extract("<think>x</think><answer></answer>")).isNull();
        assertThat(f.extract("<think>x</think><answer>   </answer>")).isNull();
        assertThat(f.extract("640")).isNull();
        assertThat(f.extract("<answer>640")).isNull();
        assertThat(f.wellFormed("<think>a</think><answer>640</answer>")).isTrue();
        assertThat(f.wellFormed(" <think>a</think>\n<answer>640</answer>\n")).isTrue();
        assertThat(f.wellFormed("<answer>640</answer>")).isFalse();
        assertThat(f.wellFormed("<think>a</think><answer>1</answer><answer>640</answer>")).isFalse();
        assertThat(f.wellFormed("<think>a</think><answer></answer>")).isFalse();
        assertThat(f.wellFormed("<think>a</think><answer>640</answer>junk")).isFalse();
        assertThat(f.write("c", "640")).isEqualTo("<think>c</think><answer>640</answer>");
    }

    @Test
    void accuracyAndFormatRewardsOnAdversarialCompletions() {
        Reward r1 = Reward.r1(task, AnswerFormat.R1);
        assertThat(r1.score(p, "<think>c</think><answer>640</answer>", true)).isEqualTo(1.1);
        assertThat(r1.score(p, "<think>c</think><answer>641</answer>", true)).isEqualTo(0.1);       // well-formed, wrong
        assertThat(r1.score(p, "<think>c</think><answer></answer>", true)).isEqualTo(0.0);          // empty answer
        assertThat(r1.score(p, "<think>c</think><answer>6400</answer>", true)).isEqualTo(0.0);      // extra token
        assertThat(r1.score(p, "<think>c</think><answer>640</answer>", false)).isEqualTo(0.0);      // no end token
        assertThat(r1.score(p, "<think>c</think><answer>111</answer><answer>640</answer>", true))
                .isEqualTo(1.0);                                                                    // right after wrong: accurate, not well-formed
        assertThat(r1.score(p, "<think>c</think><answer>640</answer><answer>111</answer>", true))
                .isEqualTo(0.0);                                                                    // the last answer counts
        assertThat(r1.score(p, "<think>640</think><answer>64</answer>", true)).isEqualTo(0.0);      // no substring matching
        Reward plain = Reward.r1(task, AnswerFormat.PLAIN);
        assertThat(plain.score(p, "640", true)).isEqualTo(1.1);
        assertThat(plain.score(p, "641", true)).isEqualTo(0.1);
        assertThat(plain.score(p, "64", true)).isEqualTo(0.0);
        assertThat(plain.score(p, "", true)).isEqualTo(0.0);
        assertThat(plain.score(p, "640", false)).isEqualTo(0.0);
        assertThat(plain.score(p, "6400", true)).isEqualTo(0.0);
    }

    @Test
    void tinyZeroSchemeScoresARightAnswerOneNotOnePointOne() {
        // docs/grpo-r1.md#rewards: 1.0 exact answer + end token, 0.1 well-formed but wrong, 0 otherwise
        Reward tz = Reward.tinyZero(task, AnswerFormat.PLAIN);
        assertThat(tz.score(p, "640", true)).isEqualTo(1.0);
        assertThat(tz.score(p, " 640 ", true)).isEqualTo(1.0);   // surrounding spaces are stripped
        assertThat(tz.score(p, "641", true)).isEqualTo(0.1);     // three digits, wrong
        assertThat(tz.score(p, "64", true)).isEqualTo(0.0);      // not the task's shape
        assertThat(tz.score(p, "6400", true)).isEqualTo(0.0);    // an extra token
        assertThat(tz.score(p, "", true)).isEqualTo(0.0);        // empty never scores
        assertThat(tz.score(p, "640", false)).isEqualTo(0.0);    // digits without the end token
        Reward r1 = Reward.tinyZero(task, AnswerFormat.R1);
        assertThat(r1.score(p, "<think>c</think><answer>640</answer>", true)).isEqualTo(1.0);
        assertThat(r1.score(p, "<think>c</think><answer>641</answer>", true)).isEqualTo(0.1);
        assertThat(r1.score(p, "<think>c</think><answer></answer>", true)).isEqualTo(0.0);
        assertThat(r1.score(p, "<think>c</think><answer>111</answer><answer>640</answer>", true)).isEqualTo(1.0); // the last counts
        assertThat(r1.score(p, "<think>c</think><answer>640</answer><answer>111</answer>", true)).isEqualTo(0.0);
        assertThat(r1.score(p, "<think>640</think><answer>64</answer>", true)).isEqualTo(0.0);
        // R1-Zero's equal weights (docs/grpo-r1.md#rewards): a right, well-formed answer scores 2
        assertThat(Reward.of(task, AnswerFormat.R1, 1, 1).score(p, "<think>c</think><answer>640</answer>", true)).isEqualTo(2.0);
    }

    @Test
    void rewardsCompose() {
        Reward acc = Reward.accuracy(task, AnswerFormat.PLAIN);
        Reward fmt = Reward.format(task, AnswerFormat.PLAIN);
        Reward mix = Reward.of(task, AnswerFormat.PLAIN, 2.0, 0.5);
        Reward sum = Reward.sum(java.util.List.of(acc.times(2.0), fmt.times(0.5)));
        for (String c : new String[] {"640", "641", "", "6400", "x"}) {
            double want = 2.0 * acc.score(p, c, true) + 0.5 * fmt.score(p, c, true);
            assertThat(mix.score(p, c, true)).isEqualTo(want);
            assertThat(sum.score(p, c, true)).isEqualTo(want);
        }
        assertThat(acc.plus(acc).score(p, "640", true)).isEqualTo(2.0);
    }
}
