package dev.tinyseek.rl;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tasks.Task;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.train.AdamW;
import dev.tinyseek.train.GradClip;
import dev.tinyseek.train.LrSchedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// The GRPO loop (DeepSeekMath Algorithm 1, outcome supervision, rule-based rewards):
///
///     for each step:
///         π_old ← π_θ                        (the sampling policy: the weights as they are now)
///         P prompts from the training split; G completions each at temperature T   (rollouts)
///         rewards r (rule-based); advantages per group           ([Advantages])
///         [dynamic sampling: keep only groups whose rewards differ]
///         for μ passes, for each minibatch:
///             log-probs of the sampled tokens under π_θ at T     ([TokenLogProbs])
///             loss and ∂loss/∂logp                               ([GrpoLoss])
///             back through the model; clip; AdamW step
///
/// Details that matter:
/// - the ratio's `logp_old`: with `μ = 1` and one minibatch it is the current log-prob itself
///   (`ρ = 1` exactly, as TRL does); otherwise one forward pass before any update stores it;
/// - `β = 0` runs no reference model at all; `β > 0` scores the tokens under `reference` (a
///   frozen copy, e.g. the SFT model) for k3;
/// - completions with advantage 0 contribute exactly nothing to the loss or its gradient when
///   `β = 0`, so they are left out of the forward and backward passes (a speed-up, not an
///   approximation: they still count in the normalisation's `B` and token totals);
/// - a step where no completion has a non-zero advantage (and `β = 0`) makes no optimizer step;
/// - `DR_GRPO`'s constant `L_max` is `maxNew` unless the loss options set one ([#lossOptions]);
/// - masks come from the completion lengths: the end token counts, nothing after it exists;
///   with [#maskTruncated(boolean)], a completion that never ended counts not at all.
///
/// Left out on purpose: MoE router-bias updates during RL (the biases stay as the SFT model
/// left them), gradient accumulation, and process rewards in the loop (the tasks have one outcome;
/// [Advantages#process] and [GrpoLoss#computeTokens] are the pieces).
public final class GrpoTrainer {

    /// `prompts` per step and `group` completions each (G); `temperature` for sampling and scoring;
    /// `maxNew` tokens per completion; AdamW `lr` (linear warmup over `warmup` steps, then
    /// constant, or with `decaySteps > 0` a cosine decay to a tenth at that step), `weightDecay`, global-norm `clip` (0 = off); `mu` passes and `minibatches` per
    /// step; advantage `scale`; `loss` options; `dynamicSampling` (drop zero-std groups, refill
    /// from up to `maxSampleRounds` extra rounds of prompts); `shuffleRewards` (the control: rewards
    /// permuted at random inside each group, so they carry no information).
    public record Options(int prompts, int group, double temperature, int maxNew,
                          double lr, int warmup, int decaySteps, double weightDecay, double clip,
                          int mu, int minibatches, Advantages.Scale scale, GrpoLoss.Options loss,
                          boolean dynamicSampling, int maxSampleRounds, boolean shuffleRewards, long seed) {

        public Options {
            if (prompts < 1) {
                throw new IllegalArgumentException("GRPO: prompts = " + prompts + " per step must be >= 1");
            }
            if (group < 2) {
                throw new IllegalArgumentException("GRPO: group = " + group + " completions per prompt must be >= 2 (advantages compare them)");
            }
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("GRPO: temperature = " + temperature + " must be > 0 (rollouts are sampled)");
            }
            if (maxNew < 1) {
                throw new IllegalArgumentException("GRPO: maxNew = " + maxNew + " must be >= 1");
            }
            if (!(lr > 0)) {
                throw new IllegalArgumentException("GRPO: lr = " + lr + " must be > 0");
            }
            if (mu < 1 || minibatches < 1 || minibatches > prompts) {
                throw new IllegalArgumentException("GRPO: mu = " + mu + " must be >= 1 and minibatches = " + minibatches
                        + " in [1, prompts = " + prompts + "]");
            }
            if (warmup < 0 || decaySteps < 0) {
                throw new IllegalArgumentException("GRPO: warmup = " + warmup + " and decaySteps = " + decaySteps + " must be >= 0");
            }
            if (maxSampleRounds < 1) {
                throw new IllegalArgumentException("GRPO: maxSampleRounds = " + maxSampleRounds + " must be >= 1");
            }
        }

        /// 16 prompts × 8 completions at temperature 1, 16 new tokens, lr 3e-4 with a warmup of
        /// 10 steps and no decay, no weight decay, clip 1, μ 1 with one minibatch, group-std
        /// advantages, [GrpoLoss.Options#defaults()], no dynamic sampling, real rewards, seed 1.
        /// Change one setting with its `with…` method: `Options.defaults().withGroup(4).withLr(1e-3)`.
        public static Options defaults() {
            return new Options(16, 8, 1.0, 16, 3e-4, 10, 0, 0, 1.0, 1, 1, Advantages.Scale.GROUP,
                    GrpoLoss.Options.defaults(), false, 1, false, 1);
        }

        public Options withPrompts(int v) {
            return new Options(v, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withGroup(int v) {
            return new Options(prompts, v, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withTemperature(double v) {
            return new Options(prompts, group, v, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withMaxNew(int v) {
            return new Options(prompts, group, temperature, v, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withLr(double v) {
            return new Options(prompts, group, temperature, maxNew, v, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withWarmup(int v) {
            return new Options(prompts, group, temperature, maxNew, lr, v, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withDecaySteps(int v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, v, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withWeightDecay(double v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, v, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withClip(double v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, v, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withMu(int v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, v, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withMinibatches(int v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, v, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withScale(Advantages.Scale v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, v, loss, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withLoss(GrpoLoss.Options v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, v, dynamicSampling, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withDynamicSampling(boolean v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, v, maxSampleRounds, shuffleRewards, seed);
        }

        public Options withMaxSampleRounds(int v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, v, shuffleRewards, seed);
        }

        public Options withShuffleRewards(boolean v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, v, seed);
        }

        public Options withSeed(long v) {
            return new Options(prompts, group, temperature, maxNew, lr, warmup, decaySteps, weightDecay, clip, mu, minibatches, scale, loss, dynamicSampling, maxSampleRounds, shuffleRewards, v);
        }
    }

    /// What one step did. `reward*`, `accuracy`, `fracZeroStd`, `length` (tokens, the end token
    /// included) and `truncated` describe the rollouts; `kl` (mean k3, 0 without a reference),
    /// `clipLow`/`clipHigh` (fractions of tokens), `entropy` (mean over the tokens that went
    /// through the update, 0 for a step without one), `loss` and `gradNorm` (before clipping)
    /// describe the update, averaged over its passes.
    public record StepMetrics(int step, double rewardMean, double rewardStd, double accuracy, double fracZeroStd,
                              double length, double truncated, double kl, double clipLow, double clipHigh,
                              double entropy, double loss, double gradNorm, int groupsUsed, double lr, double seconds) {
    }

    private final Transformer policy;
    private final Transformer reference;
    private final Task task;
    private final Reward reward;
    private final Reward accuracy;
    private final AnswerFormat format;
    private final Options o;
    private final GrpoLoss.Options loss;
    private final AdamW opt;
    private final LrSchedule schedule;
    private final Rng rng;
    private int step;
    private Codec codec = Codec.BYTES;
    private boolean skipZeroAdvantage = true;
    private boolean maskTruncated = false;

    /// `reference` may be null when `o.loss().beta() == 0`. `end` must be the byte codec's newline; [#codec] sets another template.
    public GrpoTrainer(Transformer policy, Transformer reference, Task task, AnswerFormat format, Reward reward,
                       int end, Options o) {
        if (end != Codec.BYTES.end()) {
            throw new IllegalArgumentException("GRPO: end token " + end + " is not the byte codec's newline ("
                    + Codec.BYTES.end() + "); for another template set codec(...)");
        }
        if (o.loss().beta() > 0 && reference == null) {
            throw new IllegalArgumentException("GRPO: beta = " + o.loss().beta() + " needs a reference model; pass one or set beta = 0");
        }
        this.policy = policy;
        this.reference = o.loss().beta() > 0 ? reference : null;
        this.task = task;
        this.format = format;
        this.reward = reward;
        this.accuracy = Reward.accuracy(task, format);
        this.o = o;
        this.loss = lossOptions(o);
        this.opt = new AdamW(policy.params(), 0.9, 0.99, 1e-8, o.weightDecay());
        this.schedule = o.decaySteps() > 0 ? new LrSchedule(o.lr(), o.lr() / 10, o.warmup(), o.decaySteps())
                : new LrSchedule(o.lr(), o.lr(), o.warmup(), Integer.MAX_VALUE);
        this.rng = new Rng(o.seed());
    }

    /// The loss options the trainer uses: `o.loss()`, except that an unset `maxLength` (0) becomes
    /// `maxNew`, so that `DR_GRPO`'s divisor `B · L_max` is the same constant for every batch
    /// (`docs/grpo-r1.md#loss-normalisations`: TRL's `B · max_completion_length`), not the longest completion
    /// that happened to be sampled.
    static GrpoLoss.Options lossOptions(Options o) {
        GrpoLoss.Options l = o.loss();
        return l.maxLength() > 0 ? l : new GrpoLoss.Options(l.epsLow(), l.epsHigh(), l.beta(), l.normalization(), o.maxNew());
    }

    /// A frozen copy of `model` (same config, weights and router biases), e.g. the reference policy.
    public static Transformer copy(Transformer model) {
        Transformer c = new Transformer(model.config, 0);
        copyInto(model.params(), c.params());
        copyInto(model.buffers(), c.buffers());
        return c;
    }

    private static void copyInto(List<Param> from, List<Param> to) {
        for (int i = 0; i < from.size(); i++) {
            System.arraycopy(from.get(i).data, 0, to.get(i).data, 0, from.get(i).data.length);
        }
    }

    /// Whether completions with advantage 0 skip the forward and backward passes when `β = 0`
    /// (the default); off, every completion is scored: the naive path the tests compare against.
    GrpoTrainer skipZeroAdvantage(boolean on) {
        this.skipZeroAdvantage = on;
        return this;
    }

    /// How prompts become tokens and completions text ([Codec#BYTES] unless set; its end token
    /// replaces the constructor's `end`).
    public GrpoTrainer codec(Codec c) {
        this.codec = c;
        return this;
    }

    /// DAPO's overlong filtering: completions cut at the length limit (no end token) leave the
    /// loss entirely — their mask is empty, so no normalisation counts their tokens.
    public GrpoTrainer maskTruncated(boolean on) {
        this.maskTruncated = on;
        return this;
    }

    public int steps() {
        return step;
    }

    // ---- 1. rollouts ------------------------------------------------------------------------

    /// `group` completions of each problem, sampled at the temperature from the model as it is,
    /// scored by the reward. The prompt is run through the model once per problem; each
    /// completion continues from its cached state. Problems are sampled in parallel, each with
    /// its own generator seeded from `r` in order, so the result does not depend on the number
    /// of threads.
    public List<Rollout> sample(List<Problem> problems, Rng r) {
        long[] seeds = new long[problems.size()];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = r.nextLong();
        }
        @SuppressWarnings("unchecked")
        List<Rollout>[] perProblem = new List[problems.size()];
        Parallel.forRange(problems.size(), 1, (from, to) -> {
            for (int gi = from; gi < to; gi++) {
                perProblem[gi] = sampleGroup(problems.get(gi), gi, new Rng(seeds[gi]));
            }
        });
        List<Rollout> out = new ArrayList<>(problems.size() * o.group());
        for (List<Rollout> g : perProblem) {
            out.addAll(g);
        }
        return out;
    }

    private List<Rollout> sampleGroup(Problem p, int gi, Rng r) {
        List<Rollout> out = new ArrayList<>(o.group());
        int[] prompt = codec.prompt(p);
        for (Completions.Sample c : Completions.sample(policy, codec, p, o.group(), new Sampler(o.temperature(), 0, 1), o.maxNew(), r)) {
            double rew = reward.score(p, c.text(), c.ended());
            boolean right = accuracy.score(p, c.text(), c.ended()) > 0;
            out.add(new Rollout(p, prompt, c.tokens(), c.text(), c.ended(), rew, right, gi));
        }
        return out;
    }

    // ---- 2. one step ------------------------------------------------------------------------

    /// One GRPO step: sample, score, update.
    public StepMetrics step() {
        long t0 = System.nanoTime();
        int s = step++;
        // 1. rollouts (with dynamic sampling: extra rounds until enough groups carry a signal)
        List<Rollout> rollouts = new ArrayList<>();
        List<Rollout> all = new ArrayList<>();
        int groups = 0, zeroStd = 0, sampled = 0;
        for (int round = 0; round < (o.dynamicSampling() ? o.maxSampleRounds() : 1) && groups < o.prompts(); round++) {
            List<Problem> ps = new ArrayList<>();
            for (int i = 0; i < o.prompts(); i++) {
                ps.add(task.sample(rng, Split.TRAIN));
            }
            List<Rollout> rs = sample(ps, rng);
            if (o.shuffleRewards()) {
                rs = shuffleWithinGroups(rs, o.group(), rng);
            }
            for (int gi = 0; gi < o.prompts(); gi++) {
                List<Rollout> g = rs.subList(gi * o.group(), (gi + 1) * o.group());
                all.addAll(g);
                sampled++;
                double[] r = g.stream().mapToDouble(Rollout::reward).toArray();
                boolean flat = Advantages.allEqual(r, 0, r.length);
                zeroStd += flat ? 1 : 0;
                if ((!o.dynamicSampling() || !flat) && groups < o.prompts()) {
                    for (Rollout x : g) {
                        rollouts.add(renumber(x, groups));
                    }
                    groups++;
                }
            }
        }
        // 2. rewards and advantages
        int b = rollouts.size();
        double[] rewards = rollouts.stream().mapToDouble(Rollout::reward).toArray();
        double[] adv = b == 0 ? new double[0] : Advantages.compute(rewards, o.group(), o.scale());
        // 3. update: mu passes over minibatches of whole groups
        double lr = schedule.at(s);
        double lossSum = 0, klSum = 0, lowSum = 0, highSum = 0, entSum = 0, normSum = 0;
        int updates = 0, entN = 0;
        if (b > 0) {
            int mb = Math.min(o.minibatches(), groups);
            Scored[] old = new Scored[mb];
            boolean fresh = o.mu() == 1 && mb == 1;
            if (!fresh) { // π_old's log-probs, before any update
                for (int m = 0; m < mb; m++) {
                    old[m] = score(policy, rollouts, adv, groupRange(m, mb, groups), false);
                }
            }
            for (int pass = 0; pass < o.mu(); pass++) {
                for (int m = 0; m < mb; m++) {
                    int[] range = groupRange(m, mb, groups);
                    Scored cur = score(policy, rollouts, adv, range, true);
                    if (cur.active == 0) {
                        continue; // no completion carries a signal: no step
                    }
                    double[] oldLogp = fresh ? cur.logp : old[m].logp;
                    double[] refLogp = reference == null ? null : score(reference, rollouts, adv, range, false).logp;
                    double[] advM = Arrays.copyOfRange(adv, range[0] * o.group(), range[1] * o.group());
                    GrpoLoss.Result res = GrpoLoss.compute(cur.logp, oldLogp, refLogp, advM, cur.mask, cur.rows, cur.width, loss);
                    // back through the model
                    policy.zeroGrad();
                    float[] dlogits = new float[cur.fwd.logits().length];
                    TokenLogProbs.backward(dlogits, cur.fwd.logits(), cur.logitRow, cur.target,
                            gather(res.grad(), cur.flat), policy.config.vocabSize(), o.temperature());
                    policy.backward(cur.fwd, dlogits);
                    double norm = o.clip() > 0 ? GradClip.clip(policy.params(), o.clip()) : GradClip.norm(policy.params());
                    if (!Double.isFinite(norm) || !Double.isFinite(res.loss())) {
                        throw new IllegalStateException("GRPO step " + (s + 1) + ": the " + (Double.isFinite(norm) ? "loss" : "gradient norm")
                                + " is not finite; lower the learning rate (--lr)");
                    }
                    opt.step(lr);
                    lossSum += res.loss();
                    klSum += res.kl();
                    lowSum += res.clipLow();
                    highSum += res.clipHigh();
                    normSum += norm;
                    entSum += cur.entropySum;
                    entN += cur.entropyN;
                    updates++;
                }
            }
        }
        // 4. metrics over all sampled rollouts
        double[] allR = all.stream().mapToDouble(Rollout::reward).toArray();
        double mean = Arrays.stream(allR).average().orElse(0);
        double std = Math.sqrt(Arrays.stream(allR).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, allR.length));
        double acc = all.stream().filter(Rollout::correct).count() / (double) all.size();
        double len = all.stream().mapToInt(x -> x.completion().length).average().orElse(0);
        double trunc = all.stream().filter(x -> !x.ended()).count() / (double) all.size();
        int u = Math.max(updates, 1);
        return new StepMetrics(s + 1, mean, std, acc, zeroStd / (double) sampled, len, trunc, klSum / u, lowSum / u,
                highSum / u, entN == 0 ? 0 : entSum / entN, lossSum / u, normSum / u, groups, lr,
                (System.nanoTime() - t0) / 1e9);
    }

    private Rollout renumber(Rollout x, int group) {
        return new Rollout(x.problem(), x.prompt(), x.completion(), x.text(), x.ended(), x.reward(), x.correct(), group);
    }

    /// The control: each group's rewards permuted at random (Fisher-Yates), so a reward no
    /// longer belongs to the completion that earned it.
    static List<Rollout> shuffleWithinGroups(List<Rollout> rs, int g, Rng r) {
        List<Rollout> out = new ArrayList<>(rs);
        for (int g0 = 0; g0 < rs.size(); g0 += g) {
            double[] rew = new double[g];
            for (int i = 0; i < g; i++) {
                rew[i] = rs.get(g0 + i).reward();
            }
            for (int i = g - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                double t = rew[i];
                rew[i] = rew[j];
                rew[j] = t;
            }
            for (int i = 0; i < g; i++) {
                out.set(g0 + i, rs.get(g0 + i).withReward(rew[i]));
            }
        }
        return out;
    }

    private static int[] groupRange(int m, int mb, int groups) {
        return new int[] {m * groups / mb, (m + 1) * groups / mb};
    }

    private static double[] gather(double[] grad, int[] flat) {
        double[] g = new double[flat.length];
        for (int k = 0; k < flat.length; k++) {
            g[k] = grad[flat[k]];
        }
        return g;
    }

    /// The completions of groups `range` scored under `model`: `logp` `[rows·width]` (0 for the
    /// rows left out), the mask from the lengths, and what backward needs.
    private record Scored(double[] logp, boolean[] mask, int rows, int width, int active,
                          Transformer.Saved fwd, int[] logitRow, int[] target, int[] flat,
                          double entropySum, int entropyN) {
    }

    private Scored score(Transformer model, List<Rollout> rollouts, double[] adv, int[] range, boolean withEntropy) {
        int g = o.group();
        int from = range[0] * g, to = range[1] * g, rows = to - from;
        int width = 1;
        for (int i = from; i < to; i++) {
            width = Math.max(width, rollouts.get(i).completion().length);
        }
        int[] lengths = new int[rows];
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Rollout x = rollouts.get(from + i);
            lengths[i] = maskTruncated && !x.ended() ? 0 : x.completion().length;
            if (adv[from + i] != 0 || o.loss().beta() > 0 || !skipZeroAdvantage) {
                active.add(from + i);
            }
        }
        boolean[] mask = GrpoLoss.maskFromLengths(lengths, width);
        double[] logp = new double[rows * width];
        if (active.isEmpty()) {
            return new Scored(logp, mask, rows, width, 0, null, new int[0], new int[0], new int[0], 0, 0);
        }
        // one padded batch of the active rows: prompt + completion, without the last token
        int t = 1;
        for (int i : active) {
            Rollout x = rollouts.get(i);
            t = Math.max(t, x.prompt().length + x.completion().length - 1);
        }
        int n = active.size(), tokensTotal = 0;
        for (int i : active) {
            tokensTotal += rollouts.get(i).completion().length;
        }
        int[] tokens = new int[n * t];
        Arrays.fill(tokens, codec.pad());
        int[] logitRow = new int[tokensTotal], target = new int[tokensTotal], flat = new int[tokensTotal];
        int k = 0;
        for (int a = 0; a < n; a++) {
            Rollout x = rollouts.get(active.get(a));
            int p = x.prompt().length;
            System.arraycopy(x.prompt(), 0, tokens, a * t, p);
            System.arraycopy(x.completion(), 0, tokens, a * t + p, x.completion().length - 1);
            for (int j = 0; j < x.completion().length; j++) {
                logitRow[k] = a * t + p + j - 1; // the logits at position p+j-1 predict token p+j
                target[k] = x.completion()[j];
                flat[k] = (active.get(a) - from) * width + j;
                k++;
            }
        }
        Transformer.Saved fwd = model.forward(tokens, n, t);
        double[] lp = new double[tokensTotal];
        double[] ent = withEntropy ? new double[tokensTotal] : null;
        TokenLogProbs.forward(lp, ent, fwd.logits(), logitRow, target, model.config.vocabSize(), o.temperature());
        for (int q = 0; q < tokensTotal; q++) {
            logp[flat[q]] = lp[q];
        }
        double entSum = ent == null ? 0 : Arrays.stream(ent).sum();
        return new Scored(logp, mask, rows, width, n, fwd, logitRow, target, flat, entSum, ent == null ? 0 : tokensTotal);
    }
}
