package dev.tinyseek.train;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.io.CheckpointDirectory;
import dev.tinyseek.io.CheckpointException;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.io.Json;
import dev.tinyseek.io.JsonObject;
import dev.tinyseek.io.Safetensors;
import dev.tinyseek.io.SafetensorsFile;
import dev.tinyseek.io.TensorData;
import dev.tinyseek.io.TextFiles;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Linear;
import dev.tinyseek.nn.Param;
import dev.tinyseek.nn.Precision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// What a checkpoint needs beyond the weights to resume training exactly: the optimizer's
/// moments (`optimizer.safetensors`, tensors `exp_avg.<param>` and `exp_avg_sq.<param>` as in
/// PyTorch's AdamW state) and `trainer_state.json` (the step, the data sampler's RNG state, the
/// GEMM backend and precision the run used, and the run's settings as plain strings, so a resumed
/// run trains the same task the same way).
///
/// A training checkpoint is saved whole or not at all ([CheckpointDirectory]), and loading
/// checks that its files belong together: the manifest's hashes, and the step that the weights,
/// the optimizer and the trainer state each record.
public final class TrainingState {

    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "trainer_state.json";

    private TrainingState() {
    }

    /// The step and data state of a saved run, the backend and precision it trained with (null
    /// when the saved state does not name them), and its settings.
    public record Saved(int step, long dataRngState, String backend, String precision, Map<String, String> settings) {
    }

    /// Saves `model` (F32 weights, with `step` in their metadata), its optimizer and the trainer
    /// state into `dir` as one checkpoint, written whole or not at all.
    public static void save(Path dir, Transformer model, AdamW opt, int step, long dataRngState,
                            Map<String, String> settings) throws IOException {
        try (CheckpointDirectory.Save save = CheckpointDirectory.begin(dir)) {
            Checkpoint.write(model, save.staging(), Dtype.F32, Map.of("step", String.valueOf(step)));
            write(save.staging(), model, opt, step, dataRngState, settings);
            save.commit(step);
        }
    }

    /// Writes the optimizer and trainer state into `dir` as they are, for a caller that saves the
    /// weights (and more files) in the same [CheckpointDirectory.Save].
    public static void write(Path dir, Transformer model, AdamW opt, int step, long dataRngState,
                             Map<String, String> settings) throws IOException {
        Files.createDirectories(dir);
        Map<String, TensorData> t = new LinkedHashMap<>();
        for (Param p : model.params()) {
            t.put("exp_avg." + p.name, TensorData.of(opt.firstMoment(p).clone(), p.shape));
            t.put("exp_avg_sq." + p.name, TensorData.of(opt.secondMoment(p).clone(), p.shape));
        }
        Safetensors.write(dir.resolve(OPTIMIZER), t, Map.of("optimizer_steps", String.valueOf(opt.steps()),
                "step", String.valueOf(step)), Dtype.F32);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("step", step);
        j.put("optimizer_steps", opt.steps());
        j.put("data_rng_state", Long.toString(dataRngState)); // a string: JSON numbers lose 64-bit integers elsewhere
        j.put("backend", Backends.gemm().name());
        j.put("precision", precision(model));
        j.put("settings", new LinkedHashMap<>(settings));
        Checkpoint.writeAtomically(dir.resolve(STATE), Json.write(j, true));
    }

    /// The precision of `model`'s linear layers as a trainer state records it: `fp32`, or
    /// `fp8 tile 128 FP32_SEQUENTIAL` (the recipe's tile and accumulation).
    public static String precision(Transformer model) {
        for (Linear l : model.linears()) {
            if (l.precision() == Precision.FP8) {
                return "fp8 tile " + l.recipe().tile() + " " + l.recipe().accumulation();
            }
        }
        return "fp32";
    }

    /// Whether `dir` holds a resumable training state.
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE)) && Files.isRegularFile(dir.resolve(OPTIMIZER));
    }

    /// Restores the optimizer's moments and step counter from `dir` and returns the trainer state,
    /// after checking that the checkpoint's files belong together (see [#readState]).
    public static Saved load(Path dir, AdamW opt, List<Param> params) throws IOException {
        Read saved = read(dir);
        Path optFile = dir.resolve(OPTIMIZER);
        try (SafetensorsFile f = Safetensors.open(optFile)) {
            for (Param p : params) {
                copy(f, "exp_avg." + p.name, opt.firstMoment(p), optFile);
                copy(f, "exp_avg_sq." + p.name, opt.secondMoment(p), optFile);
            }
        }
        opt.setSteps(saved.optimizerSteps());
        return saved.state();
    }

    /// Throws an [IllegalArgumentException] when `model` now runs on another GEMM backend or in
    /// another precision than the saved run did: the resumed run would then not be the same, to
    /// the bit, as one that never stopped. A caller that accepts that skips this check.
    public static void requireSameSetup(Saved saved, Transformer model, Path dir) {
        String backend = Backends.gemm().name(), precision = precision(model);
        if (saved.backend() != null && !saved.backend().equals(backend)) {
            throw new IllegalArgumentException(dir.resolve(STATE) + ": the run was trained on the '" + saved.backend()
                    + "' backend but this process uses '" + backend + "', so the resumed run would differ from one that never "
                    + "stopped; resume with --backend " + saved.backend() + ", or accept the change with --allow-backend-change");
        }
        if (saved.precision() != null && !saved.precision().equals(precision)) {
            throw new IllegalArgumentException(dir.resolve(STATE) + ": the run was trained in precision '" + saved.precision()
                    + "' but the model now runs in '" + precision + "'; set the saved precision, or accept the change with "
                    + "--allow-backend-change");
        }
    }

    private record Read(Saved state, int optimizerSteps) {
    }

    /// The trainer state of `dir` alone (its settings, say), without touching an optimizer. It
    /// checks that the checkpoint is whole: its files match `manifest.json` (when it has one) and
    /// the weights, the optimizer and the trainer state record the same step.
    public static Saved readState(Path dir) throws IOException {
        return read(dir).state();
    }

    private static Read read(Path dir) throws IOException {
        Path stateFile = dir.resolve(STATE);
        CheckpointDirectory.Manifest manifest = CheckpointDirectory.verify(dir, STATE, OPTIMIZER, Checkpoint.CONFIG, Checkpoint.WEIGHTS);
        if (!Files.isRegularFile(stateFile)) {
            throw new CheckpointException(stateFile, null, "no such file: this checkpoint has no training state to resume "
                    + "(it was saved without one, or is not a training checkpoint)");
        }
        JsonObject j = JsonObject.parse(TextFiles.read(stateFile), stateFile.toString());
        int step = j.getInt("step");
        int optimizerSteps = j.getInt("optimizer_steps");
        long rng;
        try {
            rng = Long.parseLong(j.getString("data_rng_state"));
        } catch (NumberFormatException e) {
            throw new CheckpointException(stateFile, null, "data_rng_state is not a 64-bit integer: " + j.get("data_rng_state"));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        JsonObject s = j.getObject("settings");
        for (String k : s.keys()) {
            settings.put(k, String.valueOf(s.get(k)));
        }
        // the files must be of one save: the manifest's step, the weights' and the optimizer's
        if (manifest != null && manifest.step() != step) {
            throw mixed(stateFile, step, dir.resolve(CheckpointDirectory.MANIFEST), manifest.step());
        }
        Path optFile = dir.resolve(OPTIMIZER);
        if (!Files.isRegularFile(optFile)) {
            throw new CheckpointException(optFile, null, "no such file: the optimizer state is missing, so the run cannot resume exactly");
        }
        try (SafetensorsFile f = Safetensors.open(optFile)) {
            String st = f.metadata().get("step"), os = f.metadata().get("optimizer_steps");
            if (st != null && !st.equals(String.valueOf(step))) {
                throw mixed(stateFile, step, optFile, Long.parseLong(st));
            }
            if (os != null && !os.equals(String.valueOf(optimizerSteps))) {
                throw new CheckpointException(optFile, null, "has the moments of optimizer step " + os + " but " + stateFile
                        + " says " + optimizerSteps + ": the checkpoint mixes two saves; use a whole checkpoint");
            }
        }
        Path weights = dir.resolve(Checkpoint.WEIGHTS);
        if (Files.isRegularFile(weights)) {
            try (SafetensorsFile f = Safetensors.open(weights)) {
                String st = f.metadata().get("step");
                if (st != null && !st.equals(String.valueOf(step))) {
                    throw mixed(stateFile, step, weights, Long.parseLong(st));
                }
            }
        }
        String backend = j.has("backend") ? j.getString("backend") : null;
        String precision = j.has("precision") ? j.getString("precision") : null;
        return new Read(new Saved(step, rng, backend, precision, settings), optimizerSteps);
    }

    private static CheckpointException mixed(Path stateFile, int step, Path other, long otherStep) {
        return new CheckpointException(other, null, "is of step " + otherStep + " but " + stateFile.getFileName() + " is of step "
                + step + ": the checkpoint mixes files of two saves (an interrupted save, or files copied in), and resuming it "
                + "would not continue either run; use a whole checkpoint");
    }

    private static void copy(SafetensorsFile f, String name, float[] into, Path file) {
        if (!f.contains(name)) {
            throw new CheckpointException(file, name, "missing: the optimizer state does not match the model");
        }
        float[] x = f.readFloats(name);
        if (x.length != into.length) {
            throw new CheckpointException(file, name, "has " + x.length + " values but the parameter has " + into.length);
        }
        System.arraycopy(x, 0, into, 0, x.length);
    }
}
