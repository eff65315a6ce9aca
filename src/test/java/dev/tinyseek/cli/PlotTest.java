package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlotTest {

    @Test
    void lineChartIsAPngWithTheCurveDrawn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("loss.png");
        Plot.lines(f, "t", "step", "loss", List.of(new Plot.Series("a", new double[] {0, 1, 2}, new double[] {3, 2, 1})));
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(720);
        // the first series' colour appears on the chart
        boolean found = false;
        for (int x = 0; x < img.getWidth() && !found; x++) {
            for (int y = 0; y < img.getHeight() && !found; y++) {
                found = (img.getRGB(x, y) & 0xFFFFFF) == 0x1f77b4;
            }
        }
        assertThat(found).isTrue();
        assertThatThrownBy(() -> new Plot.Series("b", new double[2], new double[3])).hasMessageContaining("series b");
    }

    @Test
    void heatmapShadesTheLargestValueDarkest(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("load.png");
        Plot.heatmap(f, "load", "expert", "step", new double[][] {{0, 1}, {4, 2}});
        BufferedImage img = ImageIO.read(f.toFile());
        int light = img.getRGB(70 + 630 / 4, 40 + 350 / 4) & 0xFF;        // value 0: white
        int dark = img.getRGB(70 + 630 / 4, 40 + 3 * 350 / 4) & 0xFF;     // value 4: darkest
        assertThat(light).isEqualTo(255);
        assertThat(dark).isLessThan(light);
    }
}
