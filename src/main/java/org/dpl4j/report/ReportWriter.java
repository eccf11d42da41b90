package org.dpl4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dpl4j.report.HtmlPage.Raw;
import org.dpl4j.report.RunData.Evaluation;
import org.dpl4j.report.RunData.ResultRow;
import org.dpl4j.util.AtomicFiles;

/**
 * Writes one self-contained HTML report (inline CSS, charts as embedded PNGs, no network, no
 * scripts) for a set of run directories, so a search or a whole benchmark can be looked at — or
 * mailed, or attached to an issue — without the machine or the tools that produced it.
 *
 * <p>The page has: an index of all runs; result tables (per pipeline {@code results.json}, and
 * aggregated over seeds from the final {@code metrics.json} of train runs); then one section per
 * run (see {@link RunSection}).
 */
public final class ReportWriter {
    private ReportWriter() {}

    /**
     * Finds the run directories under {@code inputs} (each a run directory or a folder of them,
     * searched recursively), reads them and writes the report to {@code outHtml}, atomically (a
     * reader never sees half a page; a failed write leaves the previous report).
     *
     * @return the runs that went into the report, in page order
     * @throws IOException with a one-line message naming the input when an input is missing or
     *                     holds no run directory, or when the file cannot be written
     */
    public static List<RunData> write(List<Path> inputs, Path outHtml) throws IOException {
        Charts.headless();
        List<RunData> runs = read(inputs);
        AtomicFiles.writeString(outHtml, render(inputs, runs));
        return runs;
    }

    /** Reads every run directory found under the inputs; names are relative to their input. */
    static List<RunData> read(List<Path> inputs) throws IOException {
        List<RunData> runs = new ArrayList<>();
        for (Map.Entry<Path, List<Path>> e : RunDataReader.findRunDirs(inputs).entrySet()) {
            Path input = e.getKey();
            for (Path dir : e.getValue()) {
                Path rel = input.relativize(dir);
                String name = rel.toString().isEmpty() ? String.valueOf(input.toAbsolutePath().normalize().getFileName()) : rel.toString();
                runs.add(RunDataReader.read(dir, name));
            }
        }
        return runs;
    }

    static String render(List<Path> inputs, List<RunData> runs) {
        HtmlPage page = new HtmlPage("dpl4j report");
        page.muted("Generated " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")) + " from "
                + String.join(", ", inputs.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList()) + " · "
                + runs.size() + (runs.size() == 1 ? " run directory" : " run directories"));
        page.raw(index(runs));
        results(page, runs);
        for (int i = 0; i < runs.size(); i++) {
            RunSection.render(page, runs.get(i), anchor(i));
        }
        return page.render();
    }

    private static String anchor(int i) {
        return "run-" + (i + 1);
    }

    /** One row per run with its headline number, linking to its section. */
    private static Raw index(List<RunData> runs) {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunData r = runs.get(i);
            Evaluation test = r.finalMetrics() == null ? null : r.finalMetrics().evaluations().get("test");
            rows.add(List.of(new Raw("<a href=\"#" + anchor(i) + "\">" + HtmlPage.esc(r.name()) + "</a>"), nz(r.kind()), nz(r.dataset()),
                    nz(r.method()), nz(r.seed()), nz(r.field("shots")), r.epochs().isEmpty() ? "" : r.epochs().size(),
                    test == null ? "" : RunSection.pct(test.top1()), status(r)));
        }
        return HtmlPage.table(List.of("run", "kind", "dataset", "method", "seed", "shots", "epochs", "test top-1 %", "status"),
                rows, 4, 5, 6, 7);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String status(RunData r) {
        if (!r.problems().isEmpty()) {
            return r.problems().size() + (r.problems().size() == 1 ? " unreadable file" : " unreadable files");
        }
        if (!r.results().isEmpty()) {
            return "summary";
        }
        return r.finalMetrics() != null ? "finished" : "no metrics.json";
    }

    private static void results(HtmlPage page, List<RunData> runs) {
        List<RunData> pipelines = runs.stream().filter(r -> !r.results().isEmpty()).toList();
        Map<String, List<ResultRow>> aggregated = aggregate(runs);
        if (pipelines.isEmpty() && aggregated.isEmpty()) {
            return;
        }
        page.section("results", "Results");
        page.muted("Cells: mean ± 1.96·σ/√n over seeds (σ the population standard deviation, as CoOp's parse_test_res.py), "
                + "n = number of seeds; best mean per dataset in bold; hover a cell for the seeds and values.");
        for (RunData p : pipelines) {
            page.h3("Pipeline " + p.name() + " (" + RunDataReader.RESULTS + "), top-1 %");
            page.raw(ResultsGrid.of(p.results()).toHtml());
        }
        aggregated.forEach((metric, rows) -> {
            page.h3("From the runs' metrics.json: " + metric);
            page.raw(ResultsGrid.of(rows).toHtml());
        });
    }

    /**
     * Per metric (each evaluation's top-1, and the harmonic mean when present), one row per
     * finished run that is not a search or a pipeline summary: the grid then groups them by
     * dataset and method over seeds. Runs lacking dataset or method are grouped under "?".
     */
    static Map<String, List<ResultRow>> aggregate(List<RunData> runs) {
        Map<String, List<ResultRow>> out = new LinkedHashMap<>();
        // one dataset name under several roots (the demo's pets subset and the full benchmark,
        // say) is several data sets: label those by root so their seeds are not pooled
        Map<String, Set<String>> roots = new LinkedHashMap<>();
        for (RunData r : runs) {
            roots.computeIfAbsent(String.valueOf(r.dataset()), k -> new LinkedHashSet<>()).add(String.valueOf(r.field("root")));
        }
        for (RunData r : runs) {
            if (r.finalMetrics() == null || "search".equals(r.kind()) || "pipeline".equals(r.kind())) {
                continue;
            }
            String d = (r.dataset() == null ? "?" : r.dataset())
                    + (roots.get(String.valueOf(r.dataset())).size() > 1 ? " (" + (r.field("root") == null ? "?" : r.field("root")) + ")" : "");
            String m = r.method() == null ? "?" : r.methodLabel();
            r.finalMetrics().evaluations().forEach((name, e) ->
                    out.computeIfAbsent(name + " top-1 %", k -> new ArrayList<>()).add(new ResultRow(d, m, r.seed(), e.top1())));
            Double hm = r.finalMetrics().scalars().get("harmonicMean");
            if (hm != null) {
                out.computeIfAbsent("harmonic mean (base/new)", k -> new ArrayList<>()).add(new ResultRow(d, m, r.seed(), hm));
            }
        }
        return out;
    }
}
