package dev.tinyseek.experiments;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.fp8.BlockScaling;
import dev.tinyseek.fp8.FastFp8Gemm;
import dev.tinyseek.fp8.Fp8Gemm;
import dev.tinyseek.fp8.Fp8Values;
import dev.tinyseek.fp8.ScaleOrder;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Fp8Linear;
import dev.tinyseek.nn.Fp8Recipe;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tensor.MatMul;
import dev.tinyseek.tensor.Rng;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// The cost part of `tinyseek fp8-ablation`: how much slower simulated FP8 is than fp32 on this
/// CPU, as ratios of times measured in the same process, the two variants alternating round by
/// round so that both see the same load (the median round of each is compared).
///
/// Rows: the GEMM alone at 512³ and at the tiny model's shapes (operands already quantised), a
/// linear layer's forward and backward with quantisation included, a whole training step of the
/// tiny and small models, and the straightforward reference GEMM and the Hopper tensor-core model
/// (what training would cost with them).
public final class Fp8Cost {

    private Fp8Cost() {
    }

    /// One comparison: median seconds of the fp32 and the FP8 variant, and their ratio.
    public record Row(String what, double fp32Seconds, double fp8Seconds) {
        double ratio() {
            return fp8Seconds / fp32Seconds;
        }
    }

    public static List<Row> run(PrintStream out, double seconds, boolean withReference) {
        List<Row> rows = new ArrayList<>();
        Rng rng = new Rng(11);
        int t = 32;
        // 1. the GEMM alone, C[M, N] = A[M, K]·B[N, K]ᵀ: Java fp32 GEMM vs the FP8 kernel on quantised values
        for (int[] s : new int[][] {{512, 512, 512}, {512, 128, 64}, {128, 64, 512}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = normal(rng, m * k), b = normal(rng, n * k);
            Fp8Values qa = BlockScaling.tiles(1, 128).quantizeValues(a, m, k);
            Fp8Values qb = BlockScaling.tiles(128, 128).quantizeValues(b, n, k);
            float[] c = new float[m * n];
            rows.add(compare(out, "GEMM " + m + "x" + n + "x" + k + " (operands quantised beforehand)", seconds,
                    () -> Backends.gemm().gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false),
                    () -> FastFp8Gemm.multiply(qa, qb, 128)));
        }
        // 2. a linear layer y = x Wᵀ with quantisation: forward, and forward + backward (Fprop, Dgrad, Wgrad)
        for (int[] s : new int[][] {{512, 64, 128, 32}, {1024, 256, 768, 128}}) {
            int n = s[0], in = s[1], outDim = s[2];
            Fp8Recipe r = Fp8Recipe.deepseek(s[3]);
            float[] x = normal(rng, n * in), w = normal(rng, outDim * in), dy = normal(rng, n * outDim);
            float[] dw = new float[outDim * in];
            String shape = "[" + n + " tokens, " + in + " -> " + outDim + "], T = " + s[3];
            rows.add(compare(out, "linear forward " + shape, seconds,
                    () -> MatMul.forward(new float[n * outDim], x, w, null, n, in, outDim),
                    () -> Fp8Linear.forward(x, w, n, in, outDim, r)));
            rows.add(compare(out, "linear forward + backward " + shape, seconds,
                    () -> {
                        MatMul.forward(new float[n * outDim], x, w, null, n, in, outDim);
                        MatMul.backward(new float[n * in], dw, null, dy, x, w, n, in, outDim);
                    },
                    () -> {
                        Fp8Linear.forward(x, w, n, in, outDim, r);
                        Fp8Linear.backward(dw, dy, x, w, n, in, outDim, r);
                    }));
        }
        // 3. a whole training step (forward, backward) of the DeepSeek-V3-style models
        rows.add(trainingStep(out, "training step, tiny (8 x 64 tokens), T = 32", ModelConfig.tiny(), 8, 64, 32, seconds));
        rows.add(trainingStep(out, "training step, small (8 x 128 tokens), T = 128", ModelConfig.small(), 8, 128, 128, seconds));
        // 4. what the GEMM would cost without the fast kernel (reference) and with the Hopper model
        if (withReference) {
            int m = 128, n = 128, k = 512;
            float[] a = normal(rng, m * k), b = normal(rng, n * k);
            var qa = BlockScaling.tiles(1, 128).quantize(a, m, k);
            var qb = BlockScaling.tiles(128, 128).quantize(b, n, k);
            float[] c = new float[m * n];
            rows.add(compare(out, "GEMM 128x128x512, straightforward reference Fp8Gemm (EXACT)", seconds,
                    () -> Backends.gemm().gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false),
                    () -> new Fp8Gemm(Accumulation.EXACT, 128, ScaleOrder.SCALES_FIRST, true).multiply(qa, qb)));
            rows.add(compare(out, "GEMM 128x128x512, Hopper e8m13 tensor-core model", seconds,
                    () -> Backends.gemm().gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false),
                    () -> Fp8Gemm.hopper().multiply(qa, qb)));
        }
        return rows;
    }

    private static Row trainingStep(PrintStream out, String what, ModelConfig cfg, int batch, int seqLen, int tile, double seconds) {
        Transformer m32 = new Transformer(cfg, 1);
        Transformer m8 = new Transformer(cfg, 1);
        m8.setPrecision(Precision.FP8, Fp8Recipe.deepseek(tile));
        Rng rng = new Rng(3);
        int n = batch * seqLen, v = cfg.vocabSize();
        int[] tokens = new int[n], targets = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = rng.nextInt(v);
            targets[i] = rng.nextInt(v);
        }
        return compare(out, what, seconds, () -> step(m32, tokens, targets, batch, seqLen), () -> step(m8, tokens, targets, batch, seqLen));
    }

    private static void step(Transformer m, int[] tokens, int[] targets, int batch, int seqLen) {
        int n = batch * seqLen, v = m.config.vocabSize();
        Transformer.Saved s = m.forward(tokens, batch, seqLen);
        m.zeroGrad();
        float[] dl = new float[n * v];
        CrossEntropy.backward(dl, s.logits(), targets, CrossEntropy.IGNORE, n, v, 1f);
        m.backward(s, dl);
    }

    /// Alternates the two bodies, one timed call each per round, after a warm-up, for about
    /// `seconds` in all; compares the median round of each.
    public static Row compare(PrintStream out, String what, double seconds, Runnable fp32, Runnable fp8) {
        long end = System.nanoTime() + (long) (seconds * 0.25e9);
        while (System.nanoTime() < end) { // warm-up: let the JIT compile both
            fp32.run();
            fp8.run();
        }
        List<Double> a = new ArrayList<>(), b = new ArrayList<>();
        end = System.nanoTime() + (long) (seconds * 0.75e9);
        do {
            a.add(time(fp32));
            b.add(time(fp8));
        } while (System.nanoTime() < end || a.size() < 5);
        Row r = new Row(what, median(a), median(b));
        out.printf("  %-78s fp32 %9.3f ms  fp8 %9.3f ms  ratio %5.2fx%n", r.what(), 1e3 * r.fp32Seconds(), 1e3 * r.fp8Seconds(), r.ratio());
        return r;
    }

    private static double time(Runnable body) {
        long t0 = System.nanoTime();
        body.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static float[] normal(Rng rng, int size) {
        float[] x = new float[size];
        rng.fillNormal(x, 1.0);
        return x;
    }
}
