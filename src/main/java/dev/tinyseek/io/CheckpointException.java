package dev.tinyseek.io;

import java.nio.file.Path;

/// A checkpoint file that cannot be read or written: missing, truncated, malformed, or not
/// matching what the caller asked for.
///
/// It is the one exception type that the readers and writers of this package throw for bad
/// files, so a caller (or a fuzz test) can catch exactly this. The message always names the
/// file, the tensor or field when there is one, and what is wrong, e.g.
/// `runs/tiny/model.safetensors: tensor "lm_head.weight": dtype BF16 with shape [256, 64] needs 32768 bytes, but data_offsets [0, 100] hold 100`.
public final class CheckpointException extends RuntimeException {

    private final transient Path file;

    public CheckpointException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    public CheckpointException(Path file, String tensor, String problem, Throwable cause) {
        super(file + ": " + (tensor == null ? "" : "tensor " + Json.quote(tensor) + ": ") + problem, cause);
        this.file = file;
    }

    /// The file the problem is in.
    public Path file() {
        return file;
    }
}
