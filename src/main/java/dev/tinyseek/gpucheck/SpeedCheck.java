package dev.tinyseek.gpucheck;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.SpeculativeDecoder;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.train.AdamW;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Check 4: speed on the device, with the weights kept there (uploaded once, refreshed after each
/// optimizer step): training tokens/s, batch-1 decoding tokens/s, and MTP speculative decoding
/// against plain greedy decoding. Figures only; nothing here passes or fails, except that the
/// runs must finish.
///
/// Every figure is the best of interleaved rounds after one warm-up round (the JIT, cuBLAS's
/// kernel choice). Decoding figures include the prompt's prefill.
public final class SpeedCheck {

    private SpeedCheck() {
    }

    /// Training: forward, loss, backward, one AdamW step, the kept weights refreshed.
    public record Training(String model, int batch, int tokens, int steps, double tokensPerSecond) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model);
            m.put("batch", batch);
            m.put("tokens", tokens);
            m.put("steps", steps);
            m.put("tokens_per_second", tokensPerSecond);
            return m;
        }
    }

    /// Batch-1 greedy decoding of `newTokens` after an 8-token prompt.
    public record Decoding(String model, int newTokens, double tokensPerSecond) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model);
            m.put("new_tokens", newTokens);
            m.put("tokens_per_second", tokensPerSecond);
            return m;
        }
    }

    /// Speculative decoding with MTP depth 1 against plain greedy, on the same prompts.
    ///
    /// @param acceptance     share of drafted tokens accepted
    /// @param sameOutputShare share of prompts whose speculative output equals greedy's (1 on the
    ///                        Java backend; on a GPU a near-tie can flip, because a product of 2 rows
    ///                        and of 1 row may be summed differently)
    /// @param speedup        greedy's time / speculative's time
    public record Mtp(String model, int prompts, int newTokens, double acceptance, double greedyTokensPerSecond,
                      double speculativeTokensPerSecond, double speedup, double sameOutputShare) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model);
            m.put("prompts", prompts);
            m.put("new_tokens", newTokens);
            m.put("acceptance", acceptance);
            m.put("greedy_tokens_per_second", greedyTokensPerSecond);
            m.put("speculative_tokens_per_second", speculativeTokensPerSecond);
            m.put("speedup", speedup);
            m.put("same_output_share", sameOutputShare);
            return m;
        }
    }

    /// Training tokens/s of `cfg` at `batch x tokens`, best of `rounds` rounds of `steps` steps.
    public static Training training(Device device, String name, ModelConfig cfg, int batch, int tokens, int steps,
                                    int rounds, Progress progress) {
        Gemm before = Backends.gemm();
        Backends.use(device.gemm());
        Transformer m = new Transformer(cfg, 1);
        List<Param> params = m.params();
        params.forEach(p -> device.keep(p.data));
        try {
            Rng r = new Rng(2);
            int n = batch * tokens, v = cfg.vocabSize();
            int[] tok = new int[n], tgt = new int[n];
            for (int i = 0; i < n; i++) {
                tok[i] = r.nextInt(v);
                tgt[i] = r.nextInt(v);
            }
            AdamW opt = AdamW.deepseek(params);
            double best = Double.MAX_VALUE;
            for (int round = -1; round < rounds; round++) {
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    ModelParityCheck.lossAndBackward(m, m.forward(tok, batch, tokens), tgt, n, v);
                    opt.step(1e-3);
                    params.forEach(p -> device.refresh(p.data));
                }
                device.synchronize();
                double secs = (System.nanoTime() - t0) / 1e9;
                if (round >= 0) {
                    best = Math.min(best, secs);
                }
            }
            Training t = new Training(name, batch, tokens, steps, (double) n * steps / best);
            progress.line(String.format("train %s %d x %d: %.0f tokens/s", name, batch, tokens, t.tokensPerSecond()));
            return t;
        } finally {
            params.forEach(p -> device.release(p.data));
            Backends.use(before);
        }
    }

    /// Batch-1 greedy decoding tokens/s of `model`, best of `rounds`.
    public static Decoding decoding(Device device, String name, Transformer model, int newTokens, int rounds,
                                    Progress progress) {
        return withWeights(device, model, () -> {
            int[] prompt = prompt(model.config.vocabSize(), 8, 3);
            double best = Double.MAX_VALUE;
            for (int round = -1; round < rounds; round++) {
                long t0 = System.nanoTime();
                Generator.greedy(model, prompt, newTokens, -1);
                double secs = (System.nanoTime() - t0) / 1e9;
                if (round >= 0) {
                    best = Math.min(best, secs);
                }
            }
            Decoding d = new Decoding(name, newTokens, newTokens / best);
            progress.line(String.format("decode %s batch 1: %.0f tokens/s", name, d.tokensPerSecond()));
            return d;
        });
    }

    /// Speculative (MTP depth 1) against greedy on `prompts`, each continued by at most `maxNew`
    /// tokens (stopping at `stop`, or never when -1), best of `rounds` interleaved rounds.
    public static Mtp mtp(Device device, String name, Transformer model, int[][] prompts, int maxNew, int stop,
                          int rounds, Progress progress) {
        if (model.mtp.isEmpty()) {
            throw new IllegalArgumentException("model " + name + " has no MTP module; speculative decoding needs one");
        }
        return withWeights(device, model, () -> {
            int[][] plain = new int[prompts.length][];
            int tokens = 0, same = 0, drafted = 0, accepted = 0;
            for (int i = 0; i < prompts.length; i++) {
                plain[i] = Generator.greedy(model, prompts[i], maxNew, stop);
                tokens += plain[i].length;
                SpeculativeDecoder.Result r = SpeculativeDecoder.greedy(model, prompts[i], maxNew, stop, 1);
                same += Arrays.equals(r.tokens(), plain[i]) ? 1 : 0;
                drafted += r.drafted();
                accepted += r.accepted();
            }
            double bestPlain = Double.MAX_VALUE, bestSpec = Double.MAX_VALUE;
            for (int round = -1; round < rounds; round++) {
                for (int variant = 0; variant < 2; variant++) {
                    boolean speculative = (variant + Math.max(round, 0)) % 2 == 1; // alternate which goes first
                    long t0 = System.nanoTime();
                    for (int[] p : prompts) {
                        if (speculative) {
                            SpeculativeDecoder.greedy(model, p, maxNew, stop, 1);
                        } else {
                            Generator.greedy(model, p, maxNew, stop);
                        }
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    if (round >= 0) {
                        if (speculative) {
                            bestSpec = Math.min(bestSpec, secs);
                        } else {
                            bestPlain = Math.min(bestPlain, secs);
                        }
                    }
                }
            }
            Mtp m = new Mtp(name, prompts.length, tokens, drafted == 0 ? 0 : (double) accepted / drafted,
                    tokens / bestPlain, tokens / bestSpec, bestPlain / bestSpec, (double) same / prompts.length);
            progress.line(String.format("mtp %s: acceptance %.2f, greedy %.0f tokens/s, speculative %.0f tokens/s (%.2fx), "
                            + "same output %.0f%%", name, m.acceptance(), m.greedyTokensPerSecond(),
                    m.speculativeTokensPerSecond(), m.speedup(), 100 * m.sameOutputShare()));
            return m;
        });
    }

    /// `n` random tokens below `vocab`, from `seed`.
    static int[] prompt(int vocab, int n, long seed) {
        Rng r = new Rng(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextInt(vocab);
        }
        return p;
    }

    private static <T> T withWeights(Device device, Transformer model, java.util.function.Supplier<T> body) {
        Gemm before = Backends.gemm();
        Backends.use(device.gemm());
        List<Param> params = model.params();
        params.forEach(p -> device.keep(p.data));
        try {
            return body.get();
        } finally {
            params.forEach(p -> device.release(p.data));
            Backends.use(before);
        }
    }
}
