package dev.tinyseek.nn;

import java.util.List;

/// The feed-forward sublayer of a block, whichever form it takes: a dense SwiGLU MLP or a
/// mixture of experts. The block only sees this interface.
public interface FeedForward {

    /// What backward needs from forward; implementations return their own record.
    interface Saved {
        float[] y(); // [N, C]
    }

    Saved forward(float[] x, // [N, C]
                  int n);

    /// The same over `B` sequences of `T` tokens (`N = B·T`). A layer whose math depends on the
    /// sequence boundaries (the mixture of experts' sequence-wise balance loss) overrides this;
    /// the block always calls this form.
    default Saved forward(float[] x, // [B·T, C]
                          int b, int t) {
        return forward(x, b * t);
    }

    /// Decoding: the same function of `T` new tokens of one sequence, with the products reading
    /// their weights through the decoding state's `w`.
    float[] decode(float[] x, // [T, C]
                   int t, DecodingWeights w);

    /// Returns `dx` `[N, C]` and accumulates the parameters' gradients.
    float[] backward(Saved saved, float[] dy);

    List<Param> params();

    /// The linear layers, whose [Precision] can be set (FP8 training). Not the MoE router.
    List<Linear> linears();

    /// Saved with the model but not trained by the optimizer (e.g. the MoE router's
    /// `e_score_correction_bias`, moved by its own balancing rule). None by default.
    default List<Param> buffers() {
        return List.of();
    }
}
