package dev.tinyseek.generate;

import dev.tinyseek.tensor.Preview;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tensor.Rng;

import java.util.Arrays;

/// Self-speculative decoding with the Multi-Token Prediction modules (DeepSeek-V3 §2.2, §5.4.3).
///
/// One round, with the main model's cache holding `x_0 .. x_{n-1}` and the next token `x_n`
/// already chosen by the main model:
///
/// 1. **Draft.** Depth 1 reads `(h^0_{n-1}, x_n)` and drafts `d_1` (a guess at `x_{n+1}`); depth
///    `k` reads `(h^{k-1}_{n-1}, d_{k-1})` and drafts `d_k` — the chain of eq. 21-23 at the last
///    position. Each module first catches up on the positions it has not seen.
/// 2. **Verify.** The main model runs `[x_n, d_1, .., d_D]` in one step of `D + 1` rows: row `j`
///    is its own distribution `p_j` for the token after `d_j` (after `x_n` for `j = 0`).
/// 3. **Accept** drafts left to right. Greedy: `d_j` is kept when it is the argmax of `p_{j-1}`.
///    Sampling (Leviathan et al. 2023; Chen et al. 2023): `d_j`, drawn from the module's
///    distribution `q_j`, is kept with probability `min(1, p(d_j) / q(d_j))`.
/// 4. **Next token.** After `a` accepted drafts the main model's next token comes for free: the
///    argmax of row `a` (greedy), or — on a rejection — a draw from `norm(max(0, p_a - q_{a+1}))`,
///    or, when all were accepted, a draw from `p_D`. The rejected rows are dropped from the cache.
///
/// Greedy: every emitted token is the main model's argmax, and a step of `D + 1` rows computes
/// each row exactly as single steps would, so the output is plain greedy's to the token.
/// Sampling: each emitted token has exactly the main model's distribution given the tokens
/// before it (the accept/residual rule makes `q`'s errors cancel). The drafts only change the
/// speed. Left out: tree drafts (several guesses per depth) and batching.
public final class SpeculativeDecoder {

    /// The tokens, and per draft depth `k` (index `k - 1`): how often a depth-k draft was checked
    /// (every earlier draft of its round accepted) and how often it was accepted.
    public record Result(int[] tokens, int[] checkedAt, int[] acceptedAt, int rounds) {

        /// Drafts checked, all depths.
        public int drafted() {
            return Arrays.stream(checkedAt).sum();
        }

        /// Drafts accepted, all depths.
        public int accepted() {
            return Arrays.stream(acceptedAt).sum();
        }

        /// Fraction of checked drafts accepted, all depths.
        public double acceptance() {
            return drafted() == 0 ? 0 : (double) accepted() / drafted();
        }

        /// Fraction of checked depth-`k` drafts accepted (0 when none was checked).
        public double acceptance(int k) {
            return checkedAt[k - 1] == 0 ? 0 : (double) acceptedAt[k - 1] / checkedAt[k - 1];
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d tokens in %d rounds, %d of %d drafts accepted (%.1f%%): ",
                    tokens.length, rounds, accepted(), drafted(), 100 * acceptance()) + Preview.of(tokens)
                    + ", checked per depth " + Arrays.toString(checkedAt) + ", accepted per depth " + Arrays.toString(acceptedAt);
        }
    }

    /// How a draft is judged and what replaces it: greedy or the exact sampling rule.
    interface Rule {
        /// The distribution the drafter (or the main model) draws from, given a row of logits.
        double[] dist(float[] logits, int off, int v);

        /// Whether the draft `d` (drawn from `q`) is kept, given the main model's `p`.
        boolean accept(double[] p, double[] q, int d, Rng rng);

        /// The main model's token after a rejection of a draft drawn from `q`.
        int replace(double[] p, double[] q, Rng rng);
    }

    /// The exact rule: keep with probability `min(1, p/q)`, else draw from `norm(max(0, p - q))`.
    static Rule exact(Sampler sampler) {
        return new Rule() {
            public double[] dist(float[] logits, int off, int v) {
                return sampler.probabilities(logits, off, v);
            }

            public boolean accept(double[] p, double[] q, int d, Rng rng) {
                return p[d] >= q[d] || rng.nextDouble() * q[d] < p[d];
            }

            public int replace(double[] p, double[] q, Rng rng) {
                double[] r = new double[p.length];
                double sum = 0;
                for (int j = 0; j < p.length; j++) {
                    r[j] = Math.max(0, p[j] - q[j]);
                    sum += r[j];
                }
                return Sampler.draw(sum > 0 ? r : p, rng); // sum = 0 only when p = q, which never rejects
            }
        };
    }

    private SpeculativeDecoder() {
    }

    /// Greedy, drafting with every MTP module the model has.
    public static Result greedy(Transformer model, int[] prompt, int maxNew, int stopToken) {
        return greedy(model, prompt, maxNew, stopToken, model.mtp.size());
    }

    /// Greedy, drafting `depth` tokens a round with MTP depths `1..depth`.
    public static Result greedy(Transformer model, int[] prompt, int maxNew, int stopToken, int depth) {
        return run(model, prompt, maxNew, stopToken, depth, exact(Sampler.greedy()), new Rng(0));
    }

    /// Sampling with `sampler` (main model and drafts alike); the output has the distribution of
    /// `Generator.generate` with the same sampler.
    public static Result sample(Transformer model, int[] prompt, int maxNew, Sampler sampler, Rng rng,
                                int stopToken, int depth) {
        return run(model, prompt, maxNew, stopToken, depth, exact(sampler), rng);
    }

    static Result run(Transformer model, int[] prompt, int maxNew, int stopToken, int depth, Rule rule, Rng rng) {
        int dMax = model.mtp.size();
        if (dMax == 0) {
            throw new IllegalArgumentException("speculative decoding needs an MTP module; this model has "
                    + "num_nextn_predict_layers = 0 (train with --mtp-depth 1)");
        }
        if (depth < 1 || depth > dMax) {
            throw new IllegalArgumentException("speculative decoding: draft depth " + depth + " must be in [1, " + dMax
                    + "] (the model's MTP modules)");
        }
        int ctx = model.config.maxPositionEmbeddings();
        if (prompt.length == 0 || maxNew < 0 || prompt.length > ctx) {
            throw new IllegalArgumentException("speculative decoding: need a prompt of 1 to " + ctx
                    + " tokens and maxNew >= 0, got " + prompt.length + " tokens and maxNew " + maxNew);
        }
        int v = model.config.vocabSize(), c = model.config.hiddenSize(), p = prompt.length;
        int total = Math.min(ctx, p + maxNew);     // positions the output may reach, as plain decoding
        int cap = Math.min(ctx, total + depth);    // the verify step may look `depth` positions further
        int budget = total - p;
        int[] x = Arrays.copyOf(prompt, cap + 1);  // every known token: prompt, then emitted
        float[][] hid = new float[depth + 1][cap * c]; // [D+1][pos, C]: h^k_i, what depth k+1 reads
        int[] seen = new int[depth + 1];           // seen[k]: depth k's positions made from known tokens only
        int[] checked = new int[depth], accepted = new int[depth];
        Transformer.DecodeState st = model.newDecodeState(cap);

        // prefill: the main model reads the prompt and picks x_p
        Transformer.Decoded d = model.decodeStep(st, prompt);
        System.arraycopy(d.hidden(), 0, hid[0], 0, p * c);
        int n = p; // the main cache holds x_0 .. x_{n-1}
        x[n] = Sampler.draw(rule.dist(d.logits(), (p - 1) * v, v), rng);
        int[] out = new int[budget];
        int emitted = 0, rounds = 0;
        while (emitted < budget) {
            out[emitted++] = x[n];
            if (x[n] == stopToken || emitted == budget) {
                break;
            }
            rounds++;
            int drafts = Math.min(depth, Math.min(budget - emitted, cap - n - 1));
            if (drafts == 0) { // no room to verify a draft: one plain step
                d = model.decodeStep(st, new int[] {x[n]});
                System.arraycopy(d.hidden(), 0, hid[0], n * c, c);
                n++;
                x[n] = Sampler.draw(rule.dist(d.logits(), 0, v), rng);
                continue;
            }
            // 1. draft: depth k catches up on positions seen[k] .. n-1, reading x_{i+k} (x_n or earlier
            //    drafts past the known tokens); its last row drafts d_k = x_{n+k}
            double[][] q = new double[drafts + 1][];
            for (int k = 1; k <= drafts; k++) {
                int from = seen[k], rows = n - from;
                st.truncateMtp(k, from); // forget positions that were made from drafts
                int[] ahead = new int[rows];
                for (int i = from; i < n; i++) {
                    ahead[i - from] = x[i + k]; // x_{n+1..} hold this round's drafts
                }
                Transformer.Decoded md = model.draftMtp(st, k, Arrays.copyOfRange(hid[k - 1], from * c, n * c), ahead);
                System.arraycopy(md.hidden(), 0, hid[k], from * c, rows * c);
                q[k] = rule.dist(md.logits(), 0, v); // the last position's logits only
                x[n + k] = Sampler.draw(q[k], rng);
                seen[k] = Math.max(0, n - k + 1); // positions i <= n-k read only known tokens
            }
            // 2. verify: the main model on [x_n, d_1 .. d_drafts] in one step
            int[] step = Arrays.copyOfRange(x, n, n + drafts + 1);
            Transformer.Decoded vd = model.decodeStep(st, step);
            // 3. accept left to right
            int a = 0;
            int next = -1;
            boolean stop = false;
            for (int j = 1; j <= drafts; j++) {
                double[] pj = rule.dist(vd.logits(), (j - 1) * v, v);
                checked[j - 1]++;
                if (!rule.accept(pj, q[j], x[n + j], rng)) {
                    next = rule.replace(pj, q[j], rng); // 4. the main model's own token instead
                    break;
                }
                accepted[j - 1]++;
                a++;
                out[emitted++] = x[n + j];
                if (x[n + j] == stopToken || emitted == budget) {
                    stop = true;
                    break;
                }
            }
            if (stop) {
                break;
            }
            if (next < 0) { // 4. every draft accepted: the row after the last one is free
                next = Sampler.draw(rule.dist(vd.logits(), drafts * v, v), rng);
            }
            st.truncate(n + a + 1); // keep x_n and the accepted drafts
            System.arraycopy(vd.hidden(), 0, hid[0], n * c, (a + 1) * c);
            n += a + 1;
            x[n] = next;
        }
        return new Result(Arrays.copyOf(out, emitted), checked, accepted, rounds);
    }
}
