package dev.tinyseek.rl;

import dev.tinyseek.tasks.Problem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// The R1-Zero rewards on malformed and adversarial completions: nothing but one think block
/// then one right answer earns the accuracy reward.
class R1RewardsTest {

    private static final Problem P = R1Template.TASK.problem(495, 672); // answer 7611
    private static final Reward ACC = R1Rewards.accuracy(R1Template.TASK);
    private static final Reward FMT = R1Rewards.format();
    private static final Reward ZERO = R1Rewards.zero(R1Template.TASK);

    private static double acc(String c) {
        return ACC.score(P, c, true);
    }

    @Test
    void rightAndWellFormed() {
        assertThat(ZERO.score(P, "<think></think><answer>7611</answer>", true)).isEqualTo(2.0);
        assertThat(ZERO.score(P, "<think>5+2+0=07 9+7+0=16 4+6+1=11</think><answer>7611</answer>", true)).isEqualTo(2.0);
        assertThat(ZERO.score(P, "<think></think><answer>7612</answer>", true)).isEqualTo(1.0); // format only
        assertThat(ZERO.score(P, " <think>x</think> <answer> 7611 </answer> ", true)).isEqualTo(2.0); // spaces around
    }

    @Test
    void aCompletionCutAtTheLimitScoresNothing() {
        assertThat(ZERO.score(P, "<think></think><answer>7611</answer>", false)).isEqualTo(0.0);
    }

    @Test
    void severalAnswersScoreNothing() {
        // hedging: listing guesses, or repeating the answer to be sure
        assertThat(acc("<think></think><answer>1234</answer><answer>7611</answer>")).isEqualTo(0.0);
        assertThat(acc("<think></think><answer>7611</answer><answer>7611</answer>")).isEqualTo(0.0);
        assertThat(FMT.score(P, "<think></think><answer>7611</answer><answer>7611</answer>", true)).isEqualTo(0.0);
        assertThat(acc("<think></think><answer>7611 7611</answer>")).isEqualTo(0.0);
    }

    @Test
    void tagsInsideTags() {
        assertThat(acc("<think><answer>7611</answer></think><answer>7611</answer>")).isEqualTo(0.0);
        assertThat(acc("<think><think></think></think><answer>7611</answer>")).isEqualTo(0.0);
        assertThat(acc("<think></think><answer><think>7611</think></answer>")).isEqualTo(0.0);
        assertThat(acc("<think></think><answer><answer>7611</answer></answer>")).isEqualTo(0.0);
    }

    @Test
    void missingPiecesAndTextOutsideTheTags() {
        assertThat(acc("<answer>7611</answer>")).isEqualTo(0.0);                         // no think
        assertThat(acc("<think></think>7611")).isEqualTo(0.0);                           // no answer tags
        assertThat(acc("<think></think><answer></answer>")).isEqualTo(0.0);              // empty answer
        assertThat(acc("<think></think><answer>   </answer>")).isEqualTo(0.0);
        assertThat(acc("7611<think></think><answer>7611</answer>")).isEqualTo(0.0);      // text before
        assertThat(acc("<think></think><answer>7611</answer>7611")).isEqualTo(0.0);      // text after
        assertThat(acc("<think></think>so<answer>7611</answer>")).isEqualTo(0.0);        // text between
        assertThat(acc("<answer>7611</answer><think></think>")).isEqualTo(0.0);          // wrong order
        assertThat(acc("<think></think><answer>1167</answer>")).isEqualTo(0.0);          // not reversed
        assertThat(acc(null)).isEqualTo(0.0);
    }

    @Test
    void readabilityIsTheShareOfColumnSteps() {
        Reward r = R1Rewards.readability();
        assertThat(r.score(P, "<think>5+2+0=07 9+7+0=16 4+6+1=11</think><answer>7611</answer>", true)).isEqualTo(1.0);
        assertThat(r.score(P, "<think>5+2+0=07 blah</think><answer>7611</answer>", true)).isEqualTo(0.5);
        assertThat(r.score(P, "<think></think><answer>7611</answer>", true)).isEqualTo(0.0);
        assertThat(r.score(P, "<think>5+2+0=07</think><answer>7611</answer><answer>1</answer>", true)).isEqualTo(0.0);
        Reward w = R1Rewards.withReadability(R1Template.TASK, 0.5);
        assertThat(w.score(P, "<think>5+2+0=07 9+7+0=16 4+6+1=11</think><answer>7611</answer>", true)).isEqualTo(2.5);
    }
}
