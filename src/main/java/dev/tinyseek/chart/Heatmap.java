package dev.tinyseek.chart;

import dev.tinyseek.chart.Plot.Align;
import dev.tinyseek.chart.Plot.Area;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/// A heatmap PNG of `values[row][col]` that reads without the printed table: each row and column
/// named (a token's character, an expert's number) or a numeric axis with ticks on round values
/// (training steps), white for 0 and dark blue for the largest value, a colour scale with its
/// ticks beside it, and the value written in each cell where the cells are large enough.
public final class Heatmap {

    /// Margins around the cells: row names on the left, the colour scale on the right.
    static final int LEFT = 78, RIGHT = 118, TOP = 44, BOTTOM = 52, BAR = 16;

    private Heatmap() {
    }

    /// An axis of the heatmap: either one name per row (column), or a numeric range that the rows
    /// (columns) divide evenly, `from` at the first edge and `to` at the last, ticked on round values.
    public record Axis(String label, List<String> names, double from, double to) {

        /// One name per row or column, e.g. the tokens of a prompt or the experts' numbers.
        public static Axis named(String label, List<String> names) {
            return new Axis(label, List.copyOf(names), 0, names.size());
        }

        /// The numbers `0 .. n-1`, one per row or column (e.g. experts).
        public static Axis numbered(String label, int n) {
            return named(label, java.util.stream.IntStream.range(0, n).mapToObj(String::valueOf).toList());
        }

        /// A continuous range: `from` at the first edge, `to` at the last (e.g. steps 0 .. 2000).
        public static Axis range(String label, double from, double to) {
            if (!(to > from)) {
                throw new IllegalArgumentException("heatmap axis " + label + ": range [" + from + ", " + to + "] is empty");
            }
            return new Axis(label, null, from, to);
        }

        boolean isNamed() {
            return names != null;
        }
    }

    /// The colour of `t` in [0, 1]: white at 0, dark blue at 1.
    static Color colour(double t) {
        t = Math.max(0, Math.min(1, t));
        return new Color((int) Math.round(255 - 225 * t), (int) Math.round(255 - 205 * t), (int) Math.round(255 - 105 * t));
    }

    /// The cells' area.
    static Area area() {
        return new Area(LEFT, TOP, Plot.W - LEFT - RIGHT, Plot.H - TOP - BOTTOM);
    }

    /// Writes the heatmap to `file` (PNG, written atomically); `valueLabel` names what the colour shows.
    public static void write(Path file, String title, Axis rows, Axis cols, double[][] values, String valueLabel) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int nr = values.length, nc = nr == 0 ? 0 : values[0].length;
        for (double[] r : values) {
            if (r.length != nc) {
                throw new IllegalArgumentException("heatmap " + title + ": rows of " + nc + " and " + r.length + " values; give a rectangle");
            }
        }
        check(rows, nr, "rows");
        check(cols, nc, "columns");
        double max = 0;
        for (double[] r : values) {
            for (double v : r) {
                max = Double.isFinite(v) ? Math.max(max, v) : max;
            }
        }
        BufferedImage img = new BufferedImage(Plot.W, Plot.H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Plot.canvas(img);
        Area a = area();

        // 1. the cells, with their values written in where there is room
        boolean writeValues = nr > 0 && nc > 0 && a.w() / nc >= 34 && a.h() / nr >= 16;
        for (int r = 0; r < nr; r++) {
            for (int c = 0; c < nc; c++) {
                double t = max == 0 ? 0 : values[r][c] / max;
                int xa = a.x() + a.w() * c / nc, xb = a.x() + a.w() * (c + 1) / nc;
                int ya = a.y() + a.h() * r / nr, yb = a.y() + a.h() * (r + 1) / nr;
                g.setColor(colour(t));
                g.fillRect(xa, ya, Math.max(1, xb - xa), Math.max(1, yb - ya));
                if (writeValues && values[r][c] != 0) {
                    Plot.text(g, String.format(Locale.ROOT, "%.2f", values[r][c]), (xa + xb) / 2, (ya + yb) / 2 + 4, Align.CENTER,
                            t > 0.55 ? Color.WHITE : Plot.TEXT);
                }
            }
        }
        g.setColor(Plot.AXIS);
        g.drawRect(a.x(), a.y(), a.w(), a.h());

        // 2. the axes: names under each column and beside each row, or ticks on round values
        if (cols.isNamed()) {
            int every = every(a.w(), nc, maxWidth(g, cols.names()) + 8);
            for (int c = 0; c < nc; c += every) {
                int px = a.x() + (int) Math.round(a.w() * (c + 0.5) / nc);
                g.setColor(Plot.AXIS);
                g.drawLine(px, a.y() + a.h(), px, a.y() + a.h() + 4);
                Plot.text(g, cols.names().get(c), px, a.y() + a.h() + 18, Align.CENTER);
            }
        } else {
            Ticks t = Ticks.inside(cols.from(), cols.to(), 8);
            for (double v : t.values()) {
                int px = a.x() + (int) Math.round((v - cols.from()) / (cols.to() - cols.from()) * a.w());
                g.setColor(Plot.AXIS);
                g.drawLine(px, a.y() + a.h(), px, a.y() + a.h() + 5);
                Plot.text(g, t.label(v), px, a.y() + a.h() + 19, Align.CENTER);
            }
        }
        if (rows.isNamed()) {
            int every = every(a.h(), nr, 14);
            for (int r = 0; r < nr; r += every) {
                int py = a.y() + (int) Math.round(a.h() * (r + 0.5) / nr);
                g.setColor(Plot.AXIS);
                g.drawLine(a.x() - 4, py, a.x(), py);
                Plot.text(g, rows.names().get(r), a.x() - 8, py + 4, Align.RIGHT);
            }
        } else {
            Ticks t = Ticks.inside(rows.from(), rows.to(), 6);
            for (double v : t.values()) {
                int py = a.y() + (int) Math.round((v - rows.from()) / (rows.to() - rows.from()) * a.h());
                g.setColor(Plot.AXIS);
                g.drawLine(a.x() - 5, py, a.x(), py);
                Plot.text(g, t.label(v), a.x() - 8, py + 4, Align.RIGHT);
            }
        }
        Plot.title(g, title);
        Plot.text(g, cols.label(), a.x() + a.w() / 2, Plot.H - 10, Align.CENTER);
        Plot.verticalText(g, rows.label(), 18, a.y() + a.h() / 2);

        // 3. the colour scale: 0 at the bottom, the largest value at the top, ticks on round values
        int bx = a.x() + a.w() + 18;
        for (int py = 0; py <= a.h(); py++) {
            g.setColor(colour(1 - (double) py / a.h()));
            g.drawLine(bx, a.y() + py, bx + BAR, a.y() + py);
        }
        g.setColor(Plot.AXIS);
        g.drawRect(bx, a.y(), BAR, a.h());
        if (max > 0) {
            Ticks t = Ticks.inside(0, max, 5);
            for (double v : t.values()) {
                int py = a.y() + a.h() - (int) Math.round(v / max * a.h());
                g.drawLine(bx + BAR, py, bx + BAR + 4, py);
                Plot.text(g, t.label(v), bx + BAR + 7, py + 4, Align.LEFT);
            }
        }
        Plot.verticalText(g, valueLabel, Plot.W - 14, a.y() + a.h() / 2);
        g.dispose();
        Plot.write(img, file);
    }

    private static void check(Axis axis, int n, String what) {
        if (axis.isNamed() && axis.names().size() != n) {
            throw new IllegalArgumentException("heatmap axis " + axis.label() + ": " + axis.names().size() + " names for " + n
                    + " " + what + "; give one name each");
        }
    }

    /// Label every `k`-th of `n` bands over `length` pixels so that labels `need` pixels apart fit.
    static int every(int length, int n, int need) {
        if (n == 0) {
            return 1;
        }
        double band = (double) length / n;
        return Math.max(1, (int) Math.ceil(need / band));
    }

    private static int maxWidth(Graphics2D g, List<String> names) {
        int w = 0;
        for (String s : names) {
            w = Math.max(w, Plot.width(g, s));
        }
        return w;
    }
}
