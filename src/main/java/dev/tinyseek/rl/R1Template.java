package dev.tinyseek.rl;

import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tokenizer.Tokenizer;

import java.util.List;

/// DeepSeek-R1-Zero's template in miniature, on 3-digit addition (R1 paper, Table 1), and the
/// worked solution a base corpus may contain.
///
/// The prompt keeps R1-Zero's conversation frame, `User: {problem} Assistant:`, and drops its
/// instruction sentence (about 60 words: ten times the problem's length in byte tokens). The
/// model learns the tags from its base corpus instead, where every document has them:
///
///     prompt      User: 495+672= Assistant:
///     direct      <think></think><answer>7611</answer><eos>
///     worked      <think>5+2+0=07 9+7+0=16 4+6+1=11</think><answer>7611</answer><eos>
///
/// The worked form is column addition, lowest digit first: one step per column, `a+b+c=s` with
/// the column's digits, the incoming carry and their two-digit sum. The answer is the sum written
/// least-significant digit first ([Addition] with `reversed`), so it reads off the steps: the last
/// digit of each step, then the final carry. The tags are single tokens (the [Tokenizer]'s
/// specials), as in DeepSeek's own tokenizer; everything else is one byte a token.
///
/// What it leaves out: the instruction text, and any reasoning but column addition.
public final class R1Template {

    /// 3-digit addition with zero-padded operands and the sum written lowest digit first.
    public static final Addition TASK = new Addition(3, true, true);

    /// Bytes plus the six specials (`<eos>` 256, `<pad>` 257, `<think>` 258, `</think>` 259,
    /// `<answer>` 260, `</answer>` 261): vocabulary 262.
    public static final Tokenizer TOKENIZER = new Tokenizer(Tokenizer.DEFAULT_SPECIALS, List.of());
    public static final int EOS = TOKENIZER.specialId(Tokenizer.EOS);
    public static final int PAD = TOKENIZER.specialId(Tokenizer.PAD);
    public static final int THINK = TOKENIZER.specialId(Tokenizer.THINK);

    private R1Template() {
    }

    /// The prompt the model continues: `User: 495+672= Assistant:`.
    public static String prompt(Problem p) {
        return "User: " + p.prompt() + " Assistant:";
    }

    /// The completion with an empty (`worked = false`) or a worked `<think>`.
    public static String completion(Problem p, boolean worked) {
        return AnswerFormat.R1.write(worked ? worked(p) : "", p.answer());
    }

    /// Column addition of an `a+b=` problem, lowest digit first: `5+2+0=07 9+7+0=16 4+6+1=11`.
    public static String worked(Problem p) {
        String[] ab = operands(p);
        String a = ab[0], b = ab[1];
        StringBuilder sb = new StringBuilder();
        int carry = 0;
        for (int i = a.length() - 1; i >= 0; i--) {
            int x = a.charAt(i) - '0', y = b.charAt(i) - '0', s = x + y + carry;
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(x).append('+').append(y).append('+').append(carry).append('=').append(s / 10).append(s % 10);
            carry = s / 10;
        }
        return sb.toString();
    }

    /// The two operands of `a+b=`, as written (same length, zero-padded).
    static String[] operands(Problem p) {
        String q = p.prompt();
        int plus = q.indexOf('+'), eq = q.indexOf('=');
        if (plus < 1 || eq != q.length() - 1 || eq - plus - 1 != plus) {
            throw new IllegalArgumentException("R1 template: '" + q + "' is not a zero-padded a+b= problem");
        }
        return new String[] {q.substring(0, plus), q.substring(plus + 1, eq)};
    }

    /// What a completion's `<think>` holds, read as column addition.
    ///
    /// `steps` counts the space-separated pieces; `readable` those of the form `d+d+d=dd`;
    /// `consistent` is true when the steps are exactly the column additions of this problem
    /// (right digits, right carries, right sums) and the answer is the one they spell. An empty
    /// or absent think has 0 steps and is not consistent.
    public record Thinking(int steps, int readable, boolean consistent) {

        /// The share of readable steps (0 for no steps).
        public double readableShare() {
            return steps == 0 ? 0 : (double) readable / steps;
        }
    }

    /// The think of `completion` (the first `<think>…</think>`, or none), read as [Thinking].
    public static Thinking thinking(Problem p, String completion) {
        String think = thinkText(completion);
        if (think == null || think.isBlank()) {
            return new Thinking(0, 0, false);
        }
        String[] parts = think.strip().split(" +");
        int readable = 0;
        for (String s : parts) {
            if (s.matches("[0-9]\\+[0-9]\\+[0-9]=[0-9][0-9]")) {
                readable++;
            }
        }
        String answer = AnswerFormat.R1.extract(completion);
        boolean consistent = think.strip().equals(worked(p)) && p.answer().equals(answer);
        return new Thinking(parts.length, readable, consistent);
    }

    /// The text between the first `<think>` and the `</think>` after it, or null.
    public static String thinkText(String completion) {
        if (completion == null) {
            return null;
        }
        int open = completion.indexOf(Tokenizer.THINK);
        int close = open < 0 ? -1 : completion.indexOf(Tokenizer.THINK_END, open);
        return close < 0 ? null : completion.substring(open + Tokenizer.THINK.length(), close);
    }

    /// Whether the completion has a `<think>` with something in it (not only spaces).
    public static boolean thinks(String completion) {
        String t = thinkText(completion);
        return t != null && !t.isBlank();
    }

    /// The tokens of `prompt + completion + <eos>` and where the completion starts.
    public record Encoded(int[] tokens, int completionStart) {
    }

    public static Encoded encode(String prompt, String completion) {
        int[] p = TOKENIZER.encode(prompt);
        int[] c = TOKENIZER.encode(completion);
        int[] all = new int[p.length + c.length + 1];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(c, 0, all, p.length, c.length);
        all[all.length - 1] = EOS;
        return new Encoded(all, p.length);
    }

    /// Tokens in a completion (the `<eos>` included): 9 for a direct answer, 35 worked.
    public static int tokens(String completion) {
        return TOKENIZER.encode(completion).length + 1;
    }
}
