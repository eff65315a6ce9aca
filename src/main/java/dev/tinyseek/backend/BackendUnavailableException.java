package dev.tinyseek.backend;

/// A native backend cannot be used here: its library file was not found, or it found no device.
///
/// The message names what is missing (the file names tried, or the device) and how to get it; the
/// plain-Java backend needs none of it and keeps working (`--backend java`, the default).
public final class BackendUnavailableException extends IllegalStateException {

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
