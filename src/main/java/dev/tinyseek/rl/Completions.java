package dev.tinyseek.rl;

import dev.tinyseek.tensor.Preview;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tensor.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// Several sampled completions of one prompt: the prompt goes through the model once, and each
/// completion continues from that cached state until the end token or `maxNew` tokens.
public final class Completions {

    /// One completion: the tokens written (the end token included when produced), their text
    /// (before the end token), and whether it ended.
    public record Sample(int[] tokens, String text, boolean ended) {

        @Override
        public String toString() {
            return "\"" + text + "\"" + (ended ? "" : " (no end token)") + ", " + Preview.of(tokens);
        }
    }

    private Completions() {
    }

    /// `k` completions of `p`'s prompt, drawn with `sampler` from `r` in order. The context limit
    /// cuts `maxNew` where prompt + completion would not fit.
    public static List<Sample> sample(Transformer model, Codec codec, Problem p, int k, Sampler sampler, int maxNew, Rng r) {
        int v = model.config.vocabSize();
        int[] prompt = codec.prompt(p);
        int total = Math.min(model.config.maxPositionEmbeddings(), prompt.length + maxNew);
        if (total <= prompt.length) {
            throw new IllegalArgumentException("completions: the prompt has " + prompt.length + " tokens and the context is "
                    + model.config.maxPositionEmbeddings() + "; no room for a completion");
        }
        Transformer.DecodeState state = model.newDecodeState(total);
        float[] promptLogits = model.decode(state, prompt); // [P, V]
        int lastRow = (prompt.length - 1) * v;
        List<Sample> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            state.truncate(prompt.length);
            int[] buf = new int[total - prompt.length];
            int n = 0;
            float[] logits = promptLogits;
            int off = lastRow;
            boolean ended = false;
            while (n < buf.length) {
                int next = sampler.sample(logits, off, v, r);
                buf[n++] = next;
                if (next == codec.end()) {
                    ended = true;
                    break;
                }
                if (n == buf.length) {
                    break;
                }
                logits = model.decode(state, new int[] {next});
                off = 0;
            }
            int[] tokens = Arrays.copyOf(buf, n);
            out.add(new Sample(tokens, codec.completionText(tokens, ended), ended));
        }
        return out;
    }

    /// The greedy completion of `p`.
    public static Sample greedy(Transformer model, Codec codec, Problem p, int maxNew) {
        return sample(model, codec, p, 1, Sampler.greedy(), maxNew, new Rng(0)).get(0);
    }
}
