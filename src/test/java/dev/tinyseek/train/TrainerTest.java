package dev.tinyseek.train;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tasks.Addition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainerTest {

    static Trainer.History run(long seed, int steps) {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), seed);
        Trainer.Options o = new Trainer.Options(steps, 3e-3, 3e-4, 2, 0.1, 1.0, 0);
        return new Trainer(null).train(m, AdamW.deepseek(m.params()), new TaskData(new Addition(2, true, true), seed, 8, 12), o, null);
    }

    @Test
    void theSameSeedGivesTheSameLossesToTheBit() {
        List<Trainer.Step> a = run(5, 6).steps();
        List<Trainer.Step> b = run(5, 6).steps();
        for (int i = 0; i < a.size(); i++) {
            assertThat(Double.doubleToRawLongBits(b.get(i).loss())).as("step %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(a.get(i).loss()));
        }
        assertThat(run(6, 6).steps().get(5).loss()).isNotEqualTo(a.get(5).loss());
    }

    @Test
    void lossGoesDownOnAFixedBatch() {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 1);
        Batch batch = new TaskData(new Addition(3, true, true), 1, 8, 16).get();
        Trainer.Options o = new Trainer.Options(60, 3e-3, 3e-4, 5, 0.0, 1.0, 0);
        Trainer.History h = new Trainer(null).train(m, AdamW.deepseek(m.params()), () -> batch, o, null);
        assertThat(h.lastLoss()).isLessThan(h.steps().get(0).loss() / 5);
    }

    @Test
    void aNonFiniteWeightStopsTrainingWithItsNameAndTheStep() {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 1);
        Param bad = m.paramsByName().get("model.layers.1.mlp.up_proj.weight");
        bad.data[17] = Float.NaN;
        Trainer.Options o = new Trainer.Options(3, 1e-3, 1e-4, 0, 0.0, 1.0, 0);
        assertThatThrownBy(() -> new Trainer(null).train(m, AdamW.deepseek(m.params()),
                new TaskData(new Addition(2, true, true), 1, 4, 12), o, null))
                .isInstanceOf(Trainer.NonFiniteException.class)
                .hasMessageContaining("step 0").hasMessageContaining("model.layers.1.mlp.up_proj.weight");
    }
}
