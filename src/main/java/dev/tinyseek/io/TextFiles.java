package dev.tinyseek.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/// Reading a text file (a `config.json`, a `tokenizer.json`, a notebook) as strict UTF-8, with
/// every problem a [CheckpointException] naming the file: missing, unreadable, a directory, or
/// not UTF-8 (with the byte offset of the first bad byte).
public final class TextFiles {

    private TextFiles() {
    }

    /// The text of `file`; throws a [CheckpointException] naming the file and the problem.
    public static String read(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new CheckpointException(file, null, "is a directory, not a file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, null, "no such file");
        } catch (AccessDeniedException e) {
            throw new CheckpointException(file, null, "cannot be read (permission denied)");
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot be read: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            throw new CheckpointException(file, null, String.format("is not valid UTF-8 text: byte 0x%02x at offset %d; "
                    + "save the file as UTF-8", bytes[at] & 0xff, at));
        }
        dec.flush(out);
        return out.flip().toString();
    }
}
