package dev.tinyseek.nn;

import dev.tinyseek.tensor.EmbeddingLookup;
import dev.tinyseek.tensor.Rng;

/// A token embedding table `[V, C]`, stored as `<prefix>.weight` (`model.embed_tokens.weight`).
public final class EmbeddingLayer {

    public final Param weight; // [V, C]
    public final int vocab;
    public final int dim;

    public EmbeddingLayer(String prefix, int vocab, int dim, Rng rng, double std) {
        this.vocab = vocab;
        this.dim = dim;
        this.weight = new Param(prefix + ".weight", true, vocab, dim);
        rng.fillNormal(weight.data, std);
    }

    /// x[N, C] = table[tokens].
    public float[] forward(int[] tokens, int n) {
        float[] x = new float[n * dim];
        EmbeddingLookup.forward(x, tokens, weight.data, n, dim, vocab);
        return x;
    }

    public void backward(int[] tokens, float[] dx, int n) {
        EmbeddingLookup.backward(weight.grad, dx, tokens, n, dim, vocab);
    }
}
