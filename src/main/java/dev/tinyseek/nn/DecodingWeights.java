package dev.tinyseek.nn;

import dev.tinyseek.backend.FewRowGemm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/// The weights in the layout that decoding reads: for each [Linear] it has met, `Wᵀ` as rows
/// `[in][out]` ([FewRowGemm]), made from `W` the first time that layer multiplies a few rows
/// through this object, and reused for every later token.
///
/// One belongs to each decoding state (`model.Transformer.DecodeState`), beside the keys and
/// values cached there, and like them it is made from the weights as they are while that state
/// decodes. Change a weight (by hand, by an optimizer step, by loading a checkpoint), start a new
/// state, and decoding reads the new values: there is nothing to invalidate. Changing weights in
/// the middle of one state's sequence is not supported by the cache either (its keys and values
/// were computed with the old ones).
///
/// [#asStored()] reads every `W` as stored instead (dot products): the control that
/// `tinyseek bench` measures beside this layout. Both give the same bits.
public final class DecodingWeights {

    /// The read-as-stored instance: holds nothing, so one serves every state.
    private static final DecodingWeights AS_STORED = new DecodingWeights(false);

    private final boolean transpose;
    private final Map<Linear, float[][]> transposed = new ConcurrentHashMap<>(); // per layer: [in][out]

    /// An empty set of transposed weights, filled as decoding meets each layer.
    public DecodingWeights() {
        this(true);
    }

    private DecodingWeights(boolean transpose) {
        this.transpose = transpose;
    }

    /// Decoding that reads `W` as stored in every layer (no second layout).
    public static DecodingWeights asStored() {
        return AS_STORED;
    }

    /// Whether few-row products use `Wᵀ`.
    public boolean transposes() {
        return transpose;
    }

    /// How many layers' `Wᵀ` this holds.
    public int size() {
        return transposed.size();
    }

    /// `Wᵀ` `[in][out]` of `layer`, made on the first call for that layer.
    float[][] of(Linear layer) {
        return transposed.computeIfAbsent(layer, l -> FewRowGemm.transpose(l.weight.data, l.out, l.in));
    }

    @Override
    public String toString() {
        return transpose ? "DecodingWeights[transposed " + transposed.size() + " layer(s)]" : "DecodingWeights[as stored]";
    }
}
