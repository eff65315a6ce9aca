package dev.tinyseek.rl;

import dev.tinyseek.train.TaskData;
import dev.tinyseek.tasks.Problem;

import java.util.Arrays;

/// How a problem becomes the tokens of a prompt, and how the tokens a model wrote become text.
///
/// - [#BYTES]: the prompt is the problem as written (`72+98=`), one byte a token, and a
///   completion ends with a newline ([TaskData]'s SFT rows): the addition models of `tinyseek
///   train` and `tinyseek grpo`.
/// - [#R1]: R1-Zero's template ([R1Template]): `User: 495+672= Assistant:`, bytes plus the tag
///   tokens, and a completion ends with `<eos>`.
public interface Codec {

    /// The prompt's tokens.
    int[] prompt(Problem p);

    /// The text of a completion's tokens (without its end token).
    String text(int[] completion);

    /// The token that ends a completion.
    int end();

    /// The token that pads a batch (never a target).
    int pad();

    Codec BYTES = new Codec() {
        public int[] prompt(Problem p) {
            return TaskData.encode(p.prompt());
        }

        public String text(int[] completion) {
            return TaskData.decode(completion);
        }

        public int end() {
            return TaskData.END;
        }

        public int pad() {
            return TaskData.PAD;
        }

        public String toString() {
            return "bytes";
        }
    };

    Codec R1 = new Codec() {
        public int[] prompt(Problem p) {
            return R1Template.TOKENIZER.encode(R1Template.prompt(p));
        }

        public String text(int[] completion) {
            return R1Template.TOKENIZER.decode(completion);
        }

        public int end() {
            return R1Template.EOS;
        }

        public int pad() {
            return R1Template.PAD;
        }

        public String toString() {
            return "r1";
        }
    };

    /// The text of `tokens`, cut before the end token when it is the last one.
    default String completionText(int[] tokens, boolean ended) {
        return text(ended ? Arrays.copyOf(tokens, tokens.length - 1) : tokens);
    }
}
