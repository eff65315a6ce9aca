package dev.tinyseek.rl;

import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// The shipped R1 models still earn the held-out figures their `r1.json` states: the evaluation is
/// deterministic (seeded, thread-count independent), so the figures must come out exactly.
class R1ModelsTest {

    @ParameterizedTest
    @ValueSource(strings = {"r1-base", "r1-zero", "r1-student-base", "r1-distilled"})
    void shippedModelEarnsItsCard(String name) throws Exception {
        Path dir = Path.of("tiny-models", name);
        @SuppressWarnings("unchecked")
        Map<String, Object> card = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("r1.json")));
        Transformer m = Checkpoint.load(dir);
        int problems = ((Number) card.get("heldout_problems")).intValue(), k = ((Number) card.get("k")).intValue();
        List<Problem> held = R1Template.TASK.heldOut(problems, ((Number) card.get("heldout_seed")).longValue());
        R1Eval.Metrics e = R1Eval.evaluate(m, R1Template.TASK, held, k, ((Number) card.get("max_new")).intValue(),
                ((Number) card.get("eval_seed")).longValue());
        assertThat(e.pass1()).as(name + " pass@1").isEqualTo(((Number) card.get("pass1")).doubleValue());
        assertThat(e.greedy()).as(name + " greedy").isEqualTo(((Number) card.get("greedy")).doubleValue());
        assertThat(e.consK()).as(name + " cons@k").isEqualTo(((Number) card.get("cons_k")).doubleValue());
        assertThat(e.meanTokens()).as(name + " mean tokens").isEqualTo(((Number) card.get("mean_tokens")).doubleValue());
        assertThat(e.thinkShare()).as(name + " think share").isEqualTo(((Number) card.get("think_share")).doubleValue());
    }
}
