package dev.tinyseek.cli;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Small PNG charts with the JDK alone (`java.awt` in headless mode, `javax.imageio`): a line
/// chart of one or more series (loss curves) and a heatmap (expert load over training).
///
/// Text needs fonts; on a machine without any, the charts are drawn without their labels
/// rather than failing.
public final class Plot {

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};
    private static final int W = 720, H = 440, LEFT = 70, RIGHT = 20, TOP = 40, BOTTOM = 50;

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

    /// Writes a line chart of `series` to `file` (PNG, written atomically).
    public static void lines(Path file, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = x0, y1 = x1;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.y[i])) {
                    x0 = Math.min(x0, s.x[i]);
                    x1 = Math.max(x1, s.x[i]);
                    y0 = Math.min(y0, s.y[i]);
                    y1 = Math.max(y1, s.y[i]);
                }
            }
        }
        if (!(x1 > x0)) {
            x1 = x0 + 1;
        }
        if (!(y1 > y0)) {
            y1 = y0 + 1;
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        // axes and ticks
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, pw, ph);
        for (int i = 0; i <= 4; i++) {
            int px = LEFT + pw * i / 4, py = TOP + ph - ph * i / 4;
            g.drawLine(px, TOP + ph, px, TOP + ph + 4);
            g.drawLine(LEFT - 4, py, LEFT, py);
            text(g, fmt(x0 + (x1 - x0) * i / 4), px - 15, TOP + ph + 18);
            text(g, fmt(y0 + (y1 - y0) * i / 4), 5, py + 4);
        }
        text(g, title, LEFT, 22);
        text(g, xLabel, LEFT + pw / 2 - 20, H - 12);
        text(g, yLabel, 5, TOP - 8);
        // series
        g.setStroke(new BasicStroke(1.6f));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            int prevX = -1, prevY = -1;
            for (int i = 0; i < s.x.length; i++) {
                if (!Double.isFinite(s.y[i])) {
                    continue;
                }
                int px = LEFT + (int) Math.round((s.x[i] - x0) / (x1 - x0) * pw);
                int py = TOP + ph - (int) Math.round((s.y[i] - y0) / (y1 - y0) * ph);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                prevX = px;
                prevY = py;
            }
            int width = 7 * s.name.length();
            try {
                width = g.getFontMetrics().stringWidth(s.name);
            } catch (RuntimeException | Error e) {
                // no fonts: estimate
            }
            int lx = LEFT + pw - width - 28;
            g.fillRect(lx, TOP + 10 + 16 * k, 12, 3);
            text(g, s.name, lx + 18, TOP + 15 + 16 * k);
        }
        g.dispose();
        write(img, file);
    }

    /// Writes a heatmap of `values[row][col]` (e.g. rows = experts, columns = training steps):
    /// white for 0, dark blue for the largest value.
    public static void heatmap(Path file, String title, String rowLabel, String colLabel, double[][] values) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int rows = values.length, cols = rows == 0 ? 0 : values[0].length;
        double max = 0;
        for (double[] r : values) {
            for (double v : r) {
                max = Math.max(max, v);
            }
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double t = max == 0 ? 0 : values[r][c] / max;
                g.setColor(new Color((int) (255 - 225 * t), (int) (255 - 205 * t), (int) (255 - 105 * t)));
                int xa = LEFT + pw * c / cols, xb = LEFT + pw * (c + 1) / cols;
                int ya = TOP + ph * r / rows, yb = TOP + ph * (r + 1) / rows;
                g.fillRect(xa, ya, Math.max(1, xb - xa), Math.max(1, yb - ya));
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, pw, ph);
        text(g, title + "  (darkest = " + fmt(max) + ")", LEFT, 22);
        text(g, colLabel, LEFT + pw / 2 - 20, H - 12);
        text(g, rowLabel, 5, TOP - 8);
        text(g, "0", LEFT - 14, TOP + 12);
        text(g, String.valueOf(rows - 1), LEFT - 24, TOP + ph - 2);
        g.dispose();
        write(img, file);
    }

    /// Series from columns of numbers keyed by name (a convenience for loss histories).
    public static List<Series> series(Map<String, double[]> ys, double[] x) {
        Map<String, double[]> m = new LinkedHashMap<>(ys);
        return m.entrySet().stream().map(e -> new Series(e.getKey(), x, e.getValue())).toList();
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static void text(Graphics2D g, String s, int x, int y) {
        try {
            Color c = g.getColor();
            g.setColor(Color.DARK_GRAY);
            g.drawString(s, x, y);
            g.setColor(c);
        } catch (RuntimeException | Error e) {
            // no fonts on this machine: the chart goes without its labels
        }
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format("%.1e", v);
        }
        return a >= 100 ? String.format("%.0f", v) : String.format("%.3g", v);
    }

    private static void write(BufferedImage img, Path file) throws IOException {
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
