package dev.tinyseek.train;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Addition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The λ schedule of the MTP loss: its text form, its value by step, and that the trainer uses it.
class MtpWeightTest {

    @Test
    void parsesAConstantAndATwoPhaseSchedule() {
        MtpWeight c = MtpWeight.parse("0.3");
        assertThat(c.at(0, 100)).isEqualTo(0.3);
        assertThat(c.at(99, 100)).isEqualTo(0.3);
        MtpWeight s = MtpWeight.parse("0.3:0.1@0.7");
        assertThat(s.at(0, 100)).isEqualTo(0.3);
        assertThat(s.at(69, 100)).isEqualTo(0.3);
        assertThat(s.at(70, 100)).isEqualTo(0.1);
        assertThat(s.at(99, 100)).isEqualTo(0.1);
        assertThat(MtpWeight.parse(s.toString())).isEqualTo(s);
        assertThat(MtpWeight.parse(c.toString())).isEqualTo(c);
        assertThat(MtpWeight.parse("1:0@0").at(0, 10)).isEqualTo(0.0);
        // DeepSeek-V3: 10T of 14.8T tokens at 0.3
        assertThat(MtpWeight.DEEPSEEK_V3.at(675, 1000)).isEqualTo(0.3);
        assertThat(MtpWeight.DEEPSEEK_V3.at(676, 1000)).isEqualTo(0.1);
    }

    @Test
    void badTextNamesTheValidForm() {
        for (String bad : new String[] {"", "abc", "0.3:0.1", "0.3:x@0.5", "0.3:0.1@"}) {
            assertThatThrownBy(() -> MtpWeight.parse(bad)).as(bad).hasMessageContaining("FIRST:LATER@FRACTION");
        }
        assertThatThrownBy(() -> MtpWeight.parse("-1")).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> MtpWeight.parse("0.3:0.1@1.5")).hasMessageContaining("[0, 1]");
    }

    /// With `0.3:0@0.5` the first half of a run is the constant-0.3 run to the bit, and the
    /// second half is not (λ = 0 there, so the module no longer pulls on the shared weights).
    @Test
    void theTrainerFollowsTheSchedule() {
        var task = new Addition(1, true, true);
        var o = new Trainer.Options(8, 3e-3, 3e-4, 1, 0.0, 1.0, 0);
        double[][] loss = new double[2][];
        for (int q = 0; q < 2; q++) {
            Transformer m = new Transformer(ModelConfig.tiny().dense().withMtpDepth(1), 3);
            Trainer t = new Trainer(null);
            t = q == 0 ? t.mtpWeight(0.3) : t.mtpWeight(MtpWeight.parse("0.3:0@0.5"));
            loss[q] = t.train(m, AdamW.deepseek(m.params()), new TaskData(task, 1, 4, 6), o, null)
                    .steps().stream().mapToDouble(Trainer.Step::loss).toArray();
        }
        for (int s = 0; s <= 4; s++) { // steps 0-3 use λ = 0.3; step 4's loss is computed before its own update
            assertThat(loss[1][s]).as("step %d", s).isEqualTo(loss[0][s]);
        }
        assertThat(loss[1][7]).isNotEqualTo(loss[0][7]);
    }

    /// Training with an MTP module: both losses fall on a fixed batch, and the module's gradient
    /// reaches the shared embedding and head (the main model's losses differ from λ = 0).
    @Test
    void trainingWithMtpLowersBothLosses() {
        var batch = new TaskData(new Addition(2, true, true), 3, 8, 9).get();
        var o = new Trainer.Options(40, 3e-3, 3e-4, 4, 0.0, 1.0, 0);
        double[] last = new double[2];
        for (int q = 0; q < 2; q++) {
            Transformer m = new Transformer(ModelConfig.tiny().withMtpDepth(1), 4);
            var h = new Trainer(null).mtpWeight(q == 0 ? 0.3 : 0.0).train(m, AdamW.deepseek(m.params()), () -> batch, o, null);
            assertThat(h.steps().get(0).mtpLoss()).isGreaterThan(0);
            if (q == 0) {
                assertThat(h.lastLoss()).isLessThan(h.steps().get(0).loss() / 3);
                assertThat(h.steps().get(39).mtpLoss()).isLessThan(h.steps().get(0).mtpLoss() / 2);
            }
            last[q] = h.steps().get(39).loss();
        }
        assertThat(last[0]).isNotEqualTo(last[1]);
    }
}
