package dev.tinyseek.rl;

import dev.tinyseek.train.TaskData;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Where the answer sits in a completion (the text a model wrote after the prompt, cut before
/// its end token).
///
/// - `PLAIN`: the whole completion is the answer (`"0128"`), as the SFT data of `TaskData` writes it.
/// - `R1`: DeepSeek-R1's template, reasoning then answer:
///   `<think> ... </think><answer> ... </answer>`. The **last** `<answer>...</answer>` counts
///   (a model may correct itself), its content is stripped of surrounding spaces, and an empty
///   answer is no answer: a reward built on it never scores (the Visual-RFT#176 hack: an
///   empty answer that "contains" or "is contained in" every gold answer).
///
/// What it leaves out: any fuzzy parsing. No substring search, no "last number in the text";
/// an answer is either in its place or absent.
public enum AnswerFormat {
    PLAIN,
    R1;

    private static final Pattern ANSWER = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);
    private static final Pattern R1_SHAPE = Pattern.compile(
            "\\s*<think>(?:(?!</?think>|</?answer>).)*</think>\\s*<answer>((?:(?!</?answer>|</?think>).)*)</answer>\\s*",
            Pattern.DOTALL);

    /// The answer of `completion`, or null when there is none (no tags, or an empty answer).
    public String extract(String completion) {
        if (completion == null) {
            return null;
        }
        String a;
        if (this == PLAIN) {
            a = completion.strip();
        } else {
            Matcher m = ANSWER.matcher(completion);
            a = null;
            while (m.find()) {
                a = m.group(1); // the last one wins
            }
            if (a == null) {
                return null;
            }
            a = a.strip();
        }
        return a.isEmpty() ? null : a;
    }

    /// Whether `completion` has the format's shape: for `R1`, exactly one `<think>` block then
    /// exactly one non-empty `<answer>` block and nothing else (spaces aside); for `PLAIN`, a
    /// non-empty answer.
    public boolean wellFormed(String completion) {
        if (completion == null) {
            return false;
        }
        if (this == PLAIN) {
            return extract(completion) != null;
        }
        Matcher m = R1_SHAPE.matcher(completion);
        return m.matches() && !m.group(1).isBlank();
    }

    /// `answer` written in this format, with `thinking` as the reasoning (for SFT data).
    public String write(String thinking, String answer) {
        return this == PLAIN ? answer : "<think>" + thinking + "</think><answer>" + answer + "</answer>";
    }

    /// The format named on the command line: `plain` or `r1`.
    public static AnswerFormat parse(String name) {
        return switch (name) {
            case "plain" -> PLAIN;
            case "r1" -> R1;
            default -> throw new IllegalArgumentException("answer format '" + name + "' is not valid; expected plain or r1");
        };
    }
}
