package org.dpl4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.dpl4j.report.HtmlPage.Raw;
import org.dpl4j.report.RunData.ResultRow;
import org.dpl4j.util.MeanCi;

/**
 * A dataset × method grid of one metric, each cell the mean ± 95 % confidence half-width over
 * seeds, the best method of each dataset in bold — the form of the paper's (and CoOp's) result
 * tables, so numbers can be compared with them directly. The statistic is {@link MeanCi}, the
 * one the protocol's {@code results.txt} prints.
 */
final class ResultsGrid {
    /** Mean and CI half-width of the finite values of one cell; n counts those values. */
    record Summary(double mean, double ci95, int n, List<String> seeds, List<Double> values) {
        String format() {
            return n == 0 ? "—" : String.format(Locale.ROOT, "%.2f ± %.2f", mean, ci95);
        }
    }

    private final List<String> datasets;
    private final List<String> methods;
    private final Map<String, Map<String, Summary>> cells; // dataset → method → summary

    private ResultsGrid(List<String> datasets, List<String> methods, Map<String, Map<String, Summary>> cells) {
        this.datasets = datasets;
        this.methods = methods;
        this.cells = cells;
    }

    /** {@link MeanCi} of the finite values, with the seeds behind them. */
    static Summary summarize(List<String> seeds, List<Double> values) {
        List<String> s = new ArrayList<>();
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (Double.isFinite(values.get(i))) {
                s.add(seeds.get(i));
                v.add(values.get(i));
            }
        }
        MeanCi m = MeanCi.of(v);
        return new Summary(m.mean(), m.ci95(), m.n(), s, v);
    }

    /** Groups rows by dataset and method (both in order of first appearance). */
    static ResultsGrid of(List<ResultRow> rows) {
        Map<String, Map<String, List<ResultRow>>> groups = new LinkedHashMap<>();
        List<String> methods = new ArrayList<>();
        for (ResultRow r : rows) {
            groups.computeIfAbsent(r.dataset(), d -> new LinkedHashMap<>())
                    .computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r);
            if (!methods.contains(r.method())) {
                methods.add(r.method());
            }
        }
        Map<String, Map<String, Summary>> cells = new LinkedHashMap<>();
        groups.forEach((d, byMethod) -> {
            Map<String, Summary> row = new LinkedHashMap<>();
            byMethod.forEach((m, rs) -> row.put(m, summarize(rs.stream().map(r -> r.seed() == null ? "?" : r.seed()).toList(),
                    rs.stream().map(ResultRow::top1).toList())));
            cells.put(d, row);
        });
        return new ResultsGrid(List.copyOf(groups.keySet()), List.copyOf(methods), cells);
    }

    Summary cell(String dataset, String method) {
        return cells.getOrDefault(dataset, Map.of()).get(method);
    }

    List<String> datasets() {
        return datasets;
    }

    List<String> methods() {
        return methods;
    }

    /**
     * Mean over datasets of each method's per-dataset means (the paper's "Average" column), for
     * methods that have a value on every dataset; absent methods map to NaN.
     */
    Map<String, Double> averages() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String m : methods) {
            double s = 0;
            boolean complete = true;
            for (String d : datasets) {
                Summary c = cell(d, m);
                if (c == null || c.n() == 0) {
                    complete = false;
                    break;
                }
                s += c.mean();
            }
            out.put(m, complete ? s / datasets.size() : Double.NaN);
        }
        return out;
    }

    /**
     * The table: one row per dataset, one column per method, an "Average" row when there are at
     * least two datasets. The best mean of a row is bold when the row compares two or more methods
     * (equal means are all bold). Hovering a cell lists the seeds and values behind it.
     */
    Raw toHtml() {
        List<String> header = new ArrayList<>();
        header.add("dataset");
        header.addAll(methods);
        List<List<Object>> rows = new ArrayList<>();
        int[] numeric = new int[methods.size()];
        for (int i = 0; i < numeric.length; i++) {
            numeric[i] = i + 1;
        }
        for (String d : datasets) {
            List<Object> row = new ArrayList<>();
            row.add(d);
            double best = best(methods.stream().map(m -> cell(d, m)).map(c -> c == null || c.n() == 0 ? Double.NaN : c.mean()).toList());
            long present = methods.stream().map(m -> cell(d, m)).filter(c -> c != null && c.n() > 0).count();
            for (String m : methods) {
                Summary c = cell(d, m);
                row.add(c == null ? "" : summaryCell(c, present >= 2 && c.n() > 0 && c.mean() == best));
            }
            rows.add(row);
        }
        if (datasets.size() >= 2) {
            Map<String, Double> avg = averages();
            double best = best(List.copyOf(avg.values()));
            long present = avg.values().stream().filter(Double::isFinite).count();
            List<Object> row = new ArrayList<>();
            row.add(new Raw("<i>Average</i>"));
            for (String m : methods) {
                double a = avg.get(m);
                String t = Double.isFinite(a) ? String.format(Locale.ROOT, "%.2f", a) : "—";
                row.add(new Raw(present >= 2 && a == best ? "<b>" + t + "</b>" : t));
            }
            rows.add(row);
        }
        return HtmlPage.table(header, rows, numeric);
    }

    private static double best(List<Double> means) {
        return means.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static Raw summaryCell(Summary c, boolean bold) {
        String title = "seed " + c.seeds().stream().map(s -> s).collect(Collectors.joining(", ")) + ": "
                + c.values().stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(", "));
        String text = HtmlPage.esc(c.format());
        return new Raw("<span title=\"" + HtmlPage.esc(title) + "\">" + (bold ? "<b>" + text + "</b>" : text)
                + "</span> <span class=\"n\">n=" + c.n() + "</span>");
    }
}
