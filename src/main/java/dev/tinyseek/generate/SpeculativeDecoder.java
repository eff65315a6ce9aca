package dev.tinyseek.generate;

import dev.tinyseek.model.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// Self-speculative greedy decoding with the first Multi-Token Prediction module
/// (DeepSeek-V3 §2.2, §5.4.3): the module drafts the token after next, the main model checks
/// the next token and the draft in one two-token step, and a draft it agrees with is kept for
/// free. A rejected draft is replaced by the main model's own choice and dropped from its cache.
///
/// The output is the plain greedy output, token for token: every emitted token is the main
/// model's argmax, and a two-token step computes each row exactly as two one-token steps would.
/// The drafts only change the speed. One draft at a time (depth 1); deeper drafts, and
/// sampling with the acceptance rule, are left for later.
public final class SpeculativeDecoder {

    /// The tokens, and how many drafts were offered and accepted.
    public record Result(int[] tokens, int drafted, int accepted) {
        public double acceptance() {
            return drafted == 0 ? 0 : (double) accepted / drafted;
        }
    }

    private SpeculativeDecoder() {
    }

    public static Result greedy(Transformer model, int[] prompt, int maxNew, int stopToken) {
        if (model.mtp.isEmpty()) {
            throw new IllegalArgumentException("speculative decoding needs an MTP module; this model has "
                    + "num_nextn_predict_layers = 0 (train with --mtp-depth 1)");
        }
        if (prompt.length == 0 || maxNew < 0) {
            throw new IllegalArgumentException("speculative decoding: need a non-empty prompt and maxNew >= 0");
        }
        int v = model.config.vocabSize(), c = model.config.hiddenSize(), p = prompt.length;
        int total = Math.min(model.config.maxPositionEmbeddings(), p + maxNew);
        int budget = total - p;
        Transformer.DecodeState st = model.newDecodeState(Math.min(model.config.maxPositionEmbeddings(), total + 1));
        // 1. prefill the main model; the module learns positions 0 .. p-2 (hidden state i, token i+1)
        Transformer.Decoded d = model.decodeStep(st, prompt);
        List<float[]> pendingHidden = new ArrayList<>();
        List<Integer> pendingTokens = new ArrayList<>();
        for (int i = 0; i + 1 < p; i++) {
            pendingHidden.add(Arrays.copyOfRange(d.hidden(), i * c, (i + 1) * c));
            pendingTokens.add(prompt[i + 1]);
        }
        int next = Sampler.argmax(d.logits(), (p - 1) * v, v);
        float[] last = Arrays.copyOfRange(d.hidden(), (p - 1) * c, p * c);
        int[] out = new int[budget];
        int n = 0, drafted = 0, accepted = 0;
        while (n < budget) {
            out[n++] = next;
            if (next == stopToken || n == budget || st.length() + 2 > total + 1) {
                if (next != stopToken && n < budget) { // no room for a two-token step: finish one at a time
                    d = model.decodeStep(st, new int[] {next});
                    next = Sampler.argmax(d.logits(), 0, v);
                    continue;
                }
                break;
            }
            // 2. draft: the module reads (hidden state, next token) for every position it has not seen
            pendingHidden.add(last);
            pendingTokens.add(next);
            float[] hs = new float[pendingHidden.size() * c];
            for (int i = 0; i < pendingHidden.size(); i++) {
                System.arraycopy(pendingHidden.get(i), 0, hs, i * c, c);
            }
            float[] draftLogits = model.decodeMtp(st, hs, pendingTokens.stream().mapToInt(Integer::intValue).toArray());
            int draft = Sampler.argmax(draftLogits, (pendingTokens.size() - 1) * v, v);
            pendingHidden.clear();
            pendingTokens.clear();
            drafted++;
            // 3. verify: the main model on [next, draft] in one step
            int before = st.length();
            Transformer.Decoded vd = model.decodeStep(st, new int[] {next, draft});
            int truth = Sampler.argmax(vd.logits(), 0, v);
            if (truth == draft) {
                accepted++;
                out[n++] = draft;
                if (draft == stopToken || n == budget) {
                    break;
                }
                // the module has not seen (hidden after next, draft) yet: it goes first next round
                pendingHidden.add(Arrays.copyOfRange(vd.hidden(), 0, c));
                pendingTokens.add(draft);
                next = Sampler.argmax(vd.logits(), v, v);
                last = Arrays.copyOfRange(vd.hidden(), c, 2 * c);
            } else {
                st.truncate(before + 1); // forget the rejected draft
                next = truth;
                last = Arrays.copyOfRange(vd.hidden(), 0, c);
            }
        }
        return new Result(Arrays.copyOf(out, n), drafted, accepted);
    }
}
