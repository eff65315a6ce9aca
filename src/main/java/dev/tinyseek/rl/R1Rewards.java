package dev.tinyseek.rl;

import dev.tinyseek.tasks.Task;

/// The rule-based rewards of DeepSeek-R1 (§2.2.2 for R1-Zero, §2.3.2 for R1) in the
/// [R1Template]. No neural reward model, and nothing that asks the model to think.
///
/// - [#accuracy]: 1 when the completion ended, has the template's shape — exactly one `<think>`
///   block then exactly one non-empty `<answer>` block ([AnswerFormat#R1]) — and the answer
///   passes the verifier. Requiring the shape closes a hack: with several `<answer>` blocks a model
///   could list guesses; here such a completion scores nothing.
/// - [#format]: 1 when the completion has that shape, right or wrong.
/// - [#readability]: R1's language-consistency reward has no analogue in one language. Its
///   miniature asks the same of a chain of thought — that a reader can follow it: the share of
///   the `<think>`'s steps written as column additions (`d+d+c=ss`), and 0 for an empty think.
public final class R1Rewards {

    private R1Rewards() {
    }

    public static Reward accuracy(Task task) {
        return (p, c, e) -> {
            if (!e || !AnswerFormat.R1.wellFormed(c)) {
                return 0;
            }
            String a = AnswerFormat.R1.extract(c);
            return a != null && task.verify(p, a) ? 1 : 0;
        };
    }

    public static Reward format() {
        return (p, c, e) -> e && AnswerFormat.R1.wellFormed(c) ? 1 : 0;
    }

    public static Reward readability() {
        return (p, c, e) -> e && AnswerFormat.R1.wellFormed(c) ? R1Template.thinking(p, c).readableShare() : 0;
    }

    /// R1-Zero: accuracy + format, equal weights (§2.2.2 names both; neither is weighted).
    public static Reward zero(Task task) {
        return accuracy(task).plus(format());
    }

    /// R1's reasoning stage: R1-Zero's reward plus `weight` × readability, added directly as the
    /// paper adds its language-consistency reward.
    public static Reward withReadability(Task task, double weight) {
        return zero(task).plus(readability().times(weight));
    }
}
