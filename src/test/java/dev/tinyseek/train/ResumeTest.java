package dev.tinyseek.train;

import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tasks.Addition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// A run stopped, saved, loaded into fresh objects and resumed gives the same losses and the
/// same final weights, to the bit, as a run that never stopped.
class ResumeTest {

    static final Trainer.Options OPTIONS = new Trainer.Options(10, 3e-3, 3e-4, 3, 0.1, 1.0, 0);

    static TaskData data() {
        return new TaskData(new Addition(2, true, true), 9, 8, 9);
    }

    @Test
    void resumedRunEqualsUninterruptedRunToTheBit(@TempDir Path dir) throws Exception {
        // 1. ten steps in one go
        Transformer a = new Transformer(ModelConfig.tiny().dense(), 2);
        List<Trainer.Step> straight = new Trainer(null).train(a, AdamW.deepseek(a.params()), data(), OPTIONS, null).steps();

        // 2. four steps, then save everything and drop the objects
        Transformer b = new Transformer(ModelConfig.tiny().dense(), 2);
        AdamW optB = AdamW.deepseek(b.params());
        TaskData dataB = data();
        List<Trainer.Step> resumed = new ArrayList<>(new Trainer(null).train(b, optB, dataB, OPTIONS, null, 0, 4, null).steps());
        TrainingState.save(dir, b, optB, 4, dataB.rngState(), Map.of("digits", "2"));

        // 3. fresh objects from the files, the remaining six steps
        Transformer c = Checkpoint.load(dir);
        AdamW optC = AdamW.deepseek(c.params());
        TrainingState.Saved st = TrainingState.load(dir, optC, c.params());
        assertThat(st.step()).isEqualTo(4);
        assertThat(st.settings()).containsEntry("digits", "2");
        TaskData dataC = data().restore(st.dataRngState());
        resumed.addAll(new Trainer(null).train(c, optC, dataC, OPTIONS, null, st.step(), OPTIONS.steps(), null).steps());

        assertThat(resumed).hasSameSizeAs(straight);
        for (int i = 0; i < straight.size(); i++) {
            assertThat(Double.doubleToRawLongBits(resumed.get(i).loss())).as("loss of step %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(straight.get(i).loss()));
        }
        for (Param p : a.params()) {
            assertThat(c.paramsByName().get(p.name).data).as(p.name).containsExactly(p.data);
        }
    }

    @Test
    void withoutTheDataStateTheRunDiverges(@TempDir Path dir) throws Exception {
        // the same as above but the sampler restarts from its seed: the test above can fail
        Transformer b = new Transformer(ModelConfig.tiny().dense(), 2);
        AdamW optB = AdamW.deepseek(b.params());
        new Trainer(null).train(b, optB, data(), OPTIONS, null, 0, 4, null);
        List<Trainer.Step> wrong = new Trainer(null).train(b, optB, data(), OPTIONS, null, 4, 10, null).steps();
        Transformer a = new Transformer(ModelConfig.tiny().dense(), 2);
        List<Trainer.Step> straight = new Trainer(null).train(a, AdamW.deepseek(a.params()), data(), OPTIONS, null).steps();
        assertThat(wrong.get(0).loss()).isNotEqualTo(straight.get(4).loss());
    }

    @Test
    void aCheckpointMixingTwoSavesIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 2);
        AdamW opt = AdamW.deepseek(m.params());
        TaskData d = data();
        Trainer t = new Trainer(null);
        t.train(m, opt, d, OPTIONS, null, 0, 4, null);
        TrainingState.save(dir.resolve("four"), m, opt, 4, d.rngState(), Map.of());
        t.train(m, opt, d, OPTIONS, null, 4, 5, null);
        TrainingState.save(dir.resolve("five"), m, opt, 5, d.rngState(), Map.of());
        // the weights of step 5 beside the optimizer and trainer state of step 4
        java.nio.file.Files.copy(dir.resolve("five/model.safetensors"), dir.resolve("four/model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainingState.readState(dir.resolve("four")))
                .hasMessageContaining("model.safetensors: does not match manifest.json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Checkpoint.load(dir.resolve("four")))
                .hasMessageContaining("model.safetensors: does not match manifest.json");
        // without the manifest (a checkpoint of an older tinyseek) the steps the files record still disagree
        java.nio.file.Files.delete(dir.resolve("four/manifest.json"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainingState.readState(dir.resolve("four")))
                .hasMessageContaining("model.safetensors: is of step 5 but trainer_state.json is of step 4")
                .hasMessageContaining("mixes files of two saves");
        java.nio.file.Files.copy(dir.resolve("five/optimizer.safetensors"), dir.resolve("four/optimizer.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainingState.readState(dir.resolve("four")))
                .hasMessageContaining("optimizer.safetensors: is of step 5 but trainer_state.json is of step 4");
    }

    @Test
    void theStateRecordsBackendAndPrecisionAndAnotherOneIsRefused(@TempDir Path dir) throws Exception {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 2);
        AdamW opt = AdamW.deepseek(m.params());
        TrainingState.save(dir, m, opt, 0, 1, Map.of());
        TrainingState.Saved st = TrainingState.readState(dir);
        assertThat(st.backend()).isEqualTo(dev.tinyseek.backend.Backends.gemm().name());
        assertThat(st.precision()).isEqualTo("fp32");
        TrainingState.requireSameSetup(st, m, dir); // the same: no complaint
        TrainingState.Saved other = new TrainingState.Saved(0, 1, "blas-or-other", "fp32", Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainingState.requireSameSetup(other, m, dir))
                .hasMessageContaining("trained on the 'blas-or-other' backend").hasMessageContaining("--allow-backend-change");
        m.setPrecision(dev.tinyseek.nn.Precision.FP8, dev.tinyseek.nn.Fp8Recipe.deepseek(32));
        assertThat(TrainingState.precision(m)).startsWith("fp8 tile 32");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainingState.requireSameSetup(st, m, dir))
                .hasMessageContaining("trained in precision 'fp32' but the model now runs in 'fp8 tile 32");
    }
}
