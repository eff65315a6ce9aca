package dev.tinyseek.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// Every model shipped in `tiny-models/` loads and still earns the figures its card states, and
/// the card's README is the rendering of its `card.json`. A card that is edited by hand, or
/// weights that change, fail here.
public class TinyModelsTest {

    public static final Path ROOT = Path.of("tiny-models");

    @Test
    void everyShippedModelMatchesItsCard() throws Exception {
        List<Path> dirs = TinyModels.shipped(ROOT);
        assertThat(dirs).as("shipped models").isNotEmpty();
        for (Path d : dirs) {
            assertThat(ModelCard.check(d)).as(d + ": what its card states and the weights give").isEmpty();
        }
    }

    @Test
    void everyShippedModelHasARecipeThatRemakesIt() throws Exception {
        for (Path d : TinyModels.shipped(ROOT)) {
            ModelCard card = ModelCard.read(d);
            TinyModels.Recipe r = TinyModels.recipe(card.name());
            assertThat(card.commands()).as(d + ": the card records the recipe's commands").isEqualTo(r.commands());
        }
    }

    @Test
    void aCardThatClaimsMoreThanItsWeightsIsCaught(@TempDir Path tmp) throws Exception {
        Path src = TinyModels.shipped(ROOT).get(0);
        Path copy = tmp.resolve(src.getFileName());
        Files.createDirectories(copy);
        try (var s = Files.list(src)) {
            for (Path f : s.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        ModelCard card = ModelCard.read(copy);
        ModelCard.Eval e = card.eval();
        ModelCard.Golden g = card.golden().get(0);
        ModelCard lying = new ModelCard(card.name(), card.title(), card.description(), card.commands(), card.seconds(),
                card.machine(), new ModelCard.Eval(e.digits(), e.reversed(), e.problems(), e.seed(), e.maxAnswer(), e.right() - 1),
                List.of(new ModelCard.Golden(g.prompt(), g.answer() + "9")), card.notes(), card.figures());
        lying.write(copy);
        assertThat(ModelCard.check(copy)).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("held-out").contains("the weights give " + e.right()))
                .anySatisfy(w -> assertThat(w).contains(g.prompt()));

        Files.writeString(copy.resolve(ModelCard.README), card.render() + "edited by hand\n");
        assertThat(ModelCard.check(copy)).anySatisfy(w -> assertThat(w).contains("not the rendering of card.json"));
    }
}
