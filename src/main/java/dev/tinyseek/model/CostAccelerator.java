package dev.tinyseek.model;

/// What a training run costs in time and money on one kind of accelerator: its dense peak
/// throughput, the fraction of it a run reaches (model-FLOPs utilisation, MFU), and a price per
/// GPU-hour.
///
///     GPU-hours = FLOPs / (peak · MFU · 3600 s)          dollars = GPU-hours · price
///     MFU       = FLOPs / (GPU-hours · 3600 s · peak)    (the reverse, from a reported figure)
///
/// The DeepSeek-V3 report (§1, Table 1) prices its run this way from the other side: 180K H800
/// GPU-hours per trillion tokens, 14.8T tokens (2664K), plus 119K for context extension and 5K for
/// post-training, 2788K GPU-hours in all, at an assumed rental of $2 per GPU-hour: $5.576M.
///
/// Peaks: the H800 is an export variant of the H100 SXM with the same tensor cores (its
/// NVLink bandwidth is cut, not its dense tensor throughput), so we take the H100 SXM
/// datasheet's dense figures, 989 TFLOPS BF16 and 1979 TFLOPS FP8 (the often-quoted 1979/3958
/// are with 2:4 sparsity). This is our assumption; NVIDIA publishes no separate H800 sheet.
public record CostAccelerator(double peakTflops,        // dense peak, 10¹² FLOP/s per GPU
                              double mfu,               // model-FLOPs utilisation, in (0, 1]
                              double dollarsPerGpuHour) {

    /// H800 (= H100 SXM) dense BF16 peak, TFLOPS (assumption above).
    public static final double H800_BF16_TFLOPS = 989;
    /// H800 (= H100 SXM) dense FP8 peak, TFLOPS (assumption above).
    public static final double H800_FP8_TFLOPS = 1979;

    /// Checks every field, naming it, its value and what would be valid.
    public CostAccelerator {
        if (!(peakTflops > 0) || Double.isInfinite(peakTflops)) {
            throw new IllegalArgumentException("cost: peak_tflops = " + peakTflops + " is not valid; expected a positive "
                    + "number (H800 dense BF16: 989)");
        }
        if (!(mfu > 0 && mfu <= 1)) {
            throw new IllegalArgumentException("cost: mfu = " + mfu + " is not valid; expected a fraction in (0, 1], "
                    + "such as 0.4");
        }
        if (!(dollarsPerGpuHour >= 0) || Double.isInfinite(dollarsPerGpuHour)) {
            throw new IllegalArgumentException("cost: price = " + dollarsPerGpuHour + " is not valid; expected dollars per "
                    + "GPU-hour >= 0, such as 2");
        }
    }

    /// GPU-hours to do `flops` floating-point operations at this peak and utilisation.
    public double gpuHours(double flops) {
        nonNegative("flops", flops);
        return flops / (peakTflops * 1e12 * mfu) / 3600;
    }

    /// The price of `gpuHours` GPU-hours.
    public double dollars(double gpuHours) {
        nonNegative("gpu_hours", gpuHours);
        return gpuHours * dollarsPerGpuHour;
    }

    /// The utilisation at which `flops` operations take `gpuHours` GPU-hours on an accelerator
    /// of `peakTflops`; above 1 means the figures cannot both be right.
    public static double impliedMfu(double flops, double gpuHours, double peakTflops) {
        nonNegative("flops", flops);
        if (!(gpuHours > 0) || Double.isInfinite(gpuHours)) {
            throw new IllegalArgumentException("cost: gpu_hours = " + gpuHours + " is not valid; expected a positive number");
        }
        if (!(peakTflops > 0) || Double.isInfinite(peakTflops)) {
            throw new IllegalArgumentException("cost: peak_tflops = " + peakTflops + " is not valid; expected a positive number");
        }
        return flops / (gpuHours * 3600 * peakTflops * 1e12);
    }

    private static void nonNegative(String name, double x) {
        if (!(x >= 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("cost: " + name + " = " + x + " is not valid; expected a finite number >= 0");
        }
    }
}
