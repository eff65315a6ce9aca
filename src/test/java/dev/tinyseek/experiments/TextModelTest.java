package dev.tinyseek.experiments;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// The shipped text model still gives what its card states: the golden greedy continuations (and,
/// in the slow suite, the bits per byte on the whole held-out split); and a card that claims
/// something else is caught.
class TextModelTest {

    static final Path MODEL = TinyModelsTest.ROOT.resolve("deepseek-v3-shakespeare");

    @Test
    void theGoldenContinuationsAreWhatTheWeightsGive() throws Exception {
        TextModelCard card = TextModelCard.read(MODEL);
        assertThat(card.golden()).hasSize(3);
        assertThat(card.bitsPerByte()).isBetween(1.0, 4.0);
        assertThat(TextModelCard.check(MODEL, false)).isEmpty();
    }

    @Tag("slow")
    @Test
    void theHeldOutBitsPerByteIsWhatTheWeightsGive() throws Exception {
        assertThat(TextModelCard.check(MODEL, true)).isEmpty();
    }

    @Test
    void aCardThatClaimsAnotherContinuationIsCaught(@TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve(MODEL.getFileName());
        Files.createDirectories(copy);
        try (var s = Files.list(MODEL)) {
            for (Path f : s.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        TextModelCard card = TextModelCard.read(copy);
        TextModelCard.Golden g = card.golden().get(0);
        TextModelCard lying = new TextModelCard(card.name(), card.description(), card.commands(), card.seconds(), card.machine(),
                card.seqLen(), card.heldOutLoss(), card.bitsPerByte() - 0.01, card.accuracy(), card.tokens(), card.bytes(),
                card.maxNew(), List.of(new TextModelCard.Golden(g.prompt(), g.continuation() + "!"), card.golden().get(1), card.golden().get(2)));
        lying.write(copy);
        assertThat(TextModelCard.check(copy, false)).singleElement().asString().contains("greedy continuation").contains("!");
        Files.writeString(copy.resolve(TextModelCard.README), lying.render() + "edited by hand\n");
        assertThat(TextModelCard.check(copy, false)).anySatisfy(w -> assertThat(w).contains("not the rendering"));
    }
}
