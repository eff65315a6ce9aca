package dev.tinyseek.train;

import dev.tinyseek.io.CheckpointException;
import dev.tinyseek.io.Dtype;
import dev.tinyseek.io.Json;
import dev.tinyseek.io.JsonObject;
import dev.tinyseek.io.Safetensors;
import dev.tinyseek.io.SafetensorsFile;
import dev.tinyseek.io.TensorData;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.nn.Param;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// What a checkpoint needs beyond the weights to resume training exactly: the optimizer's
/// moments (`optimizer.safetensors`, tensors `exp_avg.<param>` and `exp_avg_sq.<param>` as in
/// PyTorch's AdamW state) and `trainer_state.json` (the step, the data sampler's RNG state, and
/// the run's settings as plain strings, so a resumed run trains the same task the same way).
public final class TrainingState {

    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "trainer_state.json";

    private TrainingState() {
    }

    /// The step and data state of a saved run, and its settings.
    public record Saved(int step, long dataRngState, Map<String, String> settings) {
    }

    /// Writes the optimizer and trainer state into `dir` (each file atomically).
    public static void save(Path dir, AdamW opt, List<Param> params, int step, long dataRngState,
                            Map<String, String> settings) throws IOException {
        Files.createDirectories(dir);
        Map<String, TensorData> t = new LinkedHashMap<>();
        for (Param p : params) {
            t.put("exp_avg." + p.name, TensorData.of(opt.firstMoment(p).clone(), p.shape));
            t.put("exp_avg_sq." + p.name, TensorData.of(opt.secondMoment(p).clone(), p.shape));
        }
        Safetensors.write(dir.resolve(OPTIMIZER), t, Map.of("optimizer_steps", String.valueOf(opt.steps())), Dtype.F32);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("step", step);
        j.put("optimizer_steps", opt.steps());
        j.put("data_rng_state", Long.toString(dataRngState)); // a string: JSON numbers lose 64-bit integers elsewhere
        j.put("settings", new LinkedHashMap<>(settings));
        Checkpoint.writeAtomically(dir.resolve(STATE), Json.write(j, true));
    }

    /// Whether `dir` holds a resumable training state.
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE)) && Files.isRegularFile(dir.resolve(OPTIMIZER));
    }

    /// Restores the optimizer's moments and step counter from `dir` and returns the trainer state.
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

    private record Read(Saved state, int optimizerSteps) {
    }

    /// The trainer state of `dir` alone (its settings, say), without touching an optimizer.
    public static Saved readState(Path dir) throws IOException {
        return read(dir).state();
    }

    private static Read read(Path dir) throws IOException {
        Path stateFile = dir.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new CheckpointException(stateFile, null, "no such file: this checkpoint has no training state to resume "
                    + "(it was saved without one, or is not a training checkpoint)");
        }
        JsonObject j = JsonObject.parse(Files.readString(stateFile, StandardCharsets.UTF_8), stateFile.toString());
        int step = j.getInt("step");
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
        return new Read(new Saved(step, rng, settings), j.getInt("optimizer_steps"));
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
