package dev.tinyseek.gpucheck;

import dev.tinyseek.model.ModelConfig;

import java.util.List;

/// The sizes of every check: [#gpu()] for the real run (chosen to keep the whole run under three
/// minutes on one data-centre GPU; not yet timed on one), [#selfTest()] for the CPU self-test (the same checks on
/// smaller shapes, so that it takes seconds on two cores).
///
/// @param sgemmShapes    check 1's shapes
/// @param sgemmSeconds   timing per shape
/// @param fp8            check 2's product
/// @param parity         check 3's models
/// @param training       check 4: models trained for speed, with `steps` steps a round
/// @param decodeTokens   check 4: tokens decoded at batch 1
/// @param mtpProblems    check 4: addition problems for the shipped MTP model
/// @param largerMtp      check 4: the larger MTP model (random weights) and its prompts and tokens
/// @param rounds         timing rounds (best counts) after one warm-up round
public record Plan(String name, List<SgemmCheck.Shape> sgemmShapes, double sgemmSeconds, Fp8Check.Size fp8,
                   List<ModelParityCheck.Setup> parity, List<TrainingRun> training, int decodeTokens, int mtpProblems,
                   ModelConfig largerMtp, int largerMtpPrompts, int largerMtpTokens, int rounds) {

    /// One training-speed run.
    public record TrainingRun(String name, ModelConfig config, int batch, int tokens, int steps) {
    }

    /// The real run. Model shapes are the `small` preset's at its benchmark batch (8 x 128 = 1024 tokens).
    public static Plan gpu() {
        ModelConfig small = ModelConfig.small();
        int n = 1024, c = small.hiddenSize();
        return new Plan("gpu",
                List.of(new SgemmCheck.Shape("small q_a_proj", n, small.qLoraRank(), c),
                        new SgemmCheck.Shape("small dense up", n, small.intermediateSize(), c),
                        new SgemmCheck.Shape("small dense down", n, c, small.intermediateSize()),
                        new SgemmCheck.Shape("small lm_head", n, small.vocabSize(), c),
                        new SgemmCheck.Shape("small expert up", n / 8, small.moeIntermediateSize(), c),
                        new SgemmCheck.Shape("decode lm_head", 1, small.vocabSize(), c),
                        new SgemmCheck.Shape("1 x N", 1, 4099, 515),
                        new SgemmCheck.Shape("N x 1", 4099, 1, 515),
                        new SgemmCheck.Shape("K odd", 333, 211, 1027),
                        new SgemmCheck.Shape("K = 3", 65, 47, 3),
                        new SgemmCheck.Shape("square 2048", 2048, 2048, 2048)),
                0.2, new Fp8Check.Size(256, 512, 1024),
                List.of(new ModelParityCheck.Setup("tiny", ModelConfig.tiny(), 2, 24),
                        new ModelParityCheck.Setup("small", small, 2, 64)),
                List.of(new TrainingRun("tiny", ModelConfig.tiny(), 8, 64, 5),
                        new TrainingRun("small", small, 8, 128, 3)),
                64, 100, small.withMtpDepth(1), 8, 32, 3);
    }

    /// The CPU self-test: every check, small.
    public static Plan selfTest() {
        ModelConfig tiny = ModelConfig.tiny();
        return new Plan("cpu-selftest",
                List.of(new SgemmCheck.Shape("tiny dense up", 128, tiny.intermediateSize(), tiny.hiddenSize()),
                        new SgemmCheck.Shape("1 x N", 1, 257, 67),
                        new SgemmCheck.Shape("N x 1", 257, 1, 67),
                        new SgemmCheck.Shape("K odd", 33, 21, 131),
                        new SgemmCheck.Shape("K = 3", 9, 7, 3)),
                0.02, new Fp8Check.Size(32, 64, 256),
                List.of(new ModelParityCheck.Setup("tiny", tiny, 1, 16),
                        new ModelParityCheck.Setup("small", ModelConfig.small(), 1, 16)),
                List.of(new TrainingRun("tiny", tiny, 2, 16, 1)),
                8, 6, tiny.withMtpDepth(1), 2, 8, 1);
    }
}
