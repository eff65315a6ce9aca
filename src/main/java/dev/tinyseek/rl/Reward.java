package dev.tinyseek.rl;

import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;

import java.util.List;

/// A rule-based reward (DeepSeek-R1 §2.2.2: no neural reward model): a pure function from a
/// problem and a completion to a number. Never throws on what a model wrote.
///
/// `completion` is the text the model wrote before its end token; `ended` says whether it wrote
/// the end token at all (a completion cut at the length limit did not).
///
/// The two R1 rewards, composable with [#plus] and [#times]:
/// - [#accuracy]: 1 when the extracted answer passes the task's verifier, else 0;
/// - [#format]: 1 when the completion has the format's shape **and** the answer has the task's
///   shape (right or wrong), else 0; TinyZero weights it 0.1.
///
/// [#r1(Task, AnswerFormat)] is the additive mix, `accuracy + 0.1 · format`: 1.1 for a right,
/// well-formed answer, 0.1 for a well-formed wrong one, 0 otherwise (`tinyseek grpo --reward sum`;
/// the README's tuning table was measured with it).
///
/// [#tinyZero(Task, AnswerFormat)], the command line's default, is the scheme of
/// `docs/grpo-r1.md#rewards`, as
/// TinyZero's `compute_score(format_score=0.1, score=1.0)` scores: **1.0** for a right answer,
/// 0.1 for a well-formed wrong one, 0 otherwise — a right answer does not also collect the
/// format score. Under group-std advantages the two differ only in groups that hold both a right
/// and a malformed completion (a gap of 1.1 against 1.0).
///
/// R1-Zero itself adds accuracy and format with equal weight (`docs/grpo-r1.md#rewards`): `of(task, format, 1, 1)`.
@FunctionalInterface
public interface Reward {

    double score(Problem problem, String completion, boolean ended);

    /// This reward plus `other`.
    default Reward plus(Reward other) {
        return (p, c, e) -> score(p, c, e) + other.score(p, c, e);
    }

    /// This reward times `w`.
    default Reward times(double w) {
        return (p, c, e) -> w * score(p, c, e);
    }

    /// 1 if the completion ended, its answer is non-empty and the verifier accepts it.
    static Reward accuracy(Task task, AnswerFormat format) {
        return (p, c, e) -> {
            String a = e ? format.extract(c) : null;
            return a != null && task.verify(p, a) ? 1 : 0;
        };
    }

    /// 1 if the completion ended, is well-formed, and its answer has the task's shape.
    static Reward format(Task task, AnswerFormat format) {
        return (p, c, e) -> {
            if (!e || !format.wellFormed(c)) {
                return 0;
            }
            String a = format.extract(c);
            return a != null && task.wellFormed(p, a) ? 1 : 0;
        };
    }

    /// `accuracy + formatWeight · format`.
    static Reward of(Task task, AnswerFormat format, double accuracyWeight, double formatWeight) {
        return accuracy(task, format).times(accuracyWeight).plus(format(task, format).times(formatWeight));
    }

    /// The default: `accuracy + 0.1 · format` (TinyZero's 0.1 format weight, added on top of the
    /// accuracy, so a right answer scores 1.1).
    static Reward r1(Task task, AnswerFormat format) {
        return of(task, format, 1.0, 0.1);
    }

    /// TinyZero's scheme (`docs/grpo-r1.md#rewards`): 1.0 when the answer is right (and the completion
    /// ended), else 0.1 when it is well-formed ([#format]), else 0.
    static Reward tinyZero(Task task, AnswerFormat format) {
        Reward acc = accuracy(task, format);
        Reward fmt = format(task, format);
        return (p, c, e) -> acc.score(p, c, e) > 0 ? 1.0 : 0.1 * fmt.score(p, c, e);
    }

    /// The sum of several rewards.
    static Reward sum(List<Reward> parts) {
        return (p, c, e) -> {
            double s = 0;
            for (Reward r : parts) {
                s += r.score(p, c, e);
            }
            return s;
        };
    }
}
