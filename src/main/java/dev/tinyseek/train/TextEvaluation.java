package dev.tinyseek.train;

import dev.tinyseek.model.Transformer;
import dev.tinyseek.tokenizer.Tokenizer;

/// How well a language model predicts held-out text: mean cross-entropy per token, bits per
/// byte, and next-token accuracy of the main head.
///
/// The held-out tokens `h[0..N)` are cut into consecutive windows of `T` inputs; window `w`
/// reads `h[wT .. wT+T)` and predicts `h[wT+1 .. wT+T+1)`, so every token but the first is
/// predicted exactly once (the last window is padded, and its padding is not scored). Then
///
///     loss          = (Σ nats) / (N − 1)                         nats = −ln p(token | tokens before it in its window)
///     bits per byte = (Σ nats) / ln 2 / (bytes of h[1..N) decoded)
///
/// Bits per byte does not depend on the vocabulary: a tokenizer with longer tokens has a higher
/// loss per token but as many bytes to pay for, so models with different tokenizers compare.
public final class TextEvaluation {

    /// Windows run through the model at once.
    private static final int WINDOWS_PER_FORWARD = 16;

    private TextEvaluation() {
    }

    /// `tokens` predicted tokens cost `nats` in all and decode to `bytes` bytes.
    public record Result(double loss, double bitsPerByte, double accuracy, long tokens, long bytes, double nats) {
    }

    /// Bits per byte of `nats` spent on text of `bytes` bytes.
    ///
    /// @throws IllegalArgumentException if `bytes` is not positive
    public static double bitsPerByte(double nats, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bits per byte of " + bytes + " bytes: need at least one byte");
        }
        return nats / Math.log(2) / bytes;
    }

    /// Evaluates on all of `heldOut` (token ids of `tok`) in windows of `seqLen` inputs.
    public static Result evaluate(Transformer model, Tokenizer tok, int[] heldOut, int seqLen) {
        return evaluate(model, tok, heldOut, seqLen, Integer.MAX_VALUE);
    }

    /// As [#evaluate(Transformer, Tokenizer, int[], int)] over the first `maxWindows` windows only
    /// (a cheaper estimate for curves during training; the same windows every time).
    public static Result evaluate(Transformer model, Tokenizer tok, int[] heldOut, int seqLen, int maxWindows) {
        if (heldOut.length < 2) {
            throw new IllegalArgumentException("held-out text of " + heldOut.length + " tokens: need at least 2 to predict one");
        }
        if (seqLen < 1 || seqLen > model.config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("seqLen " + seqLen + " must be in 1.." + model.config.maxPositionEmbeddings());
        }
        int v = model.config.vocabSize();
        int windows = (int) Math.min(maxWindows, (heldOut.length - 1 + (long) seqLen - 1) / seqLen);
        double nats = 0;
        long scored = 0, bytes = 0, right = 0;
        for (int w0 = 0; w0 < windows; w0 += WINDOWS_PER_FORWARD) {
            int b = Math.min(WINDOWS_PER_FORWARD, windows - w0);
            int[] in = new int[b * seqLen];     // [B·T]
            int[] target = new int[b * seqLen]; // [B·T]: -1 where padded
            java.util.Arrays.fill(target, -1);
            for (int bi = 0; bi < b; bi++) {
                int start = (w0 + bi) * seqLen;
                for (int i = 0; i < seqLen && start + i + 1 < heldOut.length; i++) {
                    in[bi * seqLen + i] = heldOut[start + i];
                    target[bi * seqLen + i] = heldOut[start + i + 1];
                }
            }
            float[] logits = model.forward(in, b, seqLen).logits(); // [B·T, V]
            for (int r = 0; r < b * seqLen; r++) {
                int y = target[r];
                if (y < 0) {
                    continue;
                }
                int off = r * v, best = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    if (logits[off + j] > max) {
                        max = logits[off + j];
                        best = j;
                    }
                }
                double sum = 0;
                for (int j = 0; j < v; j++) {
                    sum += Math.exp(logits[off + j] - max);
                }
                nats += max + Math.log(sum) - logits[off + y];
                right += best == y ? 1 : 0;
                bytes += tok.bytesOf(y).length;
                scored++;
            }
        }
        return new Result(nats / scored, bitsPerByte(nats, bytes), (double) right / scored, scored, bytes, nats);
    }
}
