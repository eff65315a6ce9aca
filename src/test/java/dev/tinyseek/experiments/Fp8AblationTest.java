package dev.tinyseek.experiments;

import dev.tinyseek.chart.Plot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/// The FP8 ablation called from the library, as from jshell: one part, its curves back as a record.
class Fp8AblationTest {

    @Test
    void theScalingPartReturnsItsCurvesAndTilesBeatOneScalePerTensorUnderOutliers(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Fp8Ablation.Result r = Fp8Ablation.run(Fp8Ablation.Settings.defaults().withParts(Set.of("scaling")).withOut(dir),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(r.cost()).isEmpty();
        assertThat(r.charts()).singleElement().satisfies(c -> {
            assertThat(c.png()).isEqualTo(dir.resolve("scaling.png"));
            assertThat(Files.size(c.png())).isPositive();
            assertThat(c.series()).extracting(Plot.Series::name).containsExactly("per tensor: X", "per tensor: X W^T",
                    "1x128 tiles: X", "1x128 tiles: X W^T", "1x32 tiles: X", "1x32 tiles: X W^T");
            double[] perTensor = c.series().get(0).y(), tiles = c.series().get(2).y(); // log10 relative error by outlier size
            int last = perTensor.length - 1;
            assertThat(tiles[last]).as("1x128 tiles at the largest outlier vs one scale per tensor").isLessThan(perTensor[last]);
            assertThat(perTensor[last]).as("per-tensor error grows with the outliers").isGreaterThan(perTensor[0]);
        });
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("== scaling").contains("wrote " + dir.resolve("scaling.png"));
        assertThat(r.charts().get(0).toString()).startsWith("Chart[" + dir.resolve("scaling.png")).contains("per tensor: X");
    }
}
