package dev.tinyseek.rl;

import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class R1TemplateTest {

    private static final Problem P = R1Template.TASK.problem(495, 672);

    @Test
    void theDocumentedExample() {
        assertThat(R1Template.prompt(P)).isEqualTo("User: 495+672= Assistant:");
        assertThat(R1Template.worked(P)).isEqualTo("5+2+0=07 9+7+0=16 4+6+1=11");
        assertThat(R1Template.completion(P, false)).isEqualTo("<think></think><answer>7611</answer>");
        assertThat(R1Template.completion(P, true)).isEqualTo("<think>5+2+0=07 9+7+0=16 4+6+1=11</think><answer>7611</answer>");
        assertThat(R1Template.tokens(R1Template.completion(P, false))).isEqualTo(R1Zero.DIRECT_TOKENS);
        assertThat(R1Template.tokens(R1Template.completion(P, true))).isEqualTo(35);
        assertThat(R1Template.TOKENIZER.vocabSize()).isEqualTo(262);
    }

    record Operands(long a, long b) {
    }

    /// For any operands: the worked steps are the column additions (each step's sum is its
    /// digits plus the carry, the next carry is the sum's tens digit), the answer reads off the
    /// steps, and the completion is consistent, readable and right.
    @Test
    void workedSolutionsAreColumnAddition() {
        Property.forAll("worked solution = column addition",
                g -> new Operands(g.intIn(0, 999), g.intIn(0, 999)),
                o -> {
                    Problem p = R1Template.TASK.problem(o.a(), o.b());
                    String[] steps = R1Template.worked(p).split(" ");
                    assertThat(steps).hasSize(3);
                    int carry = 0;
                    StringBuilder answer = new StringBuilder();
                    for (int i = 0; i < 3; i++) {
                        String s = steps[i];
                        int x = s.charAt(0) - '0', y = s.charAt(2) - '0', c = s.charAt(4) - '0';
                        int sum = Integer.parseInt(s.substring(6));
                        assertThat(x).isEqualTo((int) (o.a() / (long) Math.pow(10, i) % 10));
                        assertThat(y).isEqualTo((int) (o.b() / (long) Math.pow(10, i) % 10));
                        assertThat(c).isEqualTo(carry);
                        assertThat(sum).isEqualTo(x + y + c);
                        carry = sum / 10;
                        answer.append(sum % 10);
                    }
                    answer.append(carry);
                    assertThat(answer.reverse().toString()).isEqualTo(String.format("%04d", o.a() + o.b()));
                    String completion = R1Template.completion(p, true);
                    assertThat(R1Rewards.accuracy(R1Template.TASK).score(p, completion, true)).isEqualTo(1.0);
                    assertThat(R1Template.thinking(p, completion)).isEqualTo(new R1Template.Thinking(3, 3, true));
                });
    }

    @Test
    void thinkingOfMalformedAndInconsistentChains() {
        // empty or absent think: no steps
        assertThat(R1Template.thinking(P, "<think></think><answer>7611</answer>")).isEqualTo(new R1Template.Thinking(0, 0, false));
        assertThat(R1Template.thinking(P, "<answer>7611</answer>")).isEqualTo(new R1Template.Thinking(0, 0, false));
        assertThat(R1Template.thinking(P, "<think>   </think><answer>7611</answer>")).isEqualTo(new R1Template.Thinking(0, 0, false));
        // readable but wrong arithmetic: not consistent
        assertThat(R1Template.thinking(P, "<think>5+2+0=07 9+7+0=17 4+6+1=11</think><answer>7611</answer>"))
                .isEqualTo(new R1Template.Thinking(3, 3, false));
        // right steps, answer not the one they spell
        assertThat(R1Template.thinking(P, "<think>5+2+0=07 9+7+0=16 4+6+1=11</think><answer>7610</answer>").consistent()).isFalse();
        // one unreadable step of three
        R1Template.Thinking t = R1Template.thinking(P, "<think>5+2+0=07 nine+seven 4+6+1=11</think><answer>7611</answer>");
        assertThat(t.steps()).isEqualTo(3);
        assertThat(t.readable()).isEqualTo(2);
        assertThat(t.readableShare()).isEqualTo(2 / 3.0);
        // a think that never closes
        assertThat(R1Template.thinkText("<think>5+2")).isNull();
        assertThat(R1Template.thinks("<think>5+2+0=07</think><answer>7611</answer>")).isTrue();
        assertThat(R1Template.thinks("<think> </think><answer>7611</answer>")).isFalse();
    }

    @Test
    void onlyZeroPaddedAdditionIsAccepted() {
        assertThatThrownBy(() -> R1Template.worked(new Problem("12+345=", "x"))).hasMessageContaining("12+345=");
        assertThatThrownBy(() -> R1Template.worked(new Problem("123*456=", "x"))).hasMessageContaining("not a zero-padded");
    }

    @Test
    void tagsAreSingleTokensAndRoundTrip() {
        String c = R1Template.completion(P, true);
        int[] ids = R1Template.TOKENIZER.encode(c);
        assertThat(ids[0]).isEqualTo(R1Template.THINK);
        assertThat(R1Template.TOKENIZER.decode(ids)).isEqualTo(c);
        assertThat(Codec.R1.text(ids)).isEqualTo(c);
        R1Template.Encoded e = R1Template.encode(R1Template.prompt(P), c);
        assertThat(e.tokens()[e.tokens().length - 1]).isEqualTo(R1Template.EOS);
        assertThat(e.completionStart()).isEqualTo(R1Template.prompt(P).length());
    }

    @Test
    void corpusShareOfWorkedSolutions() {
        SftData.Source src = R1Base.corpus(0.15);
        Rng r = new Rng(5);
        int worked = 0, n = 4000;
        for (int i = 0; i < n; i++) {
            SftData.Example e = src.next(r);
            worked += R1Template.thinks(e.completion()) ? 1 : 0;
            assertThat(RejectionSampling.isHeldOut(operandsOf(e))).as("a corpus problem is never held out").isFalse();
        }
        // binomial(4000, 0.15): sd 22.6, so ±5 sd is ±113
        assertThat(worked).isBetween(600 - 113, 600 + 113);
    }

    static Problem operandsOf(SftData.Example e) {
        String q = e.prompt().substring("User: ".length(), e.prompt().length() - " Assistant:".length());
        return new Problem(q, "");
    }

    @Test
    void trainSplitSamplingNeverGivesHeldOut() {
        Rng r = new Rng(1);
        for (int i = 0; i < 2000; i++) {
            assertThat(RejectionSampling.isHeldOut(R1Template.TASK.sample(r, Split.TRAIN))).isFalse();
            assertThat(RejectionSampling.isHeldOut(R1Template.TASK.sample(r, Split.TEST))).isTrue();
        }
    }
}
