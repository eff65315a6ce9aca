package dev.tinyseek.experiments;

import dev.tinyseek.chart.Plot;
import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.fp8.BlockQuantized;
import dev.tinyseek.fp8.BlockScaling;
import dev.tinyseek.fp8.FastFp8Gemm;
import dev.tinyseek.fp8.Fp8Gemm;
import dev.tinyseek.fp8.Fp8Values;
import dev.tinyseek.fp8.ScaleOrder;
import dev.tinyseek.tensor.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// The three numerical parts of `tinyseek fp8-ablation` (DeepSeek-V3 §3.3.2 and App. B.2), each
/// on synthetic tensors whose shape of outliers is the point of the experiment:
/// - `scaling`: activations with a few outlier channels, quantised per tensor or in 1xT tiles;
/// - `promotion`: a K = 4096 product on Hopper's e8m13 accumulator, with and without promotion;
/// - `gradients`: activation gradients with a few outlier tokens, in TxT blocks or 1xT tiles.
public final class Fp8Ablations {

    private Fp8Ablations() {
    }

    public static final double[] OUTLIERS = {1, 10, 100, 1e3, 1e4, 1e5}; // outlier magnitude over the ordinary values

    /// What a part measured, as its chart draws it: each curve's name and points, and the PNG file.
    public record Chart(Path png, List<Plot.Series> series) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Chart[" + png);
            for (Plot.Series c : series) {
                sb.append(String.format("%n  %s: x %s, y %s", c.name(), java.util.Arrays.toString(c.x()), java.util.Arrays.toString(c.y())));
            }
            return sb.append("]").toString();
        }
    }

    // ---- (b) per-tensor scaling vs fine-grained tiles ---------------------------------------------

    /// Activations `X [256 tokens, 1024 channels]`, N(0, 1), whose 4 outlier channels (chosen at
    /// random) are `f` times larger; for one scale per tensor, 1x128 tiles and 1x32 tiles, the
    /// quantisation error of the *ordinary* channels (the outliers themselves always keep E4M3's
    /// 2-3% relative error, and would dominate any error summed over all channels), and of their
    /// contribution to `Y = X Wᵀ` (W in 128x128 blocks; outlier channels left out of both sides).
    public static Chart scaling(PrintStream out, Path dir, long seed) throws IOException {
        int t = 256, c = 1024, o = 128;
        Rng rng = new Rng(seed);
        float[] base = normal(rng, t * c, 1);
        float[] w = normal(rng, o * c, 1 / Math.sqrt(c));
        int[] channels = new int[4];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = rng.nextInt(c);
        }
        String[] names = {"per tensor", "1x128 tiles", "1x32 tiles"};
        BlockScaling[] scalings = {BlockScaling.tiles(t, c), BlockScaling.tiles(1, 128), BlockScaling.tiles(1, 32)};
        Fp8Values qw = BlockScaling.tiles(128, 128).quantizeValues(w, o, c);
        double[][] errX = new double[3][OUTLIERS.length], errY = new double[3][OUTLIERS.length], zeros = new double[3][OUTLIERS.length];
        boolean[] isOutlier = new boolean[c];
        for (int ch : channels) {
            isOutlier[ch] = true;
        }
        out.println("| outlier x | scaling | rel. RMS error, ordinary channels of X | of their part of Y = X W^T | ordinary values flushed to 0 |");
        out.println("|---|---|---|---|---|");
        for (int fi = 0; fi < OUTLIERS.length; fi++) {
            float[] x = base.clone();
            for (int tok = 0; tok < t; tok++) {
                for (int ch : channels) {
                    x[tok * c + ch] *= (float) OUTLIERS[fi];
                }
            }
            double[] y = exactProduct(withoutChannels(x, isOutlier, c), w, t, o, c);
            float[] ordinary = withoutChannels(x, isOutlier, c);
            for (int s = 0; s < 3; s++) {
                Fp8Values qx = scalings[s].quantizeValues(x, t, c);
                float[] dq = withoutChannels(dequantize(qx), isOutlier, c);
                errX[s][fi] = relRms(dq, ordinary);
                float[] ys = FastFp8Gemm.multiply(withoutChannels(qx, isOutlier), qw, 32);
                errY[s][fi] = relRms(ys, y);
                zeros[s][fi] = flushedFraction(dq, ordinary);
                out.printf("| %.0e | %s | %.2e | %.2e | %.2f%% |%n", OUTLIERS[fi], names[s], errX[s][fi], errY[s][fi], 100 * zeros[s][fi]);
            }
        }
        List<Plot.Series> series = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            series.add(new Plot.Series(names[s] + ": X", log10(OUTLIERS), log10(errX[s])));
            series.add(new Plot.Series(names[s] + ": X W^T", log10(OUTLIERS), log10(errY[s])));
        }
        Path png = dir.resolve("scaling.png");
        Plot.lines(png, "E4M3 error of the ordinary channels, 4 outlier channels of 1024", "log10 outlier magnitude",
                "log10 relative RMS error", series);
        out.println("wrote " + png);
        return new Chart(png, series);
    }

    // ---- (c) promotion of the Hopper accumulator ------------------------------------------------

    /// `C = A Bᵀ` for `A [64, K]`, `B [64, K]` N(0, 1) with one scale per row (so that the whole of
    /// K may run in one accumulator), on the Hopper e8m13 tensor-core model: never promoted, and
    /// promoted to fp32 every 128; fp32 accumulation for comparison. Errors against the exact
    /// product of the quantised operands.
    public static Chart promotion(PrintStream out, Path dir, long seed) throws IOException {
        int m = 64, n = 64;
        int[] ks = {128, 256, 512, 1024, 2048, 4096};
        Rng rng = new Rng(seed);
        String[] names = {"Hopper e8m13, never promoted", "Hopper e8m13, promoted every 128", "fp32 accumulation, promoted every 128"};
        double[][] maxRms = new double[3][ks.length];
        out.println("| K | accumulation | max abs error / RMS(C) | max relative error (|C| > 0.1 RMS) | mean relative error |");
        out.println("|---|---|---|---|---|");
        for (int ki = 0; ki < ks.length; ki++) {
            int k = ks[ki];
            BlockQuantized qa = BlockScaling.tiles(1, k).quantize(normal(rng, m * k, 1), m, k);
            BlockQuantized qb = BlockScaling.tiles(1, k).quantize(normal(rng, n * k, 1), n, k);
            double[] exact = exactProduct(qa.dequantize(), qb.dequantize(), m, n, k);
            Fp8Gemm[] gemms = {
                    new Fp8Gemm(Accumulation.HOPPER_E8M13, Fp8Gemm.NEVER, ScaleOrder.SCALES_FIRST, true),
                    new Fp8Gemm(Accumulation.HOPPER_E8M13, 128, ScaleOrder.SCALES_FIRST, true),
                    new Fp8Gemm(Accumulation.FP32_SEQUENTIAL, 128, ScaleOrder.SCALES_FIRST, true)};
            double rms = Math.sqrt(meanSquare(exact));
            for (int g = 0; g < 3; g++) {
                float[] c = gemms[g].multiply(qa, qb);
                double maxAbs = 0, maxRel = 0, sumRel = 0;
                for (int i = 0; i < c.length; i++) {
                    double err = Math.abs(c[i] - exact[i]);
                    maxAbs = Math.max(maxAbs, err);
                    if (Math.abs(exact[i]) > 0.1 * rms) {
                        maxRel = Math.max(maxRel, err / Math.abs(exact[i]));
                    }
                    sumRel += err / Math.max(Math.abs(exact[i]), 1e-30);
                }
                maxRms[g][ki] = maxAbs / rms;
                out.printf("| %d | %s | %.2e | %.2e | %.2e |%n", k, names[g], maxAbs / rms, maxRel, sumRel / c.length);
            }
        }
        double[] x = new double[ks.length];
        for (int i = 0; i < ks.length; i++) {
            x[i] = Math.log(ks[i]) / Math.log(2);
        }
        List<Plot.Series> series = new ArrayList<>();
        for (int g = 0; g < 3; g++) {
            series.add(new Plot.Series(names[g], x, log10(maxRms[g])));
        }
        Path png = dir.resolve("promotion.png");
        Plot.lines(png, "FP8 GEMM accumulation error, 64x64 outputs", "log2 K", "log10 (max |error| / RMS of C)", series);
        out.println("wrote " + png);
        return new Chart(png, series);
    }

    // ---- (d) activation gradients in blocks vs tiles ---------------------------------------------

    /// Dgrad `dx = dy · W` for `dy [512 tokens, 1024]`, N(0, 1), whose 4 outlier tokens (chosen at
    /// random) are `f` times larger, `W [1024, 128]` in 128x128 blocks; `dy` in 128x128 blocks
    /// or 1x128 tiles. Errors against the exact product, over all tokens and over the ordinary ones.
    public static Chart gradients(PrintStream out, Path dir, long seed) throws IOException {
        int t = 512, outDim = 1024, in = 128;
        Rng rng = new Rng(seed + 1);
        float[] base = normal(rng, t * outDim, 1);
        float[] wt = normal(rng, in * outDim, 1 / Math.sqrt(outDim)); // Wᵀ [in, out]: B of the GEMM
        boolean[] outlier = new boolean[t];
        for (int i = 0; i < 4; i++) {
            outlier[rng.nextInt(t)] = true;
        }
        String[] names = {"128x128 blocks", "1x128 tiles"};
        BlockScaling[] scalings = {BlockScaling.tiles(128, 128), BlockScaling.tiles(1, 128)};
        Fp8Values qw = BlockScaling.tiles(128, 128).quantizeValues(wt, in, outDim);
        double[][] errAll = new double[2][OUTLIERS.length], errOrdinary = new double[2][OUTLIERS.length];
        out.println("| outlier x | dy scaling | rel. RMS error of dx, all tokens | ordinary tokens | dy values flushed to 0 |");
        out.println("|---|---|---|---|---|");
        for (int fi = 0; fi < OUTLIERS.length; fi++) {
            float[] dy = base.clone();
            for (int tok = 0; tok < t; tok++) {
                if (outlier[tok]) {
                    for (int j = 0; j < outDim; j++) {
                        dy[tok * outDim + j] *= (float) OUTLIERS[fi];
                    }
                }
            }
            double[] exact = exactProduct(dy, wt, t, in, outDim);
            for (int s = 0; s < 2; s++) {
                Fp8Values q = scalings[s].quantizeValues(dy, t, outDim);
                float[] dx = FastFp8Gemm.multiply(q, qw, 128);
                errAll[s][fi] = relRms(dx, exact);
                errOrdinary[s][fi] = relRmsRows(dx, exact, in, outlier, false);
                double flushed = flushedFraction(dequantize(q), dy);
                out.printf("| %.0e | %s | %.2e | %.2e | %.2f%% |%n", OUTLIERS[fi], names[s], errAll[s][fi], errOrdinary[s][fi], 100 * flushed);
            }
        }
        List<Plot.Series> series = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            series.add(new Plot.Series(names[s] + ": ordinary tokens", log10(OUTLIERS), log10(errOrdinary[s])));
            series.add(new Plot.Series(names[s] + ": all tokens", log10(OUTLIERS), log10(errAll[s])));
        }
        Path png = dir.resolve("gradients.png");
        Plot.lines(png, "Dgrad error, activation gradients with 4 outlier tokens of 512", "log10 outlier magnitude",
                "log10 relative RMS error of dx", series);
        out.println("wrote " + png);
        return new Chart(png, series);
    }

    // ---- helpers -------------------------------------------------------------------------------

    public static float[] normal(Rng rng, int size, double std) {
        float[] x = new float[size];
        rng.fillNormal(x, std);
        return x;
    }

    /// `A[M, K] · B[N, K]ᵀ` in double.
    public static double[] exactProduct(float[] a, float[] b, int m, int n, int k) {
        double[] c = new double[m * n];
        java.util.stream.IntStream.range(0, m).parallel().forEach(i -> {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[j * k + p];
                }
                c[i * n + j] = s;
            }
        });
        return c;
    }

    /// A copy of `x [rows, cols]` with the marked channels (columns) set to zero.
    public static float[] withoutChannels(float[] x, boolean[] drop, int cols) {
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            if (drop[i % cols]) {
                y[i] = 0f;
            }
        }
        return y;
    }

    /// The same quantised tensor with the marked channels' values set to zero (scales kept).
    public static Fp8Values withoutChannels(Fp8Values q, boolean[] drop) {
        return new Fp8Values(q.rows(), q.cols(), q.blockRows(), q.blockCols(), withoutChannels(q.values(), drop, q.cols()), q.scales());
    }

    public static float[] dequantize(Fp8Values q) {
        float[] d = new float[q.values().length];
        for (int r = 0; r < q.rows(); r++) {
            for (int c = 0; c < q.cols(); c++) {
                d[r * q.cols() + c] = q.values()[r * q.cols() + c] * q.scaleAt(r, c);
            }
        }
        return d;
    }

    public static double relRms(float[] got, float[] want) {
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            num += Math.pow(got[i] - want[i], 2);
            den += Math.pow(want[i], 2);
        }
        return Math.sqrt(num / den);
    }

    public static double relRms(float[] got, double[] want) {
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            num += Math.pow(got[i] - want[i], 2);
            den += want[i] * want[i];
        }
        return Math.sqrt(num / den);
    }

    /// Relative RMS error over the rows with `outlier[row] == which`.
    public static double relRmsRows(float[] got, double[] want, int cols, boolean[] outlier, boolean which) {
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            if (outlier[i / cols] == which) {
                num += Math.pow(got[i] - want[i], 2);
                den += want[i] * want[i];
            }
        }
        return Math.sqrt(num / den);
    }

    /// The fraction of non-zero inputs that quantised to zero.
    public static double flushedFraction(float[] dq, float[] x) {
        long nonZero = 0, flushed = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] != 0) {
                nonZero++;
                if (dq[i] == 0) {
                    flushed++;
                }
            }
        }
        return nonZero == 0 ? 0 : (double) flushed / nonZero;
    }

    public static double meanSquare(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return s / x.length;
    }

    public static double[] log10(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.log10(x[i]);
        }
        return y;
    }
}
