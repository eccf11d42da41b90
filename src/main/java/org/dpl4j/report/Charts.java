package org.dpl4j.report;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line and bar charts (XChart), rendered off-screen to PNG. Non-finite points are dropped before
 * plotting — epochs without validation log NaN, and XChart either breaks the line or fails on
 * them — and a chart with nothing finite to show is not made at all (callers get null) rather
 * than drawn empty.
 */
final class Charts {
    static final Color TEXT = new Color(0x1f77b4);
    static final Color IMAGE = new Color(0xd6604d);
    static final Color TRAIN = new Color(0x1f77b4);
    static final Color VAL = new Color(0xe8890c);

    static {
        headless();
    }

    private Charts() {}

    /**
     * Charts are drawn on a machine without a display (servers, CI). AWT reads this property once,
     * when its toolkit first loads, so it is set before any chart or font is created; a JVM that
     * already started a display toolkit keeps it, which also works.
     */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** One line of a chart. */
    record Series(String name, double[] x, double[] y, Color color) {}

    /** Colour of a branch's series. */
    static Color branchColor(String branch) {
        return "image".equals(branch) ? IMAGE : TEXT;
    }

    /**
     * A line chart of the series' finite points, or null when no series has any. Markers are
     * drawn for short series so that a single epoch is still visible.
     */
    static Png lines(String title, String xTitle, String yTitle, List<Series> series, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisTickMarkSpacingHint(70);
        int added = 0;
        boolean nonNegativeX = true;
        for (Series s : series) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < Math.min(s.x().length, s.y().length); i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    xs.add(s.x()[i]);
                    ys.add(s.y()[i]);
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            nonNegativeX &= xs.stream().allMatch(v -> v >= 0);
            XYSeries xy = chart.addSeries(s.name(), xs, ys);
            xy.setLineColor(s.color());
            xy.setMarkerColor(s.color());
            xy.setMarker(xs.size() <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            added++;
        }
        if (nonNegativeX) {
            chart.getStyler().setXAxisMin(0.0); // epochs: start the axis at 0 so ticks fall on round numbers
        }
        return added == 0 ? null : render(chart);
    }

    /**
     * Grouped bars of prompt tokens per block, one colour per branch. Branches may have different
     * depths (e.g. ViT-L: 24 image, 12 text blocks): categories run to the deeper one and the
     * shallower branch simply has no bar there.
     */
    static Png configBars(Map<String, List<Integer>> config, int width, int height) {
        List<String> branches = AlphaStats.branches(config);
        int depth = branches.stream().mapToInt(b -> config.get(b).size()).max().orElse(0);
        if (depth == 0) {
            return null;
        }
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title("Prompt tokens per block")
                .xAxisTitle("block").yAxisTitle("tokens").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#");
        chart.getStyler().setOverlapped(false);
        List<String> blocks = new ArrayList<>();
        for (int i = 1; i <= depth; i++) {
            blocks.add(Integer.toString(i));
        }
        int max = branches.stream().flatMap(b -> config.get(b).stream()).mapToInt(Integer::intValue).max().orElse(0);
        chart.getStyler().setYAxisMax(Math.max(1.0, max));
        for (String b : branches) {
            List<Integer> lengths = config.get(b);
            List<Integer> ys = new ArrayList<>();
            for (int i = 0; i < depth; i++) {
                ys.add(i < lengths.size() ? lengths.get(i) : null);
            }
            chart.addSeries(b, blocks, ys).setFillColor(branchColor(b));
        }
        return render(chart);
    }

    private static void style(AxesChartStyler s) {
        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridLinesColor(new Color(0xe3e7eb));
        s.setChartTitleFont(base.deriveFont(Font.BOLD, 13f));
        s.setChartTitleBoxVisible(false);
        s.setLegendFont(base);
        s.setLegendBorderColor(Color.WHITE);
        s.setAxisTitleFont(base);
        s.setAxisTickLabelsFont(base.deriveFont(11f));
        s.setChartPadding(8);
        s.setAntiAlias(true);
        s.setMarkerSize(5);
    }

    private static Png render(Chart<?, ?> chart) {
        return Png.of(BitmapEncoder.getBufferedImage(chart));
    }
}
