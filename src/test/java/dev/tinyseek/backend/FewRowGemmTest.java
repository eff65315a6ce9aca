package dev.tinyseek.backend;

import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The two few-row paths against the naive control, bit for bit, on many threads and one:
/// - [JavaGemm]'s dot products (`y = x Wᵀ` with 1-4 rows and `W` as stored): every row count,
///   every column count around the 4-column groups, both layouts of A, and accumulation;
/// - [FewRowGemm] (1-8 rows, from `Wᵀ`, what `nn.Linear` uses to decode): inputs that are not a
///   multiple of the 4-step unrolling, outputs across its 512-column blocks.
class FewRowGemmTest {

    @Test
    void transposedWeightPathEqualsNaiveGemmBitForBit() {
        Gemm naive = new NaiveGemm();
        Property.forAll("FewRowGemm == NaiveGemm", g -> {
            int m = g.intIn(1, FewRowGemm.MAX_ROWS), in = g.intIn(1, 90), out = g.chance(0.3) ? g.intIn(1, 1100) : g.intIn(1, 19);
            return new JavaGemmTest.Case(false, true, m, out, in, false, 0, 0, 0,
                    g.floats(m * in), g.floats(out * in), new float[m * out]);
        }, c -> {
            float[] expected = JavaGemmTest.run(naive, c);
            float[][] wt = FewRowGemm.transpose(c.b(), c.n(), c.k());
            float[] y = new float[c.m() * c.n()];
            FewRowGemm.multiply(y, c.a(), wt, c.m());
            GradCheck.assertBitEqual("y", expected, y);
            int threads = Parallel.threads();
            try {
                Parallel.setThreads(1);
                float[] y1 = new float[c.m() * c.n()];
                FewRowGemm.multiply(y1, c.a(), wt, c.m());
                GradCheck.assertBitEqual("y, one thread", expected, y1);
            } finally {
                Parallel.setThreads(threads);
            }
        });
    }

    @Test
    void transposedWeightPathRejectsWrongShapes() {
        float[][] wt = FewRowGemm.transpose(new float[6], 3, 2); // W [3, 2] -> Wᵀ [2][3]
        assertThat(wt.length).isEqualTo(2);
        assertThatThrownBy(() -> FewRowGemm.multiply(new float[3], new float[3], wt, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need x [1, 2]");
        assertThatThrownBy(() -> FewRowGemm.multiply(new float[27], new float[18], wt, 9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 <= M <= 8");
        assertThatThrownBy(() -> FewRowGemm.transpose(new float[5], 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not [3, 2]");
    }

    @Test
    void fewRowsEqualNaiveGemmBitForBit() {
        Gemm naive = new NaiveGemm();
        Gemm java = new JavaGemm();
        Property.forAll("JavaGemm few-row path == NaiveGemm", g -> {
            int m = g.intIn(1, 4), n = g.chance(0.3) ? g.intIn(0, 300) : g.intIn(0, 19), k = g.intIn(0, 90);
            int aOff = g.intIn(0, 3), bOff = g.intIn(0, 3), cOff = g.intIn(0, 3);
            return new JavaGemmTest.Case(g.bool(), true, m, n, k, g.bool(), aOff, bOff, cOff,
                    g.floats(aOff + m * k + 1), g.floats(bOff + k * n + 1), g.floats(cOff + m * n + 1));
        }, c -> {
            float[] expected = JavaGemmTest.run(naive, c);
            GradCheck.assertBitEqual("C", expected, JavaGemmTest.run(java, c));
            int threads = Parallel.threads();
            try {
                Parallel.setThreads(1);
                GradCheck.assertBitEqual("C, one thread", expected, JavaGemmTest.run(java, c));
            } finally {
                Parallel.setThreads(threads);
            }
        });
    }
}
