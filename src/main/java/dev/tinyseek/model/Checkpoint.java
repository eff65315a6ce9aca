package dev.tinyseek.model;

import dev.tinyseek.io.CheckpointDirectory;
import dev.tinyseek.io.CheckpointException;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.io.Safetensors;
import dev.tinyseek.io.SafetensorsFile;
import dev.tinyseek.io.TensorData;
import dev.tinyseek.io.TensorInfo;
import dev.tinyseek.io.TextFiles;
import dev.tinyseek.nn.Param;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/// A checkpoint directory anyone recognises: `config.json` (HF keys) and `model.safetensors`
/// (HF tensor names, F32 or BF16), with a `manifest.json` naming each file's SHA-256. The
/// directory is written whole or not at all ([CheckpointDirectory]): a crash during a save leaves
/// the previous checkpoint, and loading refuses a directory whose files do not match its manifest.
///
/// Loading checks everything before the model is used: the config, the memory it needs (before
/// allocating it, see [MemoryNeed]), every tensor's presence and shape, and that every weight is
/// finite.
public final class Checkpoint {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";

    private Checkpoint() {
    }

    /// Saves `model` into `dir` (created if needed) with its weights in `dtype` (F32 or BF16).
    public static void save(Transformer model, Path dir, Dtype dtype, Map<String, String> metadata) throws IOException {
        try (CheckpointDirectory.Save save = CheckpointDirectory.begin(dir)) {
            write(model, save.staging(), dtype, metadata);
            save.commit(-1);
        }
    }

    /// Writes the model's two files into `dir` as they are, for a caller that saves more files
    /// in the same [CheckpointDirectory.Save] (a training checkpoint).
    public static void write(Transformer model, Path dir, Dtype dtype, Map<String, String> metadata) throws IOException {
        Files.createDirectories(dir);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Param p : model.paramsByName().values()) { // parameters and buffers
            tensors.put(p.name, TensorData.of(p.data.clone(), p.shape));
        }
        Safetensors.write(dir.resolve(WEIGHTS), tensors, metadata == null ? Map.of() : metadata, dtype);
        writeAtomically(dir.resolve(CONFIG), ConfigJson.write(model.config));
    }

    /// Loads a model from a checkpoint directory, checking every tensor's presence and shape;
    /// notes (skipped tensors) go to standard error.
    public static Transformer load(Path dir) throws IOException {
        return load(dir, note -> System.err.println("note: " + note));
    }

    /// The same, handing each note to `notes`.
    public static Transformer load(Path dir, java.util.function.Consumer<String> notes) throws IOException {
        Path cfgFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfgFile)) {
            throw new CheckpointException(cfgFile, null, "no such file; is " + dir + " a tinyseek checkpoint directory?");
        }
        CheckpointDirectory.verify(dir, CONFIG, WEIGHTS);
        ModelConfig cfg = ConfigJson.read(TextFiles.read(cfgFile), cfgFile.toString());
        MemoryNeed.check(cfg, cfgFile.toString());
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new CheckpointException(weights, null, "no such file; save the model first");
        }
        Transformer model = new Transformer(cfg, 0);
        try (SafetensorsFile f = Safetensors.open(weights)) {
            Map<String, Param> byName = model.paramsByName();
            TreeSet<String> unexpected = new TreeSet<>(f.names());
            for (Param p : byName.values()) {
                if (!f.contains(p.name)) {
                    throw new CheckpointException(weights, p.name, "missing (the config asks for it)");
                }
                unexpected.remove(p.name);
                TensorInfo info = f.info(p.name);
                long[] want = Arrays.stream(p.shape).asLongStream().toArray();
                if (!Arrays.equals(info.shape(), want)) {
                    throw new CheckpointException(weights, p.name, "has shape " + Arrays.toString(info.shape())
                            + " but the config needs " + Arrays.toString(want));
                }
                float[] data = f.readWeight(p.name);
                checkFinite(weights, p.name, data);
                System.arraycopy(data, 0, p.data, 0, p.data.length);
                unexpected.remove(p.name + "_scale_inv");
            }
            // Multi-Token Prediction modules are stored as layers num_hidden_layers, num_hidden_layers + 1, ...
            // (DeepSeek-V3's "model.layers.61"); those the model does not build are skipped, not an error
            int layers = cfg.numHiddenLayers(), built = layers + cfg.numNextnPredictLayers();
            TreeSet<Integer> skippedMtp = new TreeSet<>();
            TreeSet<String> copies = new TreeSet<>();
            unexpected.removeIf(name -> {
                java.util.regex.Matcher mm = java.util.regex.Pattern.compile("^model\\.layers\\.(\\d+)\\.").matcher(name);
                if (!mm.find() || Integer.parseInt(mm.group(1)) < layers) {
                    return false;
                }
                int layer = Integer.parseInt(mm.group(1));
                if (layer >= built) {
                    skippedMtp.add(layer);
                    return true;
                }
                if (name.endsWith(".embed_tokens.weight") || name.endsWith(".shared_head.head.weight")) {
                    copies.add(name); // the released files keep copies of the shared embedding and head
                    return true;
                }
                return false;
            });
            for (int layer : skippedMtp) {
                notes.accept(weights + ": skipped the tensors of model.layers." + layer + " (a Multi-Token Prediction module "
                        + "this model does not build)");
            }
            for (String name : copies) {
                notes.accept(weights + ": skipped " + name + " (a copy of a tensor the MTP module shares with the main model)");
            }
            if (!unexpected.isEmpty()) {
                throw new CheckpointException(weights, unexpected.first(), "unexpected: the config does not ask for it"
                        + (unexpected.size() > 1 ? " (and " + (unexpected.size() - 1) + " more such tensors)" : ""));
            }
        }
        return model;
    }

    /// Throws a [CheckpointException] naming the tensor when `data` holds a NaN or an infinity.
    static void checkFinite(Path file, String tensor, float[] data) {
        int bad = 0, first = -1;
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        if (bad > 0) {
            throw new CheckpointException(file, tensor, bad + " of " + data.length + " values are not finite (the first, at index "
                    + first + ", is " + data[first] + "); the weights are damaged: use another checkpoint or train again");
        }
    }

    /// Writes `text` to `file` through a temporary file, forced to disk, and an atomic rename.
    public static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            CheckpointDirectory.force(tmp);
            try { // temporary files are created private; a checkpoint is for sharing
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            CheckpointDirectory.force(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
