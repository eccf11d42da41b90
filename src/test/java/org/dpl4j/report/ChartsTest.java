package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.dpl4j.report.Charts.Series;
import org.junit.jupiter.api.Test;

class ChartsTest {
    private static BufferedImage decode(Png p) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(p.bytes()));
        assertThat(img.getWidth()).isEqualTo(p.width());
        assertThat(img.getHeight()).isEqualTo(p.height());
        return img;
    }

    @Test
    void chartsRunHeadless() {
        Charts.headless();
        assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
    }

    @Test
    void nothingFiniteMeansNoChart() {
        double[] x = {1, 2, 3};
        double[] nan = {Double.NaN, Double.NaN, Double.NaN};
        assertThat(Charts.lines("t", "x", "y", List.of(new Series("val", x, nan, Color.RED)), 300, 200)).isNull();
        assertThat(Charts.lines("t", "x", "y", List.of(), 300, 200)).isNull();
    }

    @Test
    void nanPointsAreSkippedAndSinglePointsStillDrawn() throws IOException {
        double[] x = {1, 2, 3};
        Png p = Charts.lines("t", "epoch", "y", List.of(new Series("train", x, new double[] {Double.NaN, 2, Double.NaN}, Color.RED)), 300, 200);
        assertThat(p).isNotNull();
        BufferedImage img = decode(p);
        assertThat(pixels(img, Color.RED)).as("the single point's marker").isGreaterThan(5);
    }

    @Test
    void configBarsHandleBranchesOfDifferentDepth() throws IOException {
        // ViT-L-like: 24 image blocks, 12 text blocks
        List<Integer> text = java.util.Collections.nCopies(12, 2);
        List<Integer> image = java.util.Collections.nCopies(24, 3);
        BufferedImage img = decode(Charts.configBars(Map.of("text", text, "image", image), 520, 260));
        assertThat(pixels(img, Charts.TEXT)).isGreaterThan(100);
        assertThat(pixels(img, Charts.IMAGE)).isGreaterThan(100);
        assertThat(Charts.configBars(Map.of(), 520, 260)).isNull();
    }

    @Test
    void heatMapColourDarkensWithWeight() {
        Color lo = AlphaHeatMaps.color(0.0);
        Color mid = AlphaHeatMaps.color(0.5);
        Color hi = AlphaHeatMaps.color(1.0);
        assertThat(lum(lo)).isGreaterThan(lum(mid));
        assertThat(lum(mid)).isGreaterThan(lum(hi));
        assertThat(AlphaHeatMaps.color(1.7)).isEqualTo(hi); // clamped
        assertThat(AlphaHeatMaps.color(Double.NaN)).isEqualTo(Color.LIGHT_GRAY);
    }

    @Test
    void heatMapOutlinesOneArgmaxPerBlock() throws IOException {
        double[][] w = {{0.1, 0.9}, {0.8, 0.2}, {0.5, 0.5}};
        BufferedImage img = decode(AlphaHeatMaps.matrix("text branch", w, List.of(0, 3)));
        assertThat(pixels(img, new Color(0xf08c00))).as("orange argmax outlines").isGreaterThan(3 * 2 * 40);
        assertThat(pixels(img, AlphaHeatMaps.color(0.9))).isGreaterThan(300);
    }

    private static double lum(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }

    private static int pixels(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }
}
