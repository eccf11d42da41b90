package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir
    Path tmp;

    private String report(Path... inputs) throws IOException {
        Path out = tmp.resolve("out/report.html");
        ReportWriter.write(List.of(inputs), out);
        return Files.readString(out);
    }

    @Test
    void reportShowsEverySectionWithHandComputedNumbers() throws IOException {
        String html = report(FakeRuns.all(tmp));

        assertThat(html.substring(0, 15)).isEqualTo("<!DOCTYPE html>");
        assertThat(html.substring(html.length() - 8)).isEqualTo("</html>\n");
        // self-contained: nothing is fetched from anywhere
        lacks(html, "src=\"http", "href=\"http", "<script", "<link");

        // results.json, DTD dpl over seeds {71.2, 70.4, 72.0}: mean 71.2, population σ = √(1.28/3) = 0.6532,
        // CI = 1.96·0.6532/√3 = 0.739; best of its row (zeroshot 44.00 ± 0.00) so bold.
        contains(html, "<b>71.20 ± 0.74</b>", "44.00 ± 0.00");
        // EuroSAT dpl {80, 82, 84}: σ = √(8/3) = 1.633, CI = 1.96·1.633/√3 = 1.848; zeroshot {48, 49, 50}:
        // σ = √(2/3) = 0.816, CI = 0.924
        contains(html, "<b>82.00 ± 1.85</b>", "49.00 ± 0.92");
        // Average row: dpl (71.2 + 82)/2, zeroshot (44 + 49)/2
        contains(html, "<b>76.60</b>", ">46.50<");

        // aggregated from metrics.json of train runs: dpl {70, 72} → σ 1, CI 1.96/√2 = 1.386;
        // zeroshot {44, 45} → σ 0.5, CI 0.98/√2 = 0.693
        contains(html, "From the runs&#39; metrics.json: test top-1 %", "<b>71.00 ± 1.39</b>", "44.50 ± 0.69");
        contains(html, "n=2", "n=3");

        // per-run sections
        contains(html, "search/DTD-seed1 — DescribableTextures · dpl · seed 1 · search",
                "Alpha search: final weights (epoch 4)", "How the weights evolved", "Search confidence",
                "Searched configuration", "Training curves", "Final metrics", "Prompt configuration");
        // text: 12 blocks, 3 of them 0/1 ties → 9 dominant; image: 6 ties → 6 dominant
        contains(html, "<td class=\"num\">9 / 12</td>", "<td class=\"num\">6 / 12</td>");
        // text argmax settles at epoch 1; the image ties flip from option 1 to 0 only at the end
        contains(html, "<td>epoch 1</td>", "<td>epoch 4</td>");
        contains(html, "[3, 3, 2, 0, 3, 2, 0, 3, 3, 2, 0, 2]");
        // run.json and nested settings as key/value rows
        contains(html, "<td>alpha.lr</td><td>0.0035</td>", "<td>alpha.betas</td><td>[0.5,0.999]</td>",
                "<td>model.sha256</td><td>5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f</td>");
        // search run: 4 epochs × 12.5 s; train runs: NaN validation does not show as a value
        contains(html, "4 epochs logged (1–4), 50.0 s in all");
        lacks(html, "valLoss NaN", ">NaN<");
        // configuration totals: text 3+3+2+3+2+3+3+2+2 = 23, image 2+3+2+3+2+3 = 15
        contains(html, "<tr><td>text tokens</td><td class=\"num\">3</td><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"num\">0</td>",
                "<td class=\"num\"><b>23</b></td></tr>", "<td class=\"num\"><b>15</b></td></tr>");
        // final metrics and per-class table, names escaped
        contains(html, "<td class=\"num\">360</td><td class=\"num\">70.00</td><td class=\"num\">69.50</td>",
                "cracked &amp; &lt;dotted&gt;");
        lacks(html, "<dotted>");
        // no warnings on a consistent fixture
        lacks(html, "class=\"warn\"");
        // the atomic write left no temporary file behind
        try (Stream<Path> files = Files.list(tmp.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("report.html");
        }
    }

    @Test
    void embeddedChartsAreRealNonBlankPngs() throws IOException {
        String html = report(FakeRuns.all(tmp));
        Matcher m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        List<BufferedImage> images = new ArrayList<>();
        while (m.find()) {
            images.add(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))));
        }
        // search: 2 heat maps, 2 evolution strips, 2 confidence charts, 3 curves, 1 bar chart = 10;
        // each of 2 train runs: loss, accuracy, lr curves + 1 bar chart = 4; the 2 zero-shot runs: none
        assertThat(images).hasSize(10 + 2 * 4);
        for (BufferedImage img : images) {
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(150);
            assertThat(img.getHeight()).isGreaterThan(60);
            assertThat(distinctColours(img)).as("a drawn chart has more than background and one line colour").isGreaterThan(10);
        }
    }

    /** Like AssertJ's contains, but a failure lists only the missing strings, not the whole page. */
    static void contains(String html, String... needles) {
        assertThat(Arrays.stream(needles).filter(n -> !html.contains(n)).toList()).as("missing from the report").isEmpty();
    }

    static void lacks(String html, String... needles) {
        assertThat(Arrays.stream(needles).filter(html::contains).toList()).as("present in the report but should not be").isEmpty();
    }

    static int distinctColours(BufferedImage img) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                c.add(img.getRGB(x, y));
            }
        }
        return c.size();
    }

    /**
     * A "zeroshot" train run (what a pipeline wrote before zero-shot CLIP had runs of its own: CLIP
     * without prompts on the averaged token embeddings) is not zero-shot CLIP: in every table it
     * gets a label of its own naming its text input, never pooled with the real baseline.
     */
    @Test
    void oldZeroShotTrainRunsAreLabelledApartFromZeroShotClip() throws IOException {
        Path runs = tmp.resolve("runs");
        FakeRuns.zeroShot(runs, "new", "DescribableTextures", "zeroshot", 1, 8.33);
        Path old = runs.resolve("old");
        FakeRuns.write(old.resolve("run.json"), "{\"kind\":\"train\",\"dataset\":\"DescribableTextures\",\"seed\":1,"
                + "\"method\":\"zeroshot\",\"settings\":{\"textInput\":\"ensemble\"}}");
        FakeRuns.write(old.resolve("metrics.json"), "{\"test\":{\"images\":360,\"top1\":7.5,\"macro\":7.5}}");
        // an old pipeline: its summary row and the stage it summarises
        Path pipeline = runs.resolve("pipeline");
        FakeRuns.write(pipeline.resolve("results.json"),
                "{\"rows\":[{\"dataset\":\"dtd\",\"method\":\"zeroshot\",\"seed\":1,\"top1\":7.5},"
                        + "{\"dataset\":\"dtd\",\"method\":\"ivlp\",\"seed\":1,\"top1\":18.0}]}");
        FakeRuns.write(pipeline.resolve("dtd/seed1/zeroshot/run.json"), "{\"kind\":\"train\",\"dataset\":\"DescribableTextures\","
                + "\"seed\":1,\"method\":\"zeroshot\",\"settings\":{\"textInput\":\"ensemble\"}}");
        FakeRuns.write(pipeline.resolve("dtd/seed1/zeroshot/metrics.json"), "{\"test\":{\"images\":360,\"top1\":7.5}}");

        List<RunData> read = ReportWriter.read(List.of(runs));
        RunData summary = read.stream().filter(r -> !r.results().isEmpty()).findFirst().orElseThrow();
        assertThat(summary.results()).extracting(RunData.ResultRow::method)
                .containsExactly("zeroshot (train run, ensemble input)", "ivlp");
        var rows = ReportWriter.aggregate(read).get("test top-1 %");
        assertThat(rows).extracting(RunData.ResultRow::method).containsExactlyInAnyOrder("zeroshot",
                "zeroshot (train run, ensemble input)", "zeroshot (train run, ensemble input)");
        assertThat(rows).filteredOn(r -> r.method().equals("zeroshot")).extracting(RunData.ResultRow::top1).containsExactly(8.33);

        String html = report(runs);
        contains(html, ">zeroshot (train run, ensemble input)</th>", ">zeroshot</th>", "8.33");
        // pooled, the two train runs and the real one would read (7.5 + 7.5 + 8.33)/3, or 7.92 with the pipeline's
        lacks(html, "7.78", "7.92", "? input)");
    }

    @Test
    void htmlInRunFilesIsEscaped() throws IOException {
        Path d = tmp.resolve("runs/evil");
        FakeRuns.write(d.resolve("run.json"), "{\"kind\":\"train\",\"dataset\":\"<script>alert(1)</script>\",\"method\":\"a\\\"b\","
                + "\"settings\":{\"<img src=x onerror=alert(2)>\":\"it's\"}}");
        String html = report(tmp.resolve("runs"));
        lacks(html, "<script", "<img src=x");
        contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;", "a&quot;b", "&lt;img src=x onerror=alert(2)&gt;", "it&#39;s");
    }

    @Test
    void missingOrEmptyInputFailsWithOneLineNamingIt() throws IOException {
        Path missing = tmp.resolve("no-such-dir");
        assertThatThrownBy(() -> ReportWriter.write(List.of(missing), tmp.resolve("r.html")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path empty = Files.createDirectories(tmp.resolve("empty/sub"));
        assertThatThrownBy(() -> ReportWriter.write(List.of(empty.getParent()), tmp.resolve("r.html")))
                .isInstanceOf(IOException.class)
                .hasMessage("no run directories (folders with run.json or results.json) under " + empty.getParent());
        assertThat(tmp.resolve("r.html")).doesNotExist();
    }

    @Test
    void unfinishedAndDamagedRunsAreReportedNotFatal() throws IOException {
        Path d = tmp.resolve("runs/killed");
        FakeRuns.write(d.resolve("run.json"), "{\"kind\":\"search\",\"dataset\":\"EuroSAT\"}");
        FakeRuns.write(d.resolve("metrics.jsonl"), "{\"epoch\":1,\"trainLoss\":2.0,\"valLoss\":NaN,\"trainAcc\":30,\"valAcc\":NaN,\"lr\":1e-5}\n");
        FakeRuns.write(d.resolve("alphas.jsonl"), "{\"epoch\":0,\"candidates\":[0,1],\"text\":[[0.5,0.5],[0.5,0.5]]}\n{\"epoch\":1,\"text\":[[0.9,0.1],\n");
        FakeRuns.write(d.resolve("metrics.json"), "{\"test\": ");
        String html = report(tmp.resolve("runs"));
        contains(html, "Could not read alphas.jsonl line 2:", "Could not read metrics.json: not valid JSON",
                "Alpha search: final weights (epoch 0)", "1 epoch logged (1–1)", "2 unreadable files");
        lacks(html, "Final metrics", "<h2 id=\"results\">");
    }

    @Test
    void configThatDisagreesWithFinalAlphasIsFlagged() throws IOException {
        Path d = FakeRuns.search(tmp.resolve("runs"), "swapped");
        // the reference's save_alpha bug: each branch gets the other's configuration
        FakeRuns.write(d.resolve("prompt-config.json"), "{\"text\": " + FakeRuns.configOf(FakeRuns.IMAGE_TARGET) + ", \"image\": "
                + FakeRuns.configOf(FakeRuns.TEXT_TARGET) + "}");
        String html = report(d);
        contains(html, "prompt-config.json does not match the argmax of the final alphas (epoch 4)",
                "text: file [0, 2, 0, 0, 3, 0, 2, 0, 3, 2, 0, 3], argmax of final alphas [3, 3, 2, 0, 3, 2, 0, 3, 3, 2, 0, 2]");
    }

    @Test
    void runDirectoryGivenDirectlyIsNamedAfterItself() throws IOException {
        Path d = FakeRuns.train(tmp, "DTD-dpl-seed7", "DescribableTextures", "dpl", 7, 66.0);
        String html = report(d);
        contains(html, ">DTD-dpl-seed7</a>", "DTD-dpl-seed7 — DescribableTextures · dpl · seed 7 · train");
        // a single run: its aggregate has one method, so nothing is bold
        contains(html, "66.00 ± 0.00");
        lacks(html, "<b>66.00");
    }

    @Test
    void oneDatasetNameUnderTwoRootsIsTwoRowsNotPooledSeeds() throws Exception {
        Path a = FakeRuns.train(tmp, "pets-demo", "OxfordPets", "dpl", 1, 60.0);
        Path b = FakeRuns.train(tmp, "pets-full", "OxfordPets", "dpl", 1, 40.0);
        for (Path[] d : new Path[][] {{a, Path.of("demo-data")}, {b, Path.of("/data/coop")}}) {
            Path runJson = d[0].resolve("run.json");
            Files.writeString(runJson, Files.readString(runJson).replace("\"kind\"", "\"root\":\"" + d[1] + "\",\"kind\""));
        }
        List<RunData.ResultRow> rows = ReportWriter.aggregate(List.of(RunDataReader.read(a, "pets-demo"), RunDataReader.read(b, "pets-full")))
                .get("test top-1 %");
        assertThat(rows).extracting(RunData.ResultRow::dataset).containsExactly("OxfordPets (demo-data)", "OxfordPets (/data/coop)");
        // one root: the plain name
        assertThat(ReportWriter.aggregate(List.of(RunDataReader.read(a, "pets-demo"))).get("test top-1 %"))
                .extracting(RunData.ResultRow::dataset).containsExactly("OxfordPets");
    }
}
