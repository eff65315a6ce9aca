package dev.tinyseek.train;

import dev.tinyseek.tensor.Preview;

/// One training batch: `B` sequences of `T` input tokens and, for each position, the token that
/// should come next (or `CrossEntropy.IGNORE` where no loss is wanted).
public record Batch(int[] inputs,  // [B·T]
                    int[] targets, // [B·T]
                    int b, int t) {

    public Batch {
        if (inputs.length != b * t || targets.length != b * t) {
            throw new IllegalArgumentException("batch: inputs (" + inputs.length + ") and targets (" + targets.length
                    + ") must both hold B·T = " + b + "·" + t + " tokens");
        }
    }

    @Override
    public String toString() {
        return "Batch of " + b + " × " + t + " tokens: inputs " + Preview.of(inputs) + ", targets " + Preview.of(targets);
    }
}
