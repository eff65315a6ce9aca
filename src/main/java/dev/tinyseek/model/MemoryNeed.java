package dev.tinyseek.model;

import java.util.ArrayList;
import java.util.List;

/// The memory a model of a config needs, counted from the config alone (the tensor list of
/// [CostTensors]) before anything is allocated, so that a small `config.json` asking for a
/// million experts or a billion layers is refused at once with the figure, instead of filling
/// the heap for minutes.
///
/// What it counts: every parameter and buffer of the main model and the MTP modules, twice
/// (each [dev.tinyseek.nn.Param] holds its values and its gradient), 4 bytes a number. Activations,
/// KV caches and the optimizer's moments come on top; they depend on the batch, not the config.
public final class MemoryNeed {

    /// Bytes a number takes in a parameter: 4 for the value plus 4 for the gradient.
    public static final int BYTES_PER_NUMBER = 8;

    private MemoryNeed() {
    }

    /// Numbers in every parameter and buffer of a model of `c` (MTP modules included).
    public static long numbers(ModelConfig c) {
        return numbers(groups(c));
    }

    private static long numbers(List<CostTensors.Group> groups) {
        double n = 0;
        for (CostTensors.Group g : groups) {
            n += (double) g.rows() * g.cols() * g.count();
        }
        return n >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) n;
    }

    /// Bytes the parameters of a model of `c` take ([#numbers] times [#BYTES_PER_NUMBER]).
    public static double bytes(ModelConfig c) {
        return (double) numbers(c) * BYTES_PER_NUMBER;
    }

    /// Throws an [IllegalArgumentException] naming `where` (the config's file) and the figures
    /// when a model of `c` cannot fit in the heap that is free now, or when one of its tensors is
    /// larger than a Java array can be.
    public static void check(ModelConfig c, String where) {
        List<CostTensors.Group> groups = groups(c);
        for (CostTensors.Group g : groups) {
            if ((double) g.rows() * g.cols() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(where + ": tensor " + g.name() + " would have " + g.rows() + " x " + g.cols()
                        + " numbers, more than a Java array holds (2^31 - 1); use smaller dimensions");
            }
        }
        Runtime rt = Runtime.getRuntime();
        long numbers = numbers(groups);
        double need = (double) numbers * BYTES_PER_NUMBER;
        double free = rt.maxMemory() - (double) (rt.totalMemory() - rt.freeMemory());
        if (need > free && need < rt.maxMemory()) { // the heap may hold garbage: count again after collecting it
            System.gc();
            free = rt.maxMemory() - (double) (rt.totalMemory() - rt.freeMemory());
        }
        if (need > free) {
            throw new IllegalArgumentException(String.format("%s: this model needs about %s for its %,d weights and their "
                            + "gradients (%d bytes a weight), more than the %s free in the Java heap (maximum %s); use a smaller "
                            + "config (num_hidden_layers %d, n_routed_experts %d, hidden_size %d) or give java a larger -Xmx",
                    where, size(need), numbers, BYTES_PER_NUMBER, size(free), size(rt.maxMemory()), c.numHiddenLayers(),
                    c.nRoutedExperts(), c.hiddenSize()));
        }
    }

    private static List<CostTensors.Group> groups(ModelConfig c) {
        List<CostTensors.Group> all = new ArrayList<>(CostTensors.mainModel(c));
        all.addAll(CostTensors.mtpModules(c));
        return all;
    }

    /// `1.5 GB`, `320 MB`, `12 KB`.
    static String size(double bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB", "PB"};
        int u = 0;
        while (bytes >= 1000 && u < units.length - 1) {
            bytes /= 1000;
            u++;
        }
        return u == 0 ? String.format("%.0f %s", bytes, units[u]) : String.format("%.1f %s", bytes, units[u]);
    }
}
