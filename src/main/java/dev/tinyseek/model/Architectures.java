package dev.tinyseek.model;

/// The architectures compared in the experiments and offered by `--arch`, over a preset's widths:
/// - `deepseek`: Multi-head Latent Attention and DeepSeekMoE (the preset as `docs/model.md#presets` gives it);
/// - `mla`: Multi-head Latent Attention with a dense MLP in every layer;
/// - `dense`: standard multi-head attention and a dense MLP, the baseline.
public final class Architectures {

    public static final String[] NAMES = {"deepseek", "mla", "dense"};

    private Architectures() {
    }

    public static ModelConfig config(String preset, String arch) {
        ModelConfig base = ModelConfig.preset(preset);
        return switch (arch) {
            case "deepseek" -> base;
            case "mla" -> base.withTypes("mla", "dense");
            case "dense" -> base.dense();
            default -> throw new IllegalArgumentException("--arch " + arch + " is not valid; expected one of deepseek, mla, dense");
        };
    }
}
