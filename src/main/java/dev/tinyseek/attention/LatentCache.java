package dev.tinyseek.attention;

/// The KV cache of absorbed MLA: per token, only the **normalised** KV latent `c = kv_norm(·)`
/// (`R` numbers) and the **already rotated** shared RoPE key `k_pe` (`Dr` numbers) — the official
/// `kv_cache` and `pe_cache` (`docs/mla.md#absorbed-form`). For DeepSeek-V3
/// that is 512 + 64 = 576 numbers per token per layer, against 40 960 for the naive form's
/// per-head keys and values.
public final class LatentCache implements KvCache {

    final float[] latent; // [capacity, R]
    final float[] kPe;    // [capacity, Dr]
    final int capacity, r, dr;
    int length;

    LatentCache(int capacity, int r, int dr) {
        if (capacity < 1) {
            throw new IllegalArgumentException("MLA cache: capacity must be at least 1 token, got " + capacity);
        }
        this.capacity = capacity;
        this.r = r;
        this.dr = dr;
        this.latent = new float[capacity * r];
        this.kPe = new float[capacity * dr];
    }

    @Override public int length() { return length; }
    @Override public int capacity() { return capacity; }
    @Override public int floatsPerToken() { return r + dr; }

    @Override
    public void truncate(int n) {
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("MLA cache: cannot truncate " + length + " tokens to " + n);
        }
        length = n;
    }
}
