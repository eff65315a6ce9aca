package dev.tinyseek.backend;

/// The control: three loops, one `float` sum per output, `k` in order. Every faster path is
/// held to this one in tests (bit for bit for the Java paths). Single-threaded and slow on purpose.
public final class NaiveGemm implements Gemm {

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public boolean naiveBits() {
        return true;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        Gemm.checkShapes(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    float bv = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    sum += av * bv;
                }
                int ci = cOff + i * n + j;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
    }
}
