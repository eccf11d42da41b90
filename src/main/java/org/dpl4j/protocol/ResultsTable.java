package org.dpl4j.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.util.MeanCi;

/**
 * Test accuracy per dataset and method, mean ± 95 % CI over seeds ({@link MeanCi}, as the
 * reference code's parse script), printed as a text table and saved as results.json.
 */
public final class ResultsTable {
    /** One finished run's accuracy. */
    public record Row(String dataset, String method, long seed, double top1) {}

    /** Mean and CI of one (dataset, method) cell. */
    public record Cell(String dataset, String method, int seeds, double mean, double ci95) {}

    private final List<Row> rows = new ArrayList<>();

    public void add(Row r) {
        rows.add(r);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public List<Cell> summary() {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(r.dataset() + "\u0000" + r.method(), k -> new ArrayList<>()).add(r);
        }
        List<Cell> out = new ArrayList<>();
        for (List<Row> g : groups.values()) {
            MeanCi s = MeanCi.of(g.stream().map(Row::top1).toList());
            out.add(new Cell(g.get(0).dataset(), g.get(0).method(), s.n(), s.mean(), s.ci95()));
        }
        return out;
    }

    /** Datasets as rows, methods as columns, "mean ± ci" cells. */
    public String format() {
        List<Cell> cells = summary();
        List<String> methods = cells.stream().map(Cell::method).distinct().toList();
        List<String> datasets = cells.stream().map(Cell::dataset).distinct().toList();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-22s", "dataset"));
        for (String m : methods) {
            sb.append(String.format(" %16s", m));
        }
        sb.append('\n');
        for (String d : datasets) {
            sb.append(String.format("%-22s", d));
            for (String m : methods) {
                Cell c = cells.stream().filter(x -> x.dataset().equals(d) && x.method().equals(m)).findFirst().orElse(null);
                sb.append(String.format(" %16s", c == null ? "-" : c.seeds() == 1 ? String.format("%.2f", c.mean())
                        : String.format("%.2f ± %.2f", c.mean(), c.ci95())));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public void write(RunDirectory dir) throws java.io.IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rows", rows);
        json.put("summary", summary());
        dir.writeJson("results.json", json);
        org.dpl4j.util.AtomicFiles.writeString(dir.file("results.txt"), format());
    }
}
