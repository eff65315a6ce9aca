package dev.tinyseek.train;

import dev.tinyseek.io.Dtype;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.rl.TaskData;
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
}
