package dev.tinyseek.chart;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Small PNG charts with the JDK alone (`java.awt` in headless mode, `javax.imageio`), readable
/// without the printed table: a line chart of one or more series (loss curves, rewards) with
/// labelled axes, ticks and grid lines on round values and a legend above the plot, where it
/// covers no data; and a heatmap ([Heatmap]: routing, expert load) with named rows and columns
/// and a colour scale.
///
/// Text needs fonts; on a machine without any, the charts are drawn without their labels
/// rather than failing.
public final class Plot {

    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};
    static final int W = 800, H = 480;
    static final Color GRID = new Color(0xe6e6e6), AXIS = new Color(0x555555), TEXT = new Color(0x222222);
    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12), TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    /// Margins of the line chart around its plot area (the legend goes in the top margin).
    static final int LEFT = 78, RIGHT = 24, BOTTOM = 52, TITLE_BAND = 34, LEGEND_ROW = 18;

    private Plot() {
    }

    /// A named series of (x, y) points.
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("plot: series " + name + " has " + x.length + " x values but " + y.length + " y values");
            }
        }
    }

    /// The plot area of a chart, in pixels: `x, y` its top-left corner.
    record Area(int x, int y, int w, int h) {
        boolean contains(int px, int py) {
            return px >= x && px <= x + w && py >= y && py <= y + h;
        }
    }

    /// Writes a line chart of `series` to `file` (PNG, written atomically): ticks on round values
    /// on both axes, `xLabel` under the x axis, `yLabel` along the y axis, a legend row above the plot.
    public static void lines(Path file, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = x0, y1 = x1;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.y[i]) && Double.isFinite(s.x[i])) {
                    x0 = Math.min(x0, s.x[i]);
                    x1 = Math.max(x1, s.x[i]);
                    y0 = Math.min(y0, s.y[i]);
                    y1 = Math.max(y1, s.y[i]);
                }
            }
        }
        if (x0 > x1) { // no finite point: an empty frame
            x0 = 0;
            x1 = 1;
            y0 = 0;
            y1 = 1;
        }
        Ticks xt = Ticks.covering(x0, x1, 8), yt = Ticks.covering(y0, y1, 6);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        List<List<Integer>> rows = legendRows(g, series);
        Area a = lineArea(rows.size());
        double xa = xt.first(), xb = xt.last(), ya = yt.first(), yb = yt.last();

        // 1. grid lines and ticks on round values, then the frame
        g.setStroke(new BasicStroke(1f));
        for (double v : yt.values()) {
            int py = a.y + a.h - (int) Math.round((v - ya) / (yb - ya) * a.h);
            g.setColor(GRID);
            g.drawLine(a.x + 1, py, a.x + a.w - 1, py);
            g.setColor(AXIS);
            g.drawLine(a.x - 5, py, a.x, py);
            text(g, yt.label(v), a.x - 8, py + 4, Align.RIGHT);
        }
        for (double v : xt.values()) {
            int px = a.x + (int) Math.round((v - xa) / (xb - xa) * a.w);
            g.setColor(GRID);
            g.drawLine(px, a.y + 1, px, a.y + a.h - 1);
            g.setColor(AXIS);
            g.drawLine(px, a.y + a.h, px, a.y + a.h + 5);
            text(g, xt.label(v), px, a.y + a.h + 19, Align.CENTER);
        }
        g.setColor(AXIS);
        g.drawRect(a.x, a.y, a.w, a.h);
        title(g, title);
        text(g, xLabel, a.x + a.w / 2, H - 10, Align.CENTER);
        verticalText(g, yLabel, 18, a.y + a.h / 2);

        // 2. the series, clipped to the plot area
        g.setClip(a.x, a.y, a.w + 1, a.h + 1);
        g.setStroke(new BasicStroke(1.6f));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            int prevX = -1, prevY = -1;
            for (int i = 0; i < s.x.length; i++) {
                if (!Double.isFinite(s.y[i]) || !Double.isFinite(s.x[i])) {
                    prevX = -1; // a gap, not a line across it
                    continue;
                }
                int px = a.x + (int) Math.round((s.x[i] - xa) / (xb - xa) * a.w);
                int py = a.y + a.h - (int) Math.round((s.y[i] - ya) / (yb - ya) * a.h);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                } else if (i + 1 == s.x.length || !Double.isFinite(s.y[i + 1])) {
                    g.fillOval(px - 2, py - 2, 5, 5); // a lone point
                }
                prevX = px;
                prevY = py;
            }
        }
        g.setClip(null);

        // 3. the legend, above the plot area
        for (int r = 0; r < rows.size(); r++) {
            int lx = a.x, ly = TITLE_BAND + LEGEND_ROW * r + 12;
            for (int k : rows.get(r)) {
                g.setColor(PALETTE[k % PALETTE.length]);
                g.fillRect(lx, ly - 5, 18, 3);
                text(g, series.get(k).name, lx + 24, ly, Align.LEFT);
                lx += 24 + width(g, series.get(k).name) + 22;
            }
        }
        g.dispose();
        write(img, file);
    }

    /// The line chart's plot area with `legendRows` rows of legend above it.
    static Area lineArea(int legendRows) {
        int top = TITLE_BAND + LEGEND_ROW * legendRows + 8;
        return new Area(LEFT, top, W - LEFT - RIGHT, H - top - BOTTOM);
    }

    /// The series of each legend row: as many as fit the plot's width, in order.
    private static List<List<Integer>> legendRows(Graphics2D g, List<Series> series) {
        List<List<Integer>> rows = new ArrayList<>();
        int room = W - LEFT - RIGHT, used = room;
        for (int k = 0; k < series.size(); k++) {
            int w = 24 + width(g, series.get(k).name) + 22;
            if (used + w > room) {
                rows.add(new ArrayList<>());
                used = 0;
            }
            rows.get(rows.size() - 1).add(k);
            used += w;
        }
        return rows;
    }

    /// Series from columns of numbers keyed by name (a convenience for loss histories).
    public static List<Series> series(Map<String, double[]> ys, double[] x) {
        Map<String, double[]> m = new LinkedHashMap<>(ys);
        return m.entrySet().stream().map(e -> new Series(e.getKey(), x, e.getValue())).toList();
    }

    // ---- drawing helpers shared with Heatmap ----------------------------------------------------

    enum Align { LEFT, CENTER, RIGHT }

    static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        try {
            g.setFont(FONT);
        } catch (RuntimeException | Error e) {
            // no fonts: the chart goes without its labels
        }
        return g;
    }

    static void title(Graphics2D g, String s) {
        try {
            Font f = g.getFont();
            g.setFont(TITLE);
            text(g, s, W / 2, 22, Align.CENTER);
            g.setFont(f);
        } catch (RuntimeException | Error e) {
            // no fonts
        }
    }

    /// Text with its baseline at `y`, aligned on `x`, in the text colour (the colour is kept).
    static void text(Graphics2D g, String s, int x, int y, Align align) {
        text(g, s, x, y, align, TEXT);
    }

    static void text(Graphics2D g, String s, int x, int y, Align align, Color colour) {
        try {
            Color c = g.getColor();
            int w = align == Align.LEFT ? 0 : g.getFontMetrics().stringWidth(s);
            g.setColor(colour);
            g.drawString(s, align == Align.LEFT ? x : align == Align.CENTER ? x - w / 2 : x - w, y);
            g.setColor(c);
        } catch (RuntimeException | Error e) {
            // no fonts on this machine: the chart goes without its labels
        }
    }

    /// Text read bottom to top, centred on `(x, y)` (a y-axis label).
    static void verticalText(Graphics2D g, String s, int x, int y) {
        try {
            AffineTransform t = g.getTransform();
            g.rotate(-Math.PI / 2, x, y);
            text(g, s, x, y, Align.CENTER);
            g.setTransform(t);
        } catch (RuntimeException | Error e) {
            // no fonts
        }
    }

    /// The width of `s` in pixels (an estimate where there are no fonts).
    static int width(Graphics2D g, String s) {
        try {
            return g.getFontMetrics().stringWidth(s);
        } catch (RuntimeException | Error e) {
            return 7 * s.length();
        }
    }

    static void write(BufferedImage img, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer in this JDK");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
