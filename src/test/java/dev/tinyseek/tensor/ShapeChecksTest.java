package dev.tinyseek.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/// Every array argument of every op is checked: an array one float too short or too long is
/// rejected with a one-line message naming the op and the array, before anything is written.
class ShapeChecksTest {

    static final int N = 3, C = 4, V = 5, F = 2, IN = 3, OUT = 2;

    /// An op whose arguments are `arrays` (all of the right length); `call` runs it on them.
    record Op(String name, String[] arrays, float[][] good, Consumer<float[][]> call) {
    }

    static float[] f(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.1f * (i % 7) + 0.05f;
        }
        return x;
    }

    static List<Op> ops() {
        int[] targets = {0, 2, 4};
        int[] tokens = {1, 0, 4};
        List<Op> ops = new ArrayList<>();
        ops.add(new Op("rmsnorm", new String[] {"y", "rstd", "x", "w"}, new float[][] {f(N * C), f(N), f(N * C), f(C)},
                a -> RmsNorm.forward(a[0], a[1], a[2], a[3], N, C, 1e-6f)));
        ops.add(new Op("rmsnorm backward", new String[] {"dx", "dw", "dy", "x", "w", "rstd"},
                new float[][] {f(N * C), f(C), f(N * C), f(N * C), f(C), f(N)},
                a -> RmsNorm.backward(a[0], a[1], a[2], a[3], a[4], a[5], N, C)));
        ops.add(new Op("cross-entropy", new String[] {"logits"}, new float[][] {f(N * V)},
                a -> CrossEntropy.forward(a[0], targets, CrossEntropy.IGNORE, N, V)));
        ops.add(new Op("cross-entropy backward", new String[] {"dlogits", "logits"}, new float[][] {f(N * V), f(N * V)},
                a -> CrossEntropy.backward(a[0], a[1], targets, CrossEntropy.IGNORE, N, V, 1f)));
        ops.add(new Op("softmax", new String[] {"y", "x"}, new float[][] {f(N * V), f(N * V)},
                a -> Softmax.forward(a[0], a[1], N, V)));
        ops.add(new Op("softmax backward", new String[] {"dx", "dy", "y"}, new float[][] {f(N * V), f(N * V), f(N * V)},
                a -> Softmax.backward(a[0], a[1], a[2], N, V)));
        ops.add(new Op("swiglu", new String[] {"h", "g", "u"}, new float[][] {f(N * F), f(N * F), f(N * F)},
                a -> Swiglu.forward(a[0], a[1], a[2], N, F)));
        ops.add(new Op("swiglu backward", new String[] {"dg", "du", "dh", "g", "u"},
                new float[][] {f(N * F), f(N * F), f(N * F), f(N * F), f(N * F)},
                a -> Swiglu.backward(a[0], a[1], a[2], a[3], a[4], N, F)));
        ops.add(new Op("matmul", new String[] {"y", "x", "W", "b"}, new float[][] {f(N * OUT), f(N * IN), f(OUT * IN), f(OUT)},
                a -> MatMul.forward(a[0], a[1], a[2], a[3], N, IN, OUT)));
        ops.add(new Op("matmul backward", new String[] {"dx", "dW", "db", "dy", "x", "W"},
                new float[][] {f(N * IN), f(OUT * IN), f(OUT), f(N * OUT), f(N * IN), f(OUT * IN)},
                a -> MatMul.backward(a[0], a[1], a[2], a[3], a[4], a[5], N, IN, OUT)));
        ops.add(new Op("embedding", new String[] {"out", "table"}, new float[][] {f(N * C), f(V * C)},
                a -> EmbeddingLookup.forward(a[0], tokens, a[1], N, C, V)));
        ops.add(new Op("embedding backward", new String[] {"dtable", "dout"}, new float[][] {f(V * C), f(N * C)},
                a -> EmbeddingLookup.backward(a[0], a[1], tokens, N, C, V)));
        return ops;
    }

    static float[][] copy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    @Test
    void everyArrayOfEveryOpIsChecked() {
        for (Op op : ops()) {
            op.call.accept(copy(op.good)); // the right shapes pass
            for (int i = 0; i < op.arrays.length; i++) {
                for (int delta : new int[] {-1, 1}) {
                    float[][] args = copy(op.good);
                    args[i] = f(op.good[i].length + delta);
                    float[][] before = copy(args);
                    int which = i;
                    assertThatThrownBy(() -> op.call.accept(args)).as("%s, %s of %d floats", op.name, op.arrays[i], args[i].length)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageStartingWith(op.name + ": ")
                            .hasMessageContaining(op.arrays[which] + " has " + args[which].length + " floats");
                    for (int j = 0; j < args.length; j++) {
                        assertThat(args[j]).as("%s: %s untouched", op.name, op.arrays[j]).containsExactly(before[j]);
                    }
                }
            }
        }
    }

    @Test
    void intArraysNullsAndNegativeDimensionsAreNamed() {
        assertThatThrownBy(() -> CrossEntropy.forward(f(N * V), new int[N + 1], CrossEntropy.IGNORE, N, V))
                .hasMessage("cross-entropy: targets has " + (N + 1) + " ints but needs " + N);
        assertThatThrownBy(() -> EmbeddingLookup.forward(f(N * C), null, f(V * C), N, C, V))
                .hasMessage("embedding: tokens has null but needs " + N);
        assertThatThrownBy(() -> Shapes.check("op", "x", null, 2, 3)).hasMessage("op: x is null, expected shape [2, 3]");
        assertThatThrownBy(() -> Shapes.check("op", "x", new float[0], 0, -1))
                .hasMessage("op: negative dimension in shape [0, -1] of x");
        Shapes.check("op", "x", new float[0], 0, 5); // an empty shape is fine
        Shapes.check("op", "t", new int[2], 2);
    }

    /// RoPE's ranges are checked at their edges: the last float, the last RoPE dim, the last position.
    @Test
    void ropeRangesAreCheckedAtTheirEdges() {
        Rope rope = Rope.plain(2, 1e4, 4);
        int t = 2, h = 2, stride = 3; // 12 floats from the offset
        rope.forward(new float[13], 1, t, h, stride, 1, 2);  // fits exactly: offset 1 + 12 = 13, dims [1, 3), positions [2, 4)
        assertThatThrownBy(() -> rope.forward(new float[12], 1, t, h, stride, 1, 0))
                .hasMessage("rope: 2 tokens of 2 heads of 3 floats from offset 1 do not fit in an array of 12");
        assertThatThrownBy(() -> rope.forward(new float[13], -1, t, h, stride, 1, 0)).hasMessageContaining("from offset -1");
        assertThatThrownBy(() -> rope.forward(new float[12], 0, t, h, stride, 2, 0))
                .hasMessage("rope: RoPE dims [2, 4) do not fit in a head of 3");
        assertThatThrownBy(() -> rope.forward(new float[12], 0, t, h, stride, -1, 0)).hasMessageContaining("RoPE dims [-1, 1)");
        assertThatThrownBy(() -> rope.backward(new float[12], 0, t, h, stride, 0, 3)).hasMessageContaining("positions [3, 5)");
        assertThatThrownBy(() -> rope.backward(new float[12], 0, t, h, stride, 0, -1)).hasMessageContaining("positions [-1, 1)");
    }

    /// `log Σ exp` of one row of a larger array, against the plain double formula, with large values.
    @Test
    void logSumExpOfARow() {
        float[] z = {5f, 1f, -2f, 0.5f, 80f, 79f, 60f, -3f};
        double want = 80 + Math.log(1 + Math.exp(-1) + Math.exp(-20));
        assertThat(CrossEntropy.logSumExp(z, 4, 3)).isCloseTo(want, org.assertj.core.api.Assertions.within(1e-12));
        double small = Math.log(Math.exp(1) + Math.exp(-2) + Math.exp(0.5));
        assertThat(CrossEntropy.logSumExp(z, 1, 3)).isCloseTo(small, org.assertj.core.api.Assertions.within(1e-12));
    }

    /// The batched RoPE calls rotate each sequence from position 0, and backward undoes forward.
    @Test
    void batchedRopeRotatesEverySequenceFromPositionZero() {
        Rope rope = Rope.plain(4, 1e4, 8);
        assertThat(rope.dim()).isEqualTo(4);
        assertThat(rope.maxPos()).isEqualTo(8);
        assertThat(rope.frequencies()).containsExactly(1.0, Math.pow(1e4, -0.5));
        int b = 3, t = 5, h = 2, stride = 6, off = 1;
        float[] x = f(b * t * h * stride);
        new Rng(3).fillNormal(x, 1.0);
        float[] batched = x.clone();
        rope.forwardBatch(batched, b, t, h, stride, off);
        for (int bi = 0; bi < b; bi++) {
            float[] one = java.util.Arrays.copyOfRange(x, bi * t * h * stride, (bi + 1) * t * h * stride);
            rope.forward(one, t, h, stride, off, 0);
            assertThat(java.util.Arrays.copyOfRange(batched, bi * t * h * stride, (bi + 1) * t * h * stride))
                    .as("sequence %d", bi).containsExactly(one);
        }
        float[] back = batched.clone();
        rope.backwardBatch(back, b, t, h, stride, off);
        for (int i = 0; i < x.length; i++) {
            assertThat(back[i]).isCloseTo(x[i], org.assertj.core.api.Assertions.within(1e-5f));
        }
        assertThatThrownBy(() -> rope.forwardBatch(new float[10], b, t, h, stride, off))
                .hasMessage("rope: x has 10 floats but [B, T, H, headStride] needs " + b * t * h * stride);
        assertThatThrownBy(() -> rope.backwardBatch(new float[10], b, t, h, stride, off))
                .hasMessageContaining("needs " + b * t * h * stride);
        assertThatThrownBy(() -> rope.backward(new float[10], t, h, stride, off, 0))
                .hasMessageContaining("rope backward: dx has 10 floats");
        assertThatThrownBy(() -> new Rope(new double[0], 4)).hasMessageContaining("0 pairs");
        assertThatThrownBy(() -> new Rope(new double[] {1}, 0)).hasMessageContaining("maxPos 0");
        new Rope(new double[] {1}, 1); // the smallest table
        assertThatThrownBy(() -> Rope.plainFrequencies(0, 1e4)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> Rope.plainFrequencies(3, 1e4)).hasMessageContaining("got 3");
    }
}
