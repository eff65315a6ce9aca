package dev.tinyseek.chart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The charts: curves drawn, legends off the data, ticks on round values, heatmaps shaded by value.
class PlotTest {

    @Test
    void lineChartIsAPngWithTheCurveDrawn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("loss.png");
        Plot.lines(f, "t", "step", "loss", List.of(new Plot.Series("a", new double[] {0, 1, 2}, new double[] {3, 2, 1})));
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(Plot.W);
        assertThat(count(img, 0x1f77b4, Plot.lineArea(1))).as("pixels of the first series' colour in the plot").isPositive();
        assertThatThrownBy(() -> new Plot.Series("b", new double[2], new double[3])).hasMessageContaining("series b");
    }

    @Test
    void theLegendCoversNoData(@TempDir Path dir) throws Exception {
        // a curve across the whole plot, top right included, where a legend inside the plot would sit
        double[] x = new double[101], y = new double[101];
        for (int i = 0; i <= 100; i++) {
            x[i] = i;
            y[i] = i % 2 == 0 ? 1 : 0;
        }
        Path shortName = dir.resolve("a.png"), longName = dir.resolve("b.png");
        Plot.lines(shortName, "t", "step", "y", List.of(new Plot.Series("r", x, y)));
        Plot.lines(longName, "t", "step", "y", List.of(new Plot.Series("a much longer name of the same series", x, y)));
        BufferedImage a = ImageIO.read(shortName.toFile()), b = ImageIO.read(longName.toFile());
        Plot.Area area = Plot.lineArea(1);
        int legendPixels = 0;
        for (int px = 0; px < Plot.W; px++) {
            for (int py = 0; py < Plot.H; py++) {
                boolean same = a.getRGB(px, py) == b.getRGB(px, py);
                if (area.contains(px, py)) {
                    assertThat(same).as("plot pixel (%d, %d) depends on the legend's text", px, py).isTrue();
                } else {
                    legendPixels += same ? 0 : 1;
                }
            }
        }
        assertThat(legendPixels).as("the legend's text is drawn, outside the plot").isPositive();
    }

    @Test
    void ticksFallOnRoundValuesAndCoverTheRange() {
        SplittableRandom r = new SplittableRandom(23);
        for (int trial = 0; trial < 2000; trial++) {
            double scale = Math.pow(10, r.nextInt(-6, 7));
            double lo = (r.nextDouble() * 2 - 1) * scale, hi = lo + r.nextDouble() * scale * r.nextInt(1, 50);
            int target = r.nextInt(3, 10);
            Ticks t = Ticks.covering(lo, hi, target);
            String seen = "trial " + trial + ": [" + lo + ", " + hi + "], target " + target + " -> " + t;
            // the step: 1, 2 or 5 times a power of ten, the smallest such giving at most `target` intervals
            double mag = Math.pow(10, Math.floor(Math.log10(t.step()) + 1e-9)), m = t.step() / mag;
            assertThat(Math.abs(m - 1) < 1e-9 || Math.abs(m - 2) < 1e-9 || Math.abs(m - 5) < 1e-9).as(seen).isTrue();
            assertThat((hi - lo) / t.step()).as(seen).isLessThanOrEqualTo(target + 1e-6);
            double smaller = Math.abs(m - 1) < 1e-9 ? mag / 2 : Math.abs(m - 2) < 1e-9 ? mag : 2 * mag;
            if (hi > lo) {
                assertThat((hi - lo) / smaller).as(seen).isGreaterThan(target - 1e-6);
            }
            // the ticks: multiples of the step, first <= lo, last >= hi, each shown with the decimals its step needs
            double[] v = t.values();
            assertThat(v[0]).as(seen).isLessThanOrEqualTo(lo + 1e-9 * scale);
            assertThat(v[v.length - 1]).as(seen).isGreaterThanOrEqualTo(hi - 1e-9 * scale);
            for (double tick : v) {
                double k = tick / t.step();
                assertThat(Math.abs(k - Math.rint(k))).as(seen + " tick " + tick).isLessThan(1e-6);
                assertThat(Double.parseDouble(t.label(tick))).as(seen + " label of " + tick)
                        .isCloseTo(tick, org.assertj.core.data.Offset.offset(t.step() * 1e-6));
            }
        }
        // GRPO's rewards and accuracies, 0.17 .. 0.81: ticks 0, 0.2, ..., 1 rather than 0.170, 0.330, ...
        Ticks grpo = Ticks.covering(0.17, 0.81, 6);
        assertThat(grpo.values()).containsExactly(0, 0.2, 0.4, 0.6, 0.8, 1);
        assertThat(grpo.label(0.4)).isEqualTo("0.4");
        assertThat(Ticks.covering(1, 2000, 8).values()).containsExactly(0, 500, 1000, 1500, 2000);
        assertThat(Ticks.inside(0, 1.84, 5).values()).containsExactly(0, 0.5, 1, 1.5);
    }

    @Test
    void heatmapShadesTheLargestValueDarkestAndNamesItsRows(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("load.png");
        Heatmap.write(f, "load", Heatmap.Axis.named("token", List.of("'a'", "'b'")), Heatmap.Axis.numbered("expert", 2),
                new double[][] {{0, 1}, {4, 2}}, "tokens");
        BufferedImage img = ImageIO.read(f.toFile());
        Plot.Area a = Heatmap.area();
        int light = img.getRGB(a.x() + a.w() / 8, a.y() + a.h() / 8) & 0xFF;          // value 0: white
        int dark = img.getRGB(a.x() + a.w() / 8, a.y() + 7 * a.h() / 8) & 0xFF;       // value 4: darkest
        assertThat(light).isEqualTo(255);
        assertThat(dark).isEqualTo(Heatmap.colour(1).getBlue());
        assertThatThrownBy(() -> Heatmap.write(f, "load", Heatmap.Axis.numbered("token", 3), Heatmap.Axis.numbered("expert", 2),
                new double[][] {{0, 1}, {4, 2}}, "tokens")).hasMessageContaining("3 names for 2 rows");
        assertThatThrownBy(() -> Heatmap.Axis.range("step", 5, 5)).hasMessageContaining("is empty");
    }

    private static int count(BufferedImage img, int rgb, Plot.Area area) {
        int n = 0;
        for (int x = area.x(); x <= area.x() + area.w(); x++) {
            for (int y = area.y(); y <= area.y() + area.h(); y++) {
                n += (img.getRGB(x, y) & 0xFFFFFF) == rgb ? 1 : 0;
            }
        }
        return n;
    }
}
