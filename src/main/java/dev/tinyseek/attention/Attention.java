package dev.tinyseek.attention;

import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.Linear;
import dev.tinyseek.nn.Param;

import java.util.List;

/// The attention sublayer of a block, whichever form it takes (standard multi-head attention,
/// or DeepSeek's Multi-head Latent Attention). The block only sees this interface.
public interface Attention {

    /// What backward needs from forward; implementations return their own record.
    interface Saved {
        float[] y(); // [B·T, C]
    }

    /// Training/prefill forward over `B` sequences of `T` tokens at positions `0..T-1`.
    Saved forward(float[] x, // [B·T, C]
                  int b, int t);

    /// Returns `dx` `[B·T, C]` and accumulates the parameters' gradients.
    float[] backward(Saved saved, float[] dy);

    /// Decoding with a cache: `x` holds `T` new tokens of one sequence; their keys/values are
    /// appended to the cache and their outputs `[T, C]` returned. The projections read their
    /// weights through the decoding state's `w`.
    float[] decode(float[] x, // [T, C]
                   int t, KvCache cache, DecodingWeights w);

    /// [#decode(float[], int, KvCache, DecodingWeights)] reading every weight as stored.
    default float[] decode(float[] x, // [T, C]
                           int t, KvCache cache) {
        return decode(x, t, cache, DecodingWeights.asStored());
    }

    /// An empty cache for one sequence of at most `maxTokens` tokens.
    KvCache newCache(int maxTokens);

    List<Param> params();

    /// The projections, whose [dev.tinyseek.nn.Precision] can be set (FP8 training); the
    /// attention arithmetic between them stays fp32.
    List<Linear> linears();
}
