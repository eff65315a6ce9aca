package dev.tinyseek.gpucheck;

import dev.tinyseek.fp8.BlockQuantized;
import dev.tinyseek.fp8.BlockScaling;
import dev.tinyseek.fp8.Fp8Gemm;
import dev.tinyseek.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/// Check 2: the tensor cores' FP8 GEMM against tinyseek's simulated one, the real test of the
/// simulation (`docs/fp8.md`).
///
/// Both sides run DeepSeek-V3's recipe on the same quantised operands: activations `A [M,K]` in
/// 1x128 tiles and weights `B [N,K]` in 128x128 blocks, E4M3 codes; for each promotion interval
/// of 128 along K the FP8 products are summed (on the device: one cuBLASLt FP8 GEMM of that slice
/// with unit scales; in the simulation: its tensor-core model), then scaled by the two blocks'
/// scales and added to an fp32 accumulator with `fma(s_a·s_b, P, acc)` (DeepGEMM's order, which
/// the simulation's `SCALES_FIRST` also uses). So the only difference between the device and
/// the simulation is the 128-long partial sum `P`, which is what the simulation models. It is
/// compared with two models: `EXACT` (the sum rounded once) and `HOPPER_E8M13` (Hopper's
/// truncating accumulator). Reported: the share of outputs that are the same to the bit, and the
/// largest difference, absolute and relative to the largest |C|.
///
/// **Sanity bound** (the only pass/fail): `|C_device − C_exact| ≤ 2⁻⁵ · Σ_k |s_a a_k · s_b b_k|`
/// per output. Derivation: a tensor core that adds 32 products per step into an accumulator of at
/// least 13 fraction bits, aligning to the largest term, errs per step by less than
/// `34 · 2⁻¹³` times the magnitudes it adds (33 terms truncated below `2^(emax−13)` and one
/// truncation of the sum); four steps make 128, so less than `4 · 34 · 2⁻¹³ ≈ 0.017` of
/// `Σ|terms|`; `2⁻⁵ ≈ 0.031` leaves room for the fp32 roundings of the scaling and the
/// accumulation. A wrong layout, transpose or scale gives errors of order `Σ|terms|` itself.
public final class Fp8Check {

    private Fp8Check() {
    }

    /// The sizes of the product: `A [M,K]`, `B [N,K]`; each a positive multiple of 128 for K and
    /// of 16 for M and N (cuBLASLt's FP8 rule).
    public record Size(int m, int n, int k) {
        public Size {
            if (m <= 0 || n <= 0 || m % 16 != 0 || n % 16 != 0 || k <= 0 || k % 128 != 0) {
                throw new IllegalArgumentException("Fp8Check: M=" + m + " N=" + n + " K=" + k
                        + "; M and N must be positive multiples of 16 and K of 128");
            }
        }
    }

    /// How the device's result compares with one model of the simulation.
    ///
    /// @param identical   share of outputs equal to the bit
    /// @param maxAbsDiff  largest |C_device − C_model|
    /// @param maxRelDiff  maxAbsDiff / max |C_model|
    public record Agreement(double identical, double maxAbsDiff, double maxRelDiff) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bit_identical_share", identical);
            m.put("max_abs_diff", maxAbsDiff);
            m.put("max_rel_diff", maxRelDiff);
            return m;
        }
    }

    /// @param worstSanity largest |C_device − C_exact| / its sanity bound (pass: ≤ 1)
    public record Result(Size size, Agreement vsExact, Agreement vsHopper, Agreement exactVsHopper,
                         double worstSanity, boolean passed) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("passed", passed);
            m.put("m", size.m());
            m.put("n", size.n());
            m.put("k", size.k());
            m.put("scales", "activations 1x128, weights 128x128, E4M3, promotion every 128 along K");
            m.put("vs_simulated_exact", vsExact.json());
            m.put("vs_simulated_hopper", vsHopper.json());
            m.put("simulated_exact_vs_hopper", exactVsHopper.json());
            m.put("sanity_worst_ratio", worstSanity);
            m.put("tolerance", "sanity only: |C_device - C_exact| <= 2^-5 * sum_k |scaled a_k b_k|; agreement is reported, not judged");
            return m;
        }
    }

    /// Runs the comparison on `device`.
    public static Result run(Device device, Size size, Progress progress) {
        int m = size.m(), n = size.n(), k = size.k();
        // 1. operands: activations with a few outliers per row (as real activations have), weights normal
        Rng r = new Rng(77);
        float[] x = new float[m * k]; // [M, K]
        float[] w = new float[n * k]; // [N, K]
        r.fillNormal(x, 1.0);
        r.fillNormal(w, 0.02);
        for (int i = 0; i < m; i++) {
            x[i * k + r.nextInt(k)] *= 20;
        }
        BlockQuantized qa = BlockScaling.activationTiles().quantize(x, m, k);
        BlockQuantized qb = BlockScaling.weightBlocks().quantize(w, n, k);
        // 2. the simulation, both tensor-core models
        float[] exact = Fp8Gemm.exact().multiply(qa, qb);   // [M, N]
        float[] hopper = Fp8Gemm.hopper().multiply(qa, qb); // [M, N]
        // 3. the device: one FP8 product per 128-long slice of K, promoted as DeepGEMM does
        float[] dev = new float[m * n]; // [M, N]
        double[] mag = new double[m * n]; // [M, N] Σ|scaled products|, for the sanity bound
        float[] table = qa.format().decodeTable();
        int nc = 128;
        for (int k0 = 0; k0 < k; k0 += nc) {
            byte[] sa = slice(qa.codes(), m, k, k0, nc); // [M, 128]
            byte[] sb = slice(qb.codes(), n, k, k0, nc); // [N, 128]
            float[] p = device.fp8Products(m, n, nc, sa, sb); // [M, N]
            for (int i = 0; i < m; i++) {
                float scaleA = qa.scaleAt(i, k0);
                for (int j = 0; j < n; j++) {
                    float scaleB = qb.scaleAt(j, k0);
                    dev[i * n + j] = Math.fma(scaleA * scaleB, p[i * n + j], dev[i * n + j]);
                    double s = 0;
                    for (int kk = 0; kk < nc; kk++) {
                        s += Math.abs((double) table[sa[i * nc + kk] & 0xFF] * table[sb[j * nc + kk] & 0xFF]);
                    }
                    mag[i * n + j] += s * scaleA * scaleB;
                }
            }
        }
        double worst = 0;
        boolean ok = true;
        for (int i = 0; i < m * n; i++) {
            double d = Math.abs((double) dev[i] - exact[i]);
            double bound = Math.scalb(1.0, -5) * mag[i];
            if (!(d <= bound)) {
                ok = false;
            }
            worst = Math.max(worst, bound > 0 ? d / bound : (d == 0 ? 0 : Double.MAX_VALUE));
        }
        Result res = new Result(size, agreement(dev, exact), agreement(dev, hopper), agreement(exact, hopper),
                worst, ok);
        progress.line(String.format("fp8 %d x %d x %d: bit-identical to simulated exact %.1f%%, to simulated Hopper %.1f%%; "
                        + "largest relative difference %.2e / %.2e%s", m, n, k, 100 * res.vsExact().identical(),
                100 * res.vsHopper().identical(), res.vsExact().maxRelDiff(), res.vsHopper().maxRelDiff(),
                ok ? "" : "  FAILED the sanity bound"));
        return res;
    }

    static Agreement agreement(float[] got, float[] model) {
        long same = 0;
        double maxAbs = 0, maxModel = 0;
        for (int i = 0; i < got.length; i++) {
            if (Float.floatToIntBits(got[i]) == Float.floatToIntBits(model[i])) {
                same++;
            }
            maxAbs = Math.max(maxAbs, Math.abs((double) got[i] - model[i]));
            maxModel = Math.max(maxModel, Math.abs(model[i]));
        }
        return new Agreement(got.length == 0 ? 1 : (double) same / got.length, maxAbs, maxModel == 0 ? 0 : maxAbs / maxModel);
    }

    /// Columns `k0 .. k0+len-1` of a row-major `[rows, k]` code array, as `[rows, len]`.
    static byte[] slice(byte[] codes, int rows, int k, int k0, int len) {
        byte[] out = new byte[rows * len];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(codes, r * k + k0, out, r * len, len);
        }
        return out;
    }
}
