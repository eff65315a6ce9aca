package dev.tinyseek.rl;

import dev.tinyseek.tensor.Preview;

/// The GRPO loss and its gradient with respect to the per-token log-probabilities: the public,
/// model-free core of GRPO, to check against any other implementation.
///
/// Inputs are `B` completions padded to `L` tokens; `mask[i·L + t]` says whether token `t` of
/// completion `i` counts (its own tokens and its end token: yes; padding after the end: no).
/// Per token (DeepSeekMath eq. 3, with DAPO's decoupled clip):
///
///     ρ     = exp(logp − logp_old)                          ratio to the sampling policy
///     ℓ_i,t = −min(ρ A_i, clip(ρ, 1−ε_low, 1+ε_high) A_i) + β · k3(logp, logp_ref)
///
/// and the loss is `Σ_i,t w_i,t · ℓ_i,t` with the normalisation's weights (`docs/grpo-r1.md#loss-normalisations`):
///
///     GRPO     w = 1 / (B · |o_i|)       per-completion token mean, then mean over completions
///     DAPO     w = 1 / Σ_j |o_j|         every token of the batch weighs the same
///     BNPO     w = 1 / Σ_j |o_j|         TRL's batch-normalised token mean; the same as DAPO in one call
///     DR_GRPO  w = 1 / (B · L_max)       a constant (Dr. GRPO), L_max = maxLength or L
///
/// where `|o_i|` is the number of masked tokens of completion `i` (at least 1 in a divisor).
/// The four names are TRL's `loss_type`s (all four are here). `BNPO` and `DAPO` only
/// part in TRL under gradient accumulation: `bnpo` divides by the micro-batch's tokens, `dapo` by
/// the tokens of the whole generation batch; a call here is one batch, so both divide
/// by its own token count (the trainer makes an optimiser step per minibatch).
///
/// Gradient, per masked token (`∂ℓ/∂logp`, then times `w`):
/// - `−A ρ` when the min keeps the unclipped term; exactly **0** when the clip is active, that is
///   `A > 0, ρ > 1+ε_high` or `A < 0, ρ < 1−ε_low` (the tokens counted as clipped high / low);
/// - plus `β (1 − exp(logp_ref − logp))` from k3 ([K3]).
///
/// With `μ = 1` the caller passes `logp_old = logp`: then `ρ = 1` exactly, nothing is clipped,
/// and the gradient is REINFORCE with the group mean as baseline, `−w A`.
///
/// Everything is `double`; `refLogp` may be null when `β = 0` (no reference model is run).
public final class GrpoLoss {

    /// How token losses are summed into one number.
    public enum Normalization {
        GRPO, DR_GRPO, DAPO, BNPO;

        /// The normalisation named on the command line: `grpo`, `dr_grpo`, `dapo` or `bnpo`.
        public static Normalization parse(String s) {
            return switch (s) {
                case "grpo" -> GRPO;
                case "dr_grpo" -> DR_GRPO;
                case "dapo" -> DAPO;
                case "bnpo" -> BNPO;
                default -> throw new IllegalArgumentException("loss normalisation '" + s
                        + "' is not valid; expected grpo, dr_grpo, dapo or bnpo");
            };
        }
    }

    /// `epsLow`/`epsHigh`: the clip range `[1−epsLow, 1+epsHigh]`; `beta`: weight of k3;
    /// `maxLength`: the constant `L_max` of `DR_GRPO` (0: the padded width `L`).
    public record Options(double epsLow, double epsHigh, double beta, Normalization normalization, int maxLength) {

        public Options {
            if (!(epsLow >= 0 && epsLow < 1)) {
                throw new IllegalArgumentException("GRPO: epsLow = " + epsLow + " must be in [0, 1) (typical 0.2)");
            }
            if (!(epsHigh >= 0) || Double.isInfinite(epsHigh)) {
                throw new IllegalArgumentException("GRPO: epsHigh = " + epsHigh + " must be >= 0 (typical 0.2, DAPO 0.28)");
            }
            if (!(beta >= 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("GRPO: beta = " + beta + " must be >= 0 (0 = no KL term)");
            }
            if (normalization == null) {
                throw new IllegalArgumentException("GRPO: normalization is null; use GRPO, DR_GRPO, DAPO or BNPO");
            }
            if (maxLength < 0) {
                throw new IllegalArgumentException("GRPO: maxLength = " + maxLength + " must be >= 0 (0 = the padded width)");
            }
        }

        /// ε 0.2/0.2, β 0, `GRPO` normalisation.
        public static Options defaults() {
            return new Options(0.2, 0.2, 0, Normalization.GRPO, 0);
        }

        public Options withBeta(double b) {
            return new Options(epsLow, epsHigh, b, normalization, maxLength);
        }

        public Options withEps(double low, double high) {
            return new Options(low, high, beta, normalization, maxLength);
        }

        public Options with(Normalization n) {
            return new Options(epsLow, epsHigh, beta, n, maxLength);
        }
    }

    /// The loss, `∂loss/∂logp` `[B·L]` (0 outside the mask), and what to log: the policy part
    /// of the loss, the mean k3 over masked tokens (0 without a reference), the fractions of
    /// masked tokens clipped low and high, and the number of masked tokens.
    public record Result(double loss, double[] grad, double policyLoss, double kl,
                         double clipLow, double clipHigh, int tokens) {

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "GRPO loss %.6g (policy %.6g, KL %.4g) over %d tokens, clipped %.3g low / %.3g high, ",
                    loss, policyLoss, kl, tokens, clipLow, clipHigh) + "d loss / d logp " + Preview.of(grad);
        }
    }

    private GrpoLoss() {
    }

    /// The loss from per-completion advantages `[B]` (outcome supervision: every token of
    /// completion `i` gets `A_i`).
    public static Result compute(double[] logp,       // [B·L]
                                 double[] oldLogp,    // [B·L]
                                 double[] refLogp,    // [B·L], or null when beta = 0
                                 double[] advantages, // [B]
                                 boolean[] mask,      // [B·L]
                                 int b, int l, Options o) {
        check(logp, oldLogp, refLogp, advantages, mask, b, l, o);
        double[] perToken = new double[b * l];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(perToken, i * l, (i + 1) * l, advantages[i]);
        }
        return tokens(logp, oldLogp, refLogp, perToken, mask, b, l, o);
    }

    /// The loss from per-token advantages `[B·L]`, e.g. process supervision's
    /// ([Advantages#process], `docs/grpo-r1.md#process-supervision`); the clip's orientation follows each token's own sign.
    public static Result computeTokens(double[] logp, double[] oldLogp, double[] refLogp,
                                       double[] tokenAdvantages, // [B·L]
                                       boolean[] mask, int b, int l, Options o) {
        if (b <= 0 || l <= 0) {
            throw new IllegalArgumentException("GRPO: B = " + b + " and L = " + l + " must be positive");
        }
        need("tokenAdvantages", tokenAdvantages.length, b * l, b, l);
        check(logp, oldLogp, refLogp, new double[b], mask, b, l, o);
        return tokens(logp, oldLogp, refLogp, tokenAdvantages, mask, b, l, o);
    }

    private static Result tokens(double[] logp, double[] oldLogp, double[] refLogp, double[] adv,
                                 boolean[] mask, int b, int l, Options o) {
        int n = b * l;
        // 1. the weights of the normalisation
        int[] len = new int[b];
        int total = 0;
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < l; t++) {
                len[i] += mask[i * l + t] ? 1 : 0;
            }
            total += len[i];
        }
        double lMax = o.maxLength() > 0 ? o.maxLength() : l;
        double[] grad = new double[n];
        double loss = 0, policy = 0, kl = 0;
        int low = 0, high = 0;
        for (int i = 0; i < b; i++) {
            double w = switch (o.normalization()) {
                case GRPO -> 1.0 / (b * (double) Math.max(len[i], 1));
                case DAPO, BNPO -> 1.0 / Math.max(total, 1);
                case DR_GRPO -> 1.0 / (b * lMax);
            };
            for (int t = 0; t < l; t++) {
                int k = i * l + t;
                if (!mask[k]) {
                    continue;
                }
                double a = adv[k];
                // 2. clipped surrogate (eq. 3): −min(ρA, clip(ρ)A)
                double rho = Math.exp(logp[k] - oldLogp[k]);
                boolean clipHigh = a > 0 && rho > 1 + o.epsHigh();
                boolean clipLow = a < 0 && rho < 1 - o.epsLow();
                double term;
                double g;
                if (clipHigh) {
                    term = -(1 + o.epsHigh()) * a;
                    g = 0;
                    high++;
                } else if (clipLow) {
                    term = -(1 - o.epsLow()) * a;
                    g = 0;
                    low++;
                } else {
                    term = -rho * a;
                    g = -rho * a;
                }
                policy += w * term;
                // 3. k3 KL to the reference (eq. 4), inside the token sum
                double kTerm = 0;
                if (o.beta() > 0) {
                    double k3 = K3.value(logp[k], refLogp[k]);
                    kl += k3;
                    kTerm = o.beta() * k3;
                    g += o.beta() * K3.gradient(logp[k], refLogp[k]);
                } else if (refLogp != null) {
                    kl += K3.value(logp[k], refLogp[k]);
                }
                loss += w * (term + kTerm);
                grad[k] = w * g + 0.0; // + 0.0: no negative zeros
            }
        }
        return new Result(loss, grad, policy, total == 0 ? 0 : kl / total,
                total == 0 ? 0 : (double) low / total, total == 0 ? 0 : (double) high / total, total);
    }

    /// The loss from rewards `[B]` in groups of `groupSize` consecutive completions: the
    /// advantages are [Advantages#compute] with `scale` first.
    public static Result fromRewards(double[] logp, double[] oldLogp, double[] refLogp,
                                     double[] rewards, int groupSize, Advantages.Scale scale,
                                     boolean[] mask, int b, int l, Options o) {
        if (rewards.length != b) {
            throw new IllegalArgumentException("GRPO: " + rewards.length + " rewards for B = " + b + " completions; give one each");
        }
        return compute(logp, oldLogp, refLogp, Advantages.compute(rewards, groupSize, scale), mask, b, l, o);
    }

    /// The mask `[B·L]` of completions of the given lengths (each length counts the end token).
    public static boolean[] maskFromLengths(int[] lengths, int l) {
        boolean[] m = new boolean[lengths.length * l];
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0 || lengths[i] > l) {
                throw new IllegalArgumentException("mask: length " + lengths[i] + " of completion " + i + " is not in [0, " + l + "]");
            }
            for (int t = 0; t < lengths[i]; t++) {
                m[i * l + t] = true;
            }
        }
        return m;
    }

    private static void check(double[] logp, double[] oldLogp, double[] refLogp, double[] adv, boolean[] mask,
                              int b, int l, Options o) {
        if (b <= 0 || l <= 0) {
            throw new IllegalArgumentException("GRPO: B = " + b + " and L = " + l + " must be positive");
        }
        int n = b * l;
        need("logp", logp.length, n, b, l);
        need("oldLogp", oldLogp.length, n, b, l);
        need("mask", mask.length, n, b, l);
        if (refLogp != null) {
            need("refLogp", refLogp.length, n, b, l);
        } else if (o.beta() > 0) {
            throw new IllegalArgumentException("GRPO: beta = " + o.beta() + " needs reference log-probs; pass refLogp or set beta = 0");
        }
        if (adv.length != b) {
            throw new IllegalArgumentException("GRPO: " + adv.length + " advantages for B = " + b + " completions; give one each");
        }
        for (int k = 0; k < n; k++) {
            if (mask[k] && (!Double.isFinite(logp[k]) || !Double.isFinite(oldLogp[k])
                    || (refLogp != null && !Double.isFinite(refLogp[k])))) {
                throw new IllegalArgumentException("GRPO: a log-prob at completion " + k / l + ", token " + k % l
                        + " is not finite (logp " + logp[k] + ", old " + oldLogp[k] + ")");
            }
        }
    }

    private static void need(String name, int got, int n, int b, int l) {
        if (got != n) {
            throw new IllegalArgumentException("GRPO: " + name + " has " + got + " entries, expected B·L = " + b + "·" + l + " = " + n);
        }
    }
}
