package dev.tinyseek.generate;

import dev.tinyseek.tensor.Rng;

import java.util.Arrays;

/// Picks the next token from logits: greedy (`temperature` 0), or sampled from
/// `softmax(logits / temperature)` restricted to the `topK` most likely tokens (0 = all) and to
/// the smallest set whose probability reaches `topP` (1 = all; "nucleus" sampling).
public record Sampler(double temperature, int topK, double topP) {

    public Sampler {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature = " + temperature + " must be >= 0 (0 = greedy)");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k = " + topK + " must be >= 0 (0 = no limit)");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p = " + topP + " must be in (0, 1]");
        }
    }

    public static Sampler greedy() {
        return new Sampler(0, 0, 1);
    }

    /// The index of the largest logit (the first one on ties).
    public static int argmax(float[] logits, int off, int v) {
        int best = 0;
        for (int j = 1; j < v; j++) {
            if (logits[off + j] > logits[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /// The next token from the logits row `[off, off + v)`.
    public int sample(float[] logits, int off, int v, Rng rng) {
        if (temperature == 0) {
            return argmax(logits, off, v);
        }
        Kept kept = kept(logits, off, v);
        // 4. inverse CDF over the nucleus
        double u = rng.nextDouble() * kept.total;
        for (int i = 0; i < kept.nucleus; i++) {
            u -= kept.weight[i];
            if (u < 0) {
                return kept.order[i];
            }
        }
        return kept.order[kept.nucleus - 1];
    }

    /// The distribution [#sample] draws from, over the whole vocabulary `[V]`: one-hot at the
    /// argmax when greedy; otherwise `softmax(logits / temperature)` kept to the top-k and the
    /// nucleus, renormalised, and 0 elsewhere. Speculative sampling needs it as numbers.
    public double[] probabilities(float[] logits, int off, int v) {
        double[] p = new double[v];
        if (temperature == 0) {
            p[argmax(logits, off, v)] = 1;
            return p;
        }
        Kept kept = kept(logits, off, v);
        for (int i = 0; i < kept.nucleus; i++) {
            p[kept.order[i]] = kept.weight[i] / kept.total;
        }
        return p;
    }

    /// The tokens a temperature draw can pick: `order` by decreasing logit, the unnormalised
    /// weight `exp((logit - max) / T)` of each of the top-k `[keep]`, the first `nucleus` of
    /// them kept, and their total weight.
    private record Kept(Integer[] order, double[] weight, int nucleus, double total) {
    }

    private Kept kept(float[] logits, int off, int v) {
        // 1. tokens by decreasing logit (ties: lower id first)
        Integer[] order = new Integer[v];
        for (int j = 0; j < v; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(logits[off + b], logits[off + a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int keep = topK > 0 ? Math.min(topK, v) : v;
        // 2. weights of the kept tokens at this temperature
        double max = logits[off + order[0]];
        double[] w = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            w[i] = Math.exp((logits[off + order[i]] - max) / temperature);
            sum += w[i];
        }
        // 3. nucleus: the shortest prefix whose mass reaches topP
        double mass = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            mass += w[i] / sum;
            if (mass >= topP) {
                nucleus = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < nucleus; i++) {
            total += w[i];
        }
        return new Kept(order, w, nucleus, total);
    }

    /// A token drawn from the distribution `p` `[V]` (non-negative; need not sum to one).
    public static int draw(double[] p, Rng rng) {
        double total = 0;
        int last = -1;
        for (int j = 0; j < p.length; j++) {
            total += p[j];
            if (p[j] > 0) {
                last = j;
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("draw: the distribution has no positive entry");
        }
        double u = rng.nextDouble() * total;
        for (int j = 0; j < p.length; j++) {
            u -= p[j];
            if (u < 0 && p[j] > 0) {
                return j;
            }
        }
        return last;
    }
}
