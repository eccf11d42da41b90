package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders a real report in headless Chromium through {@code scripts/check-report.sh}: the HTML
 * tests check strings, this one checks that a browser actually paints the page (CSS, embedded
 * PNGs) rather than an error page or nothing. Skipped where Chromium is not installed.
 */
class CheckReportScriptTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCRIPT = Path.of("scripts/check-report.sh");

    @TempDir
    Path tmp;

    private static Process run(Path dir, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true);
        pb.directory(dir.toFile());
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("script finished").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void chromiumRendersTheReport() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM);
        Path html = tmp.resolve("report.html");
        ReportWriter.write(List.of(FakeRuns.all(tmp)), html);
        Path png = tmp.resolve("shot/report.png");
        Process p = run(Path.of("").toAbsolutePath(), "bash", SCRIPT.toString(), html.toString(), png.toString());
        String out = finish(p);
        assertThat(p.exitValue()).as(out).isZero();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(img.getHeight()).isEqualTo(3000);
        // a painted report has text, tables and charts: many colours, and dark ink on a light page
        assertThat(ReportWriterTest.distinctColours(img)).isGreaterThan(200);
        int dark = 0;
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 200) {
                    dark++;
                }
            }
        }
        assertThat(dark).as("dark pixels (text, heat-map cells)").isGreaterThan(2000);
    }

    @Test
    void scriptFailsWithoutAReport() throws Exception {
        Process p = run(Path.of("").toAbsolutePath(), "bash", SCRIPT.toString(), tmp.resolve("none.html").toString(),
                tmp.resolve("x.png").toString());
        String out = finish(p);
        assertThat(p.exitValue()).isNotZero();
        assertThat(out).containsAnyOf("none.html is missing or empty", "not found");
        assertThat(tmp.resolve("x.png")).doesNotExist();
    }
}
