package dev.tinyseek.generate;

import dev.tinyseek.model.Transformer;
import dev.tinyseek.tensor.Rng;

import java.util.Arrays;

/// Autoregressive generation with a KV cache: the prompt goes through the model once (prefill),
/// then each new token costs one cached step instead of a pass over the whole sequence.
public final class Generator {

    private Generator() {
    }

    /// Continues `prompt` by at most `maxNew` tokens, stopping after `stopToken` (or never if
    /// it is -1). Returns only the new tokens (including the stop token, when produced).
    public static int[] generate(Transformer model, int[] prompt, int maxNew, Sampler sampler, Rng rng, int stopToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("generate: the prompt is empty; give at least one token");
        }
        if (maxNew < 0) {
            throw new IllegalArgumentException("generate: maxNew = " + maxNew + " must be >= 0");
        }
        int ctx = model.config.maxPositionEmbeddings();
        int total = Math.min(ctx, prompt.length + maxNew);
        if (prompt.length > ctx) {
            throw new IllegalArgumentException("generate: the prompt has " + prompt.length + " tokens, more than the context of "
                    + ctx + " (max_position_embeddings)");
        }
        int v = model.config.vocabSize();
        Transformer.DecodeState state = model.newDecodeState(total);
        float[] logits = model.decode(state, prompt);
        int[] out = new int[total - prompt.length];
        int n = 0;
        int last = prompt.length - 1;
        while (n < out.length) {
            int next = sampler.sample(logits, last * v, v, rng);
            out[n++] = next;
            if (next == stopToken || n == out.length) {
                break;
            }
            logits = model.decode(state, new int[] {next});
            last = 0;
        }
        return Arrays.copyOf(out, n);
    }

    /// Greedy continuation.
    public static int[] greedy(Transformer model, int[] prompt, int maxNew, int stopToken) {
        return generate(model, prompt, maxNew, Sampler.greedy(), new Rng(0), stopToken);
    }
}
