package dev.tinyseek.tensor;

/// Embedding lookup `out[t] = table[token[t]]` and its backward, a scatter-add of the rows'
/// gradients into the rows of the table that were used.
public final class EmbeddingLookup {

    private EmbeddingLookup() {
    }

    public static void forward(float[] out,    // [N, C]
                               int[] tokens,   // [N], each in [0, V)
                               float[] table,  // [V, C]
                               int n, int c, int v) {
        Shapes.check("embedding", "out", out, n, c);
        Shapes.check("embedding", "table", table, v, c);
        Shapes.check("embedding", "tokens", tokens, n);
        for (int i = 0; i < n; i++) {
            int tok = checkToken("embedding", tokens, i, v);
            System.arraycopy(table, tok * c, out, i * c, c);
        }
    }

    public static void backward(float[] dtable,  // [V, C], accumulated
                                float[] dout,    // [N, C]
                                int[] tokens,    // [N]
                                int n, int c, int v) {
        Shapes.check("embedding backward", "dtable", dtable, v, c);
        Shapes.check("embedding backward", "dout", dout, n, c);
        Shapes.check("embedding backward", "tokens", tokens, n);
        for (int i = 0; i < n; i++) { // in order: a repeated token sums the same way every time
            int row = checkToken("embedding backward", tokens, i, v) * c;
            for (int j = 0; j < c; j++) {
                dtable[row + j] += dout[i * c + j];
            }
        }
    }

    private static int checkToken(String op, int[] tokens, int i, int v) {
        int tok = tokens[i];
        if (tok < 0 || tok >= v) {
            throw new IllegalArgumentException(op + ": token " + tok + " at position " + i
                    + " is outside the vocabulary [0, " + v + ")");
        }
        return tok;
    }
}
