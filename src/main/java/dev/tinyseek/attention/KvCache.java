package dev.tinyseek.attention;

/// The per-layer memory of decoding: whatever an attention form keeps about past tokens so
/// that each new token costs one step, not a recomputation of the whole prefix.
public interface KvCache {

    /// Tokens stored so far (the position of the next token).
    int length();

    /// The most tokens it can hold.
    int capacity();

    /// Numbers stored per token (e.g. `2·H·D` for multi-head attention).
    int floatsPerToken();

    /// Forgets every token after the first `n` (speculative decoding rolls back rejected drafts).
    void truncate(int n);
}
