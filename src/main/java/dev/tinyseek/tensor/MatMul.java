package dev.tinyseek.tensor;

import dev.tinyseek.backend.Backends;

/// The linear map `y = x Wᵀ (+ b)` with `W` stored `[out, in]`, and its backward.
///
/// All the heavy lifting goes through the current [dev.tinyseek.backend.Gemm]; this file only
/// says which product is which:
/// - forward:  `y[N,out]   = x[N,in] · Wᵀ`
/// - backward: `dx[N,in]  += dy[N,out] · W`      (the chain rule through a product)
///             `dW[out,in] += dyᵀ · x`           (one outer product per row, summed)
///             `db[out]    += Σ_rows dy`
public final class MatMul {

    private MatMul() {
    }

    public static void forward(float[] y,    // [N, out]
                               float[] x,    // [N, in]
                               float[] w,    // [out, in]
                               float[] b,    // [out] or null
                               int n, int in, int out) {
        Shapes.check("matmul", "y", y, n, out);
        Shapes.check("matmul", "x", x, n, in);
        Shapes.check("matmul", "W", w, out, in);
        if (b != null) { // every shape is checked before anything is written
            Shapes.check("matmul", "b", b, out);
        }
        Backends.gemm().gemm(false, true, n, out, in, x, 0, w, 0, y, 0, false);
        if (b != null) {
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < out; o++) {
                    y[i * out + o] += b[o];
                }
            }
        }
    }

    public static void backward(float[] dx,  // [N, in] or null (not needed)
                                float[] dw,  // [out, in] or null (frozen weight)
                                float[] db,  // [out] or null
                                float[] dy,  // [N, out]
                                float[] x,   // [N, in]
                                float[] w,   // [out, in]
                                int n, int in, int out) {
        // every shape is checked before anything is written; W and x only when needed
        Shapes.check("matmul backward", "dy", dy, n, out);
        if (dx != null) {
            Shapes.check("matmul backward", "dx", dx, n, in);
            Shapes.check("matmul backward", "W", w, out, in);
        }
        if (dw != null) {
            Shapes.check("matmul backward", "dW", dw, out, in);
            Shapes.check("matmul backward", "x", x, n, in);
        }
        if (db != null) {
            Shapes.check("matmul backward", "db", db, out);
        }
        if (dx != null) {
            Backends.gemm().gemm(false, false, n, in, out, dy, 0, w, 0, dx, 0, true);
        }
        if (dw != null) {
            Backends.gemm().gemm(true, false, out, in, n, dy, 0, x, 0, dw, 0, true);
        }
        if (db != null) {
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < out; o++) {
                    db[o] += dy[i * out + o];
                }
            }
        }
    }
}
