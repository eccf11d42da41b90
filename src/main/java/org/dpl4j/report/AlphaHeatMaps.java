package org.dpl4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.dpl4j.report.RunData.AlphaSnapshot;

/**
 * Alpha heat maps drawn with Java2D, laid out like the paper's figure (dpl-paper-notes §4.5):
 * rows are blocks 1..L top to bottom, columns the candidate lengths, darker = larger softmax
 * weight, the argmax (the searched length) outlined. Drawn by hand rather than with XChart's
 * {@code HeatMapChart} because the figure needs each cell's weight printed in it (a 0.49/0.48 tie
 * and a 0.95 winner must be told apart at a glance) and a fixed 0..1 colour scale shared by all
 * maps, so that maps of different epochs are comparable.
 */
final class AlphaHeatMaps {
    /** Sequential blue scale (ColorBrewer "Blues"), evenly spaced over weights 0..1. */
    private static final Color[] SCALE = {
        new Color(0xf7fbff), new Color(0xc6dbef), new Color(0x6baed6), new Color(0x2171b5), new Color(0x08306b)
    };
    private static final Color ARGMAX = new Color(0xf08c00);
    private static final Color INK = new Color(0x1d2329);

    static {
        Charts.headless();
    }

    private AlphaHeatMaps() {}

    /** The colour of a weight in [0, 1] (clamped; NaN is drawn grey). */
    static Color color(double w) {
        if (Double.isNaN(w)) {
            return Color.LIGHT_GRAY;
        }
        double t = Math.max(0, Math.min(1, w)) * (SCALE.length - 1);
        int i = Math.min((int) t, SCALE.length - 2);
        double f = t - i;
        Color a = SCALE[i];
        Color b = SCALE[i + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    /** A large map of one branch with the weights printed in the cells and a colour bar. */
    static Png matrix(String title, double[][] w, List<Integer> candidates) {
        int cw = 58;
        int ch = 22;
        int left = 62;
        int top = 52;
        int barGap = 18;
        int barW = 12;
        int width = left + cw * candidates.size() + barGap + barW + 40;
        int height = top + ch * w.length + 36;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(INK);
        g.drawString(title, 8, 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        centered(g, "prompt tokens", left + cw * candidates.size() / 2, 34);
        for (int k = 0; k < candidates.size(); k++) {
            centered(g, Integer.toString(candidates.get(k)), left + k * cw + cw / 2, top - 4);
        }
        for (int l = 0; l < w.length; l++) {
            g.setColor(INK);
            String label = "block " + (l + 1);
            g.drawString(label, left - 6 - g.getFontMetrics().stringWidth(label), top + l * ch + ch / 2 + 4);
        }
        cells(g, w, left, top, cw, ch, true);
        int bx = left + cw * candidates.size() + barGap;
        int bh = ch * w.length;
        for (int y = 0; y < bh; y++) {
            g.setColor(color(1 - y / (double) Math.max(1, bh - 1)));
            g.fillRect(bx, top + y, barW, 1);
        }
        g.setColor(INK);
        g.drawRect(bx, top, barW, bh - 1);
        g.drawString("1", bx + barW + 4, top + 9);
        g.drawString("0", bx + barW + 4, top + bh);
        g.setColor(ARGMAX);
        g.setStroke(new BasicStroke(2f));
        g.drawRect(left, top + bh + 12, 14, 10);
        g.setColor(INK);
        g.drawString("= argmax (searched length)", left + 20, top + bh + 22);
        g.dispose();
        return Png.of(img);
    }

    /**
     * Small multiples: one unannotated map per snapshot, side by side and labelled with its
     * epoch, so the reader sees when each block committed to its length.
     */
    static Png strip(String branch, List<AlphaSnapshot> snapshots) {
        int cw = 20;
        int ch = 12;
        int gap = 24;
        int left = 36;
        int top = 40;
        int options = snapshots.get(0).candidates().size();
        int blocks = snapshots.stream().mapToInt(s -> s.weights().get(branch).length).max().orElse(0);
        int mapW = cw * options;
        int width = left + snapshots.size() * (mapW + gap);
        int height = top + ch * blocks + 14;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(branch + " branch", 8, 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        g.drawString("B1", 8, top + ch - 1);
        g.drawString("B" + blocks, 8, top + ch * blocks - 1);
        for (int i = 0; i < snapshots.size(); i++) {
            AlphaSnapshot s = snapshots.get(i);
            int x = left + i * (mapW + gap);
            g.setColor(INK);
            centered(g, "epoch " + s.epoch(), x + mapW / 2, top - 6);
            cells(g, s.weights().get(branch), x, top, cw, ch, false);
        }
        g.dispose();
        return Png.of(img);
    }

    private static void cells(Graphics2D g, double[][] w, int x0, int y0, int cw, int ch, boolean annotate) {
        Font f = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        g.setFont(f);
        for (int l = 0; l < w.length; l++) {
            for (int k = 0; k < w[l].length; k++) {
                int x = x0 + k * cw;
                int y = y0 + l * ch;
                g.setColor(color(w[l][k]));
                g.fillRect(x, y, cw, ch);
                if (annotate) {
                    g.setColor(w[l][k] > 0.55 ? Color.WHITE : INK);
                    centered(g, String.format(Locale.ROOT, "%.2f", w[l][k]), x + cw / 2, y + ch / 2 + 4);
                }
            }
        }
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1f));
        for (int l = 0; l <= w.length; l++) {
            g.drawLine(x0, y0 + l * ch, x0 + cw * w[0].length, y0 + l * ch);
        }
        for (int k = 0; k <= w[0].length; k++) {
            g.drawLine(x0 + k * cw, y0, x0 + k * cw, y0 + ch * w.length);
        }
        g.setColor(ARGMAX);
        g.setStroke(new BasicStroke(annotate ? 2.5f : 1.5f));
        for (int l = 0; l < w.length; l++) {
            int best = AlphaStats.argmax(w[l]);
            g.drawRect(x0 + best * cw + 1, y0 + l * ch + 1, cw - 2, ch - 2);
        }
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, cx - fm.stringWidth(s) / 2, baseline);
    }
}
