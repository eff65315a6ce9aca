/// Flat-array math: every operation of the model as a forward function with its backward twin
/// right below it.
///
/// Conventions, shared by the whole project:
/// - Arrays are row-major `float[]`; every array parameter carries a shape comment, e.g.
///   `float[] q, // [T, H, D]`.
/// - Weights are `[out, in]`, so a linear layer is `y = x Wᵀ`, as in PyTorch and HF checkpoints.
/// - Argument order (as in llm.c): outputs first, then inputs, then weights, then sizes.
/// - A backward *accumulates* into its gradient arrays with `+=`; callers zero them.
///
/// Glossary of dimension letters:
///
/// | letter | meaning |
/// |---|---|
/// | B | batch (sequences) |
/// | T | tokens (positions) in a sequence; N = B·T rows when flattened |
/// | C | model width (`hidden_size`) |
/// | H | attention heads |
/// | D | head dimension (Dqk for queries/keys, Dv for values, Dr for the RoPE part) |
/// | F | hidden width of a feed-forward (SwiGLU) layer |
/// | E | experts |
/// | K | experts per token |
/// | V | vocabulary |
/// | R | latent rank (MLA's q and kv compression) |
package dev.tinyseek.tensor;
