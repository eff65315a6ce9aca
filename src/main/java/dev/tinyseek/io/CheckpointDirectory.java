package dev.tinyseek.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/// A checkpoint directory written whole or not at all.
///
/// A checkpoint is several files (weights, config, tokenizer, optimizer, trainer state); each
/// file alone being renamed into place is not enough, since a crash between two files leaves the
/// weights of one step beside the optimizer of another. So a save goes like this:
///
/// 1. every file is written into a new sibling directory `.NAME.saving-…` ([#begin]);
/// 2. [Save#commit] forces each file to disk, writes `manifest.json` last (each file's step, size
///    and SHA-256), forces it and the directory;
/// 3. the old directory is renamed aside (`.NAME.old-…`), the new one renamed into place, the
///    parent directory forced, and the old one deleted.
///
/// A kill at any point leaves either the old checkpoint or the new one under `NAME`, except
/// between the two renames of step 3, where `NAME` is briefly absent: [#recover] (run by every
/// save and load) then renames the whole new directory, or else the old one, back into place.
/// [#verify] checks the files against the manifest, so a directory assembled from two
/// checkpoints, or a file changed afterwards, is refused with the name of the file.
///
/// Files the old directory held that are not part of its checkpoint (a model card, charts) are
/// copied into the new one. Directories saved before manifests existed load without the check.
public final class CheckpointDirectory {

    public static final String MANIFEST = "manifest.json";
    private static final String SAVING = ".saving-", OLD = ".old-";

    private CheckpointDirectory() {
    }

    /// One file of a manifest: the training step it belongs to (-1: none), its size and SHA-256.
    public record Entry(long step, long bytes, String sha256) {
    }

    /// A manifest: the checkpoint's step (-1 when it is not a training checkpoint) and its files.
    public record Manifest(long step, Map<String, Entry> files) {
    }

    /// A save in progress: write the files into [#staging()], then [#commit(long)]. Closing
    /// without a commit deletes what was written and leaves the old checkpoint as it was.
    public static final class Save implements AutoCloseable {
        private final Path dir, staging;
        private boolean done;

        private Save(Path dir, Path staging) {
            this.dir = dir;
            this.staging = staging;
        }

        /// The directory to write the checkpoint's files into.
        public Path staging() {
            return staging;
        }

        /// Makes the files written so far the checkpoint `dir`, as one step (see the class comment).
        /// `step` is the training step of every file (-1 for none).
        public void commit(long step) throws IOException {
            // 1. the new files: to disk, then hashed into the manifest
            Map<String, Entry> files = new TreeMap<>();
            for (Path f : list(staging)) {
                if (Files.isRegularFile(f)) {
                    force(f);
                    files.put(f.getFileName().toString(), new Entry(step, Files.size(f), sha256(f)));
                }
            }
            // 2. what the old directory holds beside its checkpoint (a card, charts) comes along
            Manifest old = Files.isDirectory(dir) ? readManifest(dir) : null;
            if (Files.isDirectory(dir)) {
                for (Path f : list(dir)) {
                    String name = f.getFileName().toString();
                    boolean oldCheckpointFile = old != null && old.files().containsKey(name);
                    if (!name.equals(MANIFEST) && !oldCheckpointFile && !isTemporary(name) && !Files.exists(staging.resolve(name))) {
                        copyTree(f, staging.resolve(name));
                    }
                }
            }
            // 3. the manifest, written last
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", "tinyseek checkpoint");
            m.put("step", step);
            Map<String, Object> fj = new LinkedHashMap<>();
            files.forEach((name, e) -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("step", e.step());
                x.put("bytes", e.bytes());
                x.put("sha256", e.sha256());
                fj.put(name, x);
            });
            m.put("files", fj);
            Path manifest = staging.resolve(MANIFEST);
            try (FileChannel ch = FileChannel.open(manifest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap((Json.write(m, true) + "\n").getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            force(staging);
            // 4. swap the directories: old aside, new into place, old deleted
            Path parent = dir.getParent();
            if (Files.exists(dir)) {
                Path aside = sibling(dir, OLD);
                Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                force(parent);
                deleteTree(aside);
            } else {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                force(parent);
            }
            done = true;
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                deleteTree(staging);
            }
        }
    }

    /// Starts a save into `dir` (created with its parents if needed): finishes an interrupted
    /// save ([#recover]), deletes temporary files earlier saves left, and opens a staging
    /// directory. Refuses a `dir` that is a file, or a directory that is not a checkpoint and has
    /// subdirectories (a save replaces the directory: it must not move a user's tree; the flat
    /// files of, say, charts written there before the first save are copied along).
    public static Save begin(Path dir) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        checkTarget(d, true);
        recover(d);
        cleanTemporaries(d);
        Path staging = sibling(d, SAVING);
        Files.createDirectory(staging);
        return new Save(d, staging);
    }

    /// Checks, before any work, that a checkpoint can be saved into `dir`: it is absent, empty or a
    /// checkpoint directory, and its parent can be created and written. Throws a
    /// [CheckpointException] naming the directory and the problem.
    public static void checkWritable(Path dir) {
        checkTarget(dir.toAbsolutePath().normalize(), false);
    }

    private static void checkTarget(Path d, boolean flatFilesAllowed) {
        Path parent = d.getParent();
        if (parent == null) {
            throw new CheckpointException(d, null, "cannot save a checkpoint as the file system's root; choose a directory below it");
        }
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new CheckpointException(d, null, "exists and is not a directory; choose a new directory for the checkpoint");
        }
        if (Files.isDirectory(d) && !isEmpty(d) && !looksLikeCheckpoint(d) && !(flatFilesAllowed && onlyFiles(d))) {
            throw new CheckpointException(d, null, "is a directory with other files in it (no config.json or " + MANIFEST
                    + "); a save replaces the whole directory, so choose a new or empty one");
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new CheckpointException(parent, null, "cannot create this directory (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); choose a checkpoint directory where you can write");
        }
        try {
            Path probe = Files.createTempDirectory(parent, "." + d.getFileName() + ".probe-");
            Files.delete(probe);
        } catch (IOException e) {
            throw new CheckpointException(parent, null, "is not writable (" + e.getClass().getSimpleName()
                    + "); a checkpoint is saved beside it and renamed into place, so choose a directory where you can write");
        }
    }

    /// Finishes a save interrupted between its two renames: when `dir` is absent, the newest
    /// staging directory whose files match its manifest, or else the directory set aside, is
    /// renamed to `dir`. Returns whether it renamed one. Does nothing when `dir` exists.
    public static boolean recover(Path dir) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        if (Files.exists(d) || d.getParent() == null || !Files.isDirectory(d.getParent())) {
            return false;
        }
        for (String kind : List.of(SAVING, OLD)) {
            for (Path cand : siblings(d, kind)) {
                if (kind.equals(OLD) || isWhole(cand)) {
                    Files.move(cand, d, StandardCopyOption.ATOMIC_MOVE);
                    force(d.getParent());
                    return true;
                }
            }
        }
        return false;
    }

    /// The manifest of `dir`, or null when it has none (a directory saved before manifests, or
    /// by another program). Throws a [CheckpointException] when the manifest is malformed.
    public static Manifest readManifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonObject j = JsonObject.parse(TextFiles.read(file), file.toString());
        Map<String, Entry> files = new TreeMap<>();
        JsonObject fs = j.getObject("files");
        for (String name : fs.keys()) {
            JsonObject e = fs.getObject(name);
            files.put(name, new Entry(e.getLong("step"), e.getLong("bytes"), e.getString("sha256")));
        }
        return new Manifest(j.getLong("step"), files);
    }

    /// Checks `dir` against its manifest, when it has one: every listed file that is present has
    /// the listed size and SHA-256, and each of `names` that is present is listed. Returns the
    /// manifest (null when there is none). Throws a [CheckpointException] naming the first file
    /// that does not belong: the checkpoint is torn (an interrupted save by an older program) or
    /// assembled from different checkpoints.
    public static Manifest verify(Path dir, String... names) throws IOException {
        recover(dir);
        Manifest m = readManifest(dir);
        if (m == null) {
            return null;
        }
        for (String name : names) {
            if (Files.isRegularFile(dir.resolve(name)) && !m.files().containsKey(name)) {
                throw new CheckpointException(dir.resolve(name), null, "is not listed in " + MANIFEST + " (the checkpoint of step "
                        + m.step() + "): it was added from elsewhere; use a checkpoint as it was saved");
            }
        }
        for (Map.Entry<String, Entry> e : m.files().entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) {
                continue; // deleted on purpose (a shipped model drops its optimizer); a caller that needs it says so
            }
            long size = Files.size(f);
            String hash = size == e.getValue().bytes() ? sha256(f) : null;
            if (hash == null || !hash.equals(e.getValue().sha256())) {
                throw new CheckpointException(f, null, "does not match " + MANIFEST + " (" + (hash == null
                        ? size + " bytes, the manifest says " + e.getValue().bytes() : "SHA-256 " + hash.substring(0, 12)
                        + "..., the manifest says " + e.getValue().sha256().substring(0, Math.min(12, e.getValue().sha256().length())) + "...")
                        + "): the checkpoint is torn or mixed with another one's files; use a whole checkpoint (an earlier save, or train again)");
            }
        }
        return m;
    }

    /// The SHA-256 of a file, in hex.
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (ch.read(b) >= 0) {
                b.flip();
                md.update(b);
                b.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /// Forces a file or directory to disk (a directory: its entries, so that renames survive a
    /// power loss). File systems that cannot force a directory are let be.
    public static void force(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(p)) {
                throw e;
            }
        }
    }

    private static boolean isWhole(Path dir) {
        try {
            Manifest m = readManifest(dir);
            if (m == null) {
                return false;
            }
            for (Map.Entry<String, Entry> e : m.files().entrySet()) {
                Path f = dir.resolve(e.getKey());
                if (!Files.isRegularFile(f) || Files.size(f) != e.getValue().bytes() || !sha256(f).equals(e.getValue().sha256())) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean looksLikeCheckpoint(Path d) {
        return Files.exists(d.resolve(MANIFEST)) || Files.exists(d.resolve("config.json"))
                || Files.exists(d.resolve("trainer_state.json"));
    }

    private static boolean onlyFiles(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.allMatch(Files::isRegularFile);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isEmpty(Path d) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /// Temporary files of single-file atomic writes (`.NAME….tmp`).
    private static boolean isTemporary(String name) {
        return name.startsWith(".") && name.endsWith(".tmp");
    }

    /// Deletes what interrupted saves left: staging and set-aside directories beside `dir`, and
    /// temporary files inside it.
    private static void cleanTemporaries(Path dir) throws IOException {
        for (String kind : List.of(SAVING, OLD)) {
            for (Path p : siblings(dir, kind)) {
                deleteTree(p);
            }
        }
        if (Files.isDirectory(dir)) {
            for (Path f : list(dir)) {
                if (isTemporary(f.getFileName().toString()) && Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static Path sibling(Path dir, String kind) {
        return dir.resolveSibling("." + dir.getFileName() + kind + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()));
    }

    /// The siblings `.NAME<kind>…` of `dir`, newest first.
    private static List<Path> siblings(Path dir, String kind) throws IOException {
        String prefix = "." + dir.getFileName() + kind;
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir.getParent())) {
            return out;
        }
        for (Path p : list(dir.getParent())) {
            if (p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                return 0L;
            }
        }).reversed());
        return out;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
                    force(q);
                }
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
