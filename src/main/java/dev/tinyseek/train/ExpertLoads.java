package dev.tinyseek.train;

import dev.tinyseek.moe.LoadStats;

import java.util.ArrayList;
import java.util.List;

/// Expert-load figures from a training history: the maximum violation per MoE layer, and a
/// heatmap matrix (experts × steps) for plots.
public final class ExpertLoads {

    private ExpertLoads() {
    }

    /// Max violation of each MoE layer, averaged over the last tenth of the steps.
    public static double[] lastTenthViolation(Trainer.History h) {
        List<Trainer.Step> steps = h.steps();
        int layers = steps.get(0).expertLoads().length;
        double[] v = new double[layers];
        int from = steps.size() - Math.max(1, steps.size() / 10);
        for (int s = from; s < steps.size(); s++) {
            for (int l = 0; l < layers; l++) {
                v[l] += LoadStats.maxViolation(steps.get(s).expertLoads()[l]);
            }
        }
        for (int l = 0; l < layers; l++) {
            v[l] /= steps.size() - from;
        }
        return v;
    }

    /// `layers[i]`: the model layer number of the i-th MoE layer.
    public static String summary(Trainer.History h, int[] layers) {
        double[] v = lastTenthViolation(h);
        List<String> parts = new ArrayList<>();
        for (int l = 0; l < v.length; l++) {
            parts.add(String.format("layer %d: %.3f", layers[l], v[l]));
        }
        return String.join(", ", parts);
    }

    /// Max violation of MoE layer `layer` (−1: the last) at every step.
    public static double[] violationByStep(Trainer.History h, int layer) {
        return h.steps().stream().mapToDouble(st -> {
            int[][] loads = st.expertLoads();
            return LoadStats.maxViolation(loads[layer < 0 ? loads.length - 1 : layer]);
        }).toArray();
    }

    /// Steps per bucket of [#byStep] (the first of two sizes when the steps do not divide evenly).
    public static int window(Trainer.History h, int columns) {
        int n = h.steps().size();
        return (int) Math.ceil((double) n / Math.min(columns, n));
    }

    /// `[experts][columns]` tokens per expert, steps averaged into at most `columns` buckets.
    public static double[][] byStep(Trainer.History h, int layer, int columns) {
        List<Trainer.Step> steps = h.steps();
        int l = layer < 0 ? steps.get(0).expertLoads().length - 1 : layer;
        int e = steps.get(0).expertLoads()[l].length;
        int cols = Math.min(columns, steps.size());
        double[][] m = new double[e][cols];
        int[] count = new int[cols];
        for (int s = 0; s < steps.size(); s++) {
            int c = (int) ((long) s * cols / steps.size());
            count[c]++;
            for (int i = 0; i < e; i++) {
                m[i][c] += steps.get(s).expertLoads()[l][i];
            }
        }
        for (int i = 0; i < e; i++) {
            for (int c = 0; c < cols; c++) {
                m[i][c] /= Math.max(1, count[c]);
            }
        }
        return m;
    }
}
