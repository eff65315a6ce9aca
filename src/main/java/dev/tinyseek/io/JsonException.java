package dev.tinyseek.io;

/// A JSON text that is not valid JSON, or a JSON value that is not what a reader expected.
///
/// The message says where (`line:column` for syntax errors, the key path for type errors),
/// what was found and what would have been valid. Readers of files (safetensors headers,
/// `tokenizer.json`) wrap it in a [CheckpointException] that also names the file.
public final class JsonException extends RuntimeException {

    public JsonException(String message) {
        super(message);
    }
}
