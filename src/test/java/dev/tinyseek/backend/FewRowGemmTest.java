package dev.tinyseek.backend;

import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

/// The few-row path of [JavaGemm] (`y = x Wᵀ` with 1-4 rows: decoding, and verifying drafts in
/// speculative decoding) against the naive control, bit for bit: every row count, every column
/// count around the 4-column groups, both layouts of A, and accumulation, on many threads and one.
class FewRowGemmTest {

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
