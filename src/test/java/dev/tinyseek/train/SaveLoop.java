package dev.tinyseek.train;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Addition;

import java.nio.file.Path;
import java.util.Map;

/// The child process of [KillDuringSaveTest]: trains the tiny MoE model one step at a time and
/// saves the whole training checkpoint into `args[0]` after every step, printing `saved N` once
/// a save has returned, until it is killed.
public final class SaveLoop {

    static final Trainer.Options OPTIONS = new Trainer.Options(100_000, 3e-3, 3e-4, 10, 0.1, 1.0, 0);

    static Transformer model() {
        return new Transformer(ModelConfig.tiny(), 5);
    }

    static TaskData data() {
        return new TaskData(new Addition(2, true, true), 11, 4, 9);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Transformer m = model();
        AdamW opt = AdamW.deepseek(m.params());
        TaskData d = data();
        Trainer t = new Trainer(null);
        for (int s = 0; s < OPTIONS.steps(); s++) {
            t.train(m, opt, d, OPTIONS, null, s, s + 1, null);
            TrainingState.save(dir, m, opt, s + 1, d.rngState(), Map.of("seed", "5"));
            System.out.println("saved " + (s + 1));
            System.out.flush();
        }
    }

    private SaveLoop() {
    }
}
