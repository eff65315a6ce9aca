package dev.tinyseek.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tinyseek.rl.Advantages.Scale;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

/// Outcome and process advantages against their formulas written out here, for every scale,
/// on batches of several groups with random rewards.
class AdvantagesReferenceTest {

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /// Sample standard deviation (n − 1), 0 for one value.
    static double std(double[] x) {
        if (x.length < 2) {
            return 0;
        }
        double m = mean(x), ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (x.length - 1));
    }

    static boolean constant(double[] x) {
        for (double v : x) {
            if (v != x[0]) {
                return false;
            }
        }
        return true;
    }

    static double divisor(Scale s, double[] group, double[] batch) {
        return switch (s) {
            case GROUP -> std(group) + 1e-4;
            case BATCH -> std(batch) + 1e-4;
            case NONE -> 1;
        };
    }

    static double reward(Gen g) {
        return g.bool() ? g.oneOf(0.0, 0.5, 1.0) : g.doubleIn(-2, 3);
    }

    record Outcome(double[] rewards, int groupSize, Scale scale) {
    }

    @Test
    void outcomeAdvantagesAreTheFormulaForEveryScale() {
        Property.forAll("outcome advantages vs formula", g -> {
            int size = g.intIn(2, 5), groups = g.intIn(2, 4);
            double[] r = new double[size * groups];
            boolean flat = g.chance(0.3); // sometimes one group without signal
            for (int i = 0; i < r.length; i++) {
                r[i] = flat && i < size ? 0.25 : reward(g);
            }
            return new Outcome(r, size, g.oneOf(Scale.values()));
        }, c -> {
            double[] a = Advantages.compute(c.rewards, c.groupSize, c.scale);
            for (int g0 = 0; g0 < c.rewards.length; g0 += c.groupSize) {
                double[] group = java.util.Arrays.copyOfRange(c.rewards, g0, g0 + c.groupSize);
                for (int i = 0; i < c.groupSize; i++) {
                    double want = constant(group) ? 0 : (group[i] - mean(group)) / divisor(c.scale, group, c.rewards);
                    assertThat(a[g0 + i]).as("completion %d", g0 + i).isCloseTo(want, within(1e-9));
                }
            }
        });
    }

    record Process(double[][] rewards, int[][] ends, int groupSize, int l, Scale scale) {
    }

    @Test
    void processAdvantagesAreSuffixSumsOfTheNormalisedStepRewards() {
        Property.forAll("process advantages vs formula", g -> {
            int size = g.intIn(2, 4), groups = g.intIn(2, 3), l = g.intIn(1, 7), b = size * groups;
            double[][] r = new double[b][];
            int[][] e = new int[b][];
            for (int i = 0; i < b; i++) {
                int steps = g.intIn(0, l);
                java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
                while (set.size() < steps) {
                    set.add(g.intIn(0, l - 1));
                }
                e[i] = set.stream().mapToInt(Integer::intValue).toArray();
                r[i] = new double[steps];
                for (int j = 0; j < steps; j++) {
                    r[i][j] = reward(g);
                }
            }
            return new Process(r, e, size, l, g.oneOf(Scale.values()));
        }, c -> {
            double[] a = Advantages.process(c.rewards, c.ends, c.groupSize, c.l, c.scale);
            int b = c.rewards.length;
            double[] batch = java.util.Arrays.stream(c.rewards).flatMapToDouble(java.util.Arrays::stream).toArray();
            for (int g0 = 0; g0 < b; g0 += c.groupSize) {
                double[] group = java.util.Arrays.stream(c.rewards, g0, g0 + c.groupSize)
                        .flatMapToDouble(java.util.Arrays::stream).toArray();
                boolean none = group.length == 0 || constant(group);
                for (int i = g0; i < g0 + c.groupSize; i++) {
                    for (int t = 0; t < c.l; t++) {
                        double want = 0;
                        for (int j = 0; j < c.ends[i].length && !none; j++) {
                            if (c.ends[i][j] >= t) {
                                want += (c.rewards[i][j] - mean(group)) / divisor(c.scale, group, batch);
                            }
                        }
                        assertThat(a[i * c.l + t]).as("completion %d token %d", i, t).isCloseTo(want, within(1e-9));
                    }
                }
            }
        });
    }
}
