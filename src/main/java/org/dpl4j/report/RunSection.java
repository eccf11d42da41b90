package org.dpl4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dpl4j.report.Charts.Series;
import org.dpl4j.report.HtmlPage.Raw;
import org.dpl4j.report.RunData.AlphaSnapshot;
import org.dpl4j.report.RunData.Epoch;
import org.dpl4j.report.RunData.Evaluation;
import org.dpl4j.report.RunData.FinalMetrics;
import org.dpl4j.run.RunDirectory;

/**
 * Renders one run directory as a section of the report: what was run, the training curves, the
 * alpha search (heat maps, their evolution, confidence), the configuration and the final
 * metrics. Each part appears only when its file exists, so the same code reports a finished
 * search, a train run killed at epoch 3, or a pipeline summary.
 */
final class RunSection {
    /** Number of snapshots in the evolution strip: initial, 25 %, 50 %, 75 %, final. */
    static final int STRIP_SNAPSHOTS = 5;
    private static final int CHART_W = 380;
    private static final int CHART_H = 270;

    private RunSection() {}

    /** A one-line title such as {@code DescribableTextures · dpl · seed 1 · search}. */
    static String title(RunData r) {
        List<String> parts = new ArrayList<>();
        for (String s : new String[] {r.dataset(), r.method(), r.seed() == null ? null : "seed " + r.seed(), r.kind()}) {
            if (s != null && !s.isBlank()) {
                parts.add(s);
            }
        }
        return parts.isEmpty() ? r.name() : r.name() + " — " + String.join(" · ", parts);
    }

    static void render(HtmlPage page, RunData r, String anchor) {
        page.section(anchor, title(r));
        page.muted(r.dir().toAbsolutePath().normalize() + " · files: " + (r.files().isEmpty() ? "none of the known ones" : String.join(", ", r.files()))
                + (r.files().contains(RunDirectory.FINAL) || r.kind() == null || "pipeline".equals(r.kind()) ? ""
                        : " · no metrics.json (run not finished?)"));
        for (String p : r.problems()) {
            page.warn("Could not read " + p);
        }
        overview(page, r);
        curves(page, r);
        search(page, r);
        configuration(page, r);
        finalMetrics(page, r);
    }

    private static void overview(HtmlPage page, RunData r) {
        if (r.run() == null) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        JsonNode settings = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = r.run().fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("settings")) {
                settings = e.getValue();
            } else {
                flatten(e.getKey(), e.getValue(), fields);
            }
        }
        List<Raw> tables = new ArrayList<>();
        if (!fields.isEmpty()) {
            tables.add(new Raw("<h4>run.json</h4>" + HtmlPage.keyValues(fields).html()));
        }
        if (settings != null) {
            Map<String, String> s = new LinkedHashMap<>();
            flatten("", settings, s);
            Raw t = HtmlPage.keyValues(s);
            tables.add(new Raw("<h4>settings</h4>" + (s.size() > 16 ? HtmlPage.details(s.size() + " settings", t) : t).html()));
        }
        if (!tables.isEmpty()) {
            page.h3("Run and settings");
            page.raw(HtmlPage.cards(tables));
        }
    }

    /** Nested objects become dotted keys; arrays and scalars are shown as compact JSON text. */
    static void flatten(String key, JsonNode v, Map<String, String> out) {
        if (v.isObject()) {
            if (v.isEmpty()) {
                out.put(key, "{}");
            }
            v.fields().forEachRemaining(e -> flatten(key.isEmpty() ? e.getKey() : key + "." + e.getKey(), e.getValue(), out));
        } else if (v.isValueNode()) {
            out.put(key.isEmpty() ? "(value)" : key, v.isNull() ? "null" : v.asText());
        } else {
            out.put(key, v.toString());
        }
    }

    private static void curves(HtmlPage page, RunData r) {
        if (r.epochs().isEmpty()) {
            return;
        }
        List<Epoch> ep = r.epochs();
        double[] x = ep.stream().mapToDouble(Epoch::epoch).toArray();
        List<Raw> charts = new ArrayList<>();
        String trainLossKey = ep.stream().anyMatch(e -> e.values().containsKey("trainLoss")) ? "trainLoss" : "loss";
        add(charts, Charts.lines("Loss", "epoch", "cross-entropy",
                List.of(new Series("train", x, col(ep, trainLossKey), Charts.TRAIN), new Series("val", x, col(ep, "valLoss"), Charts.VAL)),
                CHART_W, CHART_H), "loss curves");
        add(charts, Charts.lines("Accuracy", "epoch", "top-1 %",
                List.of(new Series("train", x, col(ep, "trainAcc"), Charts.TRAIN), new Series("val", x, col(ep, "valAcc"), Charts.VAL)),
                CHART_W, CHART_H), "accuracy curves");
        add(charts, Charts.lines("Learning rate", "epoch", "lr", List.of(new Series("lr", x, col(ep, "lr"), Charts.TRAIN)),
                CHART_W, CHART_H), "learning rate");
        page.h3("Training curves");
        Epoch last = ep.get(ep.size() - 1);
        double seconds = ep.stream().mapToDouble(e -> e.get("seconds")).filter(Double::isFinite).sum();
        StringBuilder s = new StringBuilder();
        s.append(ep.size()).append(ep.size() == 1 ? " epoch" : " epochs").append(" logged (").append(ep.get(0).epoch()).append('–')
                .append(last.epoch()).append(')');
        if (seconds > 0) {
            s.append(", ").append(duration(seconds)).append(" in all");
        }
        s.append(". Last epoch:");
        for (String k : List.of(trainLossKey, "valLoss", "trainAcc", "valAcc")) {
            if (Double.isFinite(last.get(k))) {
                s.append(String.format(Locale.ROOT, " %s %.4g", k, last.get(k)));
            }
        }
        page.p(s.append('.').toString());
        if (charts.isEmpty()) {
            page.muted("No plottable values in " + RunDirectory.METRICS_LOG + ".");
        } else {
            page.raw(HtmlPage.cards(charts));
        }
    }

    /** Seconds as a person reads them: 42.0 s, 12.5 min, 4.6 h. */
    static String duration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        if (seconds < 2 * 3600) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }

    private static void add(List<Raw> out, Png png, String alt) {
        if (png != null) {
            out.add(HtmlPage.image(png, alt));
        }
    }

    private static double[] col(List<Epoch> ep, String key) {
        return ep.stream().mapToDouble(e -> e.get(key)).toArray();
    }

    private static void search(HtmlPage page, RunData r) {
        if (r.alphas().isEmpty()) {
            return;
        }
        List<AlphaSnapshot> snaps = r.alphas();
        AlphaSnapshot fin = snaps.get(snaps.size() - 1);
        List<String> branches = AlphaStats.branches(fin.weights());
        page.h3("Alpha search: final weights (epoch " + fin.epoch() + ")");
        List<Raw> maps = new ArrayList<>();
        for (String b : branches) {
            maps.add(HtmlPage.image(AlphaHeatMaps.matrix(b + " branch", fin.weights().get(b), fin.candidates()), b + " alpha heat map"));
        }
        page.raw(HtmlPage.cards(maps));

        page.h3("How the weights evolved");
        List<AlphaSnapshot> strip = stripSnapshots(snaps, STRIP_SNAPSHOTS);
        List<Raw> strips = new ArrayList<>();
        for (String b : branches) {
            List<AlphaSnapshot> with = strip.stream().filter(s -> s.weights().containsKey(b)).toList();
            if (!with.isEmpty()) {
                strips.add(HtmlPage.image(AlphaHeatMaps.strip(b, with), b + " alpha evolution"));
            }
        }
        page.raw(HtmlPage.cards(strips));

        page.h3("Search confidence");
        double[] x = snaps.stream().mapToDouble(AlphaSnapshot::epoch).toArray();
        List<Series> dominant = new ArrayList<>();
        List<Series> margin = new ArrayList<>();
        for (String b : branches) {
            dominant.add(new Series(b, x, perSnapshot(snaps, b, w -> AlphaStats.dominantBlocks(w)), Charts.branchColor(b)));
            margin.add(new Series(b, x, perSnapshot(snaps, b, AlphaStats::meanMargin), Charts.branchColor(b)));
        }
        List<Raw> charts = new ArrayList<>();
        add(charts, Charts.lines("Dominant blocks", "epoch", "blocks with margin ≥ " + AlphaStats.DOMINANCE_MARGIN, dominant,
                CHART_W, CHART_H), "dominant blocks per epoch");
        add(charts, Charts.lines("Mean top-two margin", "epoch", "mean(top − second weight)", margin, CHART_W, CHART_H),
                "mean margin per epoch");
        page.raw(HtmlPage.cards(charts));
        List<List<Object>> rows = new ArrayList<>();
        for (String b : branches) {
            double[][] w = fin.weights().get(b);
            Integer stable = AlphaStats.stableSince(snaps, b);
            rows.add(List.of(b, w.length, AlphaStats.dominantBlocks(w) + " / " + w.length,
                    String.format(Locale.ROOT, "%.3f", AlphaStats.meanMargin(w)), stable == null ? "" : "epoch " + stable,
                    AlphaStats.configuration(w, fin.candidates()).toString()));
        }
        page.raw(HtmlPage.table(List.of("branch", "blocks", "dominant blocks", "mean margin", "argmax stable since",
                "argmax configuration (tokens per block)"), rows, 1, 2, 3));
        page.raw(new Raw("<p class=\"defs\"><b>Definitions.</b> A block's <i>margin</i> is its largest softmax weight minus "
                + "the second largest; a block is <i>dominant</i> when its margin is at least " + AlphaStats.DOMINANCE_MARGIN
                + ", i.e. its searched length is not a near tie (the paper's frequent 0~1 ties have margin ≈ 0). "
                + "<i>Argmax stable since</i> is the first epoch after which the derived configuration never changed. "
                + "The paper's own “# Dominants” / “α Difference” curves are not defined in the paper, so these are "
                + "this report's definitions, not a reproduction.</p>"));
        consistency(page, r, fin);
    }

    /**
     * The configuration file of a search run must be the argmax of its final alphas. The
     * reference code saves the two branches' alphas under each other's names (dpl-paper-notes
     * §1.6), so a mismatch here is exactly the symptom of that kind of mix-up.
     */
    private static void consistency(HtmlPage page, RunData r, AlphaSnapshot fin) {
        if (r.promptConfig().isEmpty()) {
            return;
        }
        List<String> mismatched = new ArrayList<>();
        for (String b : AlphaStats.branches(fin.weights())) {
            List<Integer> fromAlphas = AlphaStats.configuration(fin.weights().get(b), fin.candidates());
            List<Integer> inFile = r.lengths(b);
            if (!inFile.isEmpty() && !inFile.equals(fromAlphas)) {
                mismatched.add(b + ": file " + inFile + ", argmax of final alphas " + fromAlphas);
            }
        }
        if (!mismatched.isEmpty()) {
            page.warn(RunDirectory.PROMPT_CONFIG + " does not match the argmax of the final alphas (epoch " + fin.epoch() + ") — "
                    + String.join("; ", mismatched) + ". Were the branches swapped, or the config taken from another epoch?");
        }
    }

    private interface Stat {
        double of(double[][] w);
    }

    private static double[] perSnapshot(List<AlphaSnapshot> snaps, String branch, Stat stat) {
        return snaps.stream().mapToDouble(s -> s.weights().containsKey(branch) ? stat.of(s.weights().get(branch)) : Double.NaN).toArray();
    }

    /**
     * Up to {@code n} snapshots evenly spread over the search by position (first and last always
     * included; positions rather than epoch numbers, so gaps in the log do not leave a hole).
     */
    static List<AlphaSnapshot> stripSnapshots(List<AlphaSnapshot> snaps, int n) {
        if (snaps.size() <= n) {
            return snaps;
        }
        List<AlphaSnapshot> out = new ArrayList<>();
        int prev = -1;
        for (int i = 0; i < n; i++) {
            int idx = (int) Math.round(i * (snaps.size() - 1) / (double) (n - 1));
            if (idx != prev) {
                out.add(snaps.get(idx));
                prev = idx;
            }
        }
        return out;
    }

    private static void configuration(HtmlPage page, RunData r) {
        Map<String, List<Integer>> cfg = r.promptConfig();
        if (cfg.isEmpty()) {
            return;
        }
        List<String> branches = AlphaStats.branches(cfg);
        page.h3("search".equals(r.kind()) ? "Searched configuration" : "Prompt configuration");
        int depth = branches.stream().mapToInt(b -> cfg.get(b).size()).max().orElse(0);
        // blocks as columns, like the paper's configuration figure: two short rows instead of a tall table
        List<String> header = new ArrayList<>(List.of("block"));
        int[] numeric = new int[depth + 1];
        for (int l = 1; l <= depth; l++) {
            header.add(Integer.toString(l));
            numeric[l - 1] = l;
        }
        header.add("total");
        numeric[depth] = depth + 1;
        List<List<Object>> rows = new ArrayList<>();
        for (String b : branches) {
            List<Integer> lens = cfg.get(b);
            List<Object> row = new ArrayList<>();
            row.add(b + " tokens");
            for (int l = 0; l < depth; l++) {
                row.add(l < lens.size() ? lens.get(l) : "");
            }
            row.add(new Raw("<b>" + lens.stream().mapToInt(Integer::intValue).sum() + "</b>"));
            rows.add(row);
        }
        page.raw(HtmlPage.table(header, rows, numeric));
        Png bars = Charts.configBars(cfg, 520, 260);
        if (bars != null) {
            page.raw(HtmlPage.image(bars, "prompt tokens per block"));
        }
    }

    private static void finalMetrics(HtmlPage page, RunData r) {
        FinalMetrics fm = r.finalMetrics();
        if (fm == null) {
            return;
        }
        page.h3("Final metrics");
        if (!fm.evaluations().isEmpty()) {
            List<List<Object>> rows = new ArrayList<>();
            fm.evaluations().forEach((name, e) -> rows.add(List.of(name, e.images() == null ? "" : e.images(), pct(e.top1()),
                    pct(e.macro()), e.perClass().isEmpty() ? "" : e.perClass().size())));
            page.raw(HtmlPage.table(List.of("evaluation", "images", "top-1 %", "per-class mean %", "classes"), rows, 1, 2, 3, 4));
        }
        if (!fm.scalars().isEmpty()) {
            Map<String, String> kv = new LinkedHashMap<>();
            fm.scalars().forEach((k, v) -> kv.put(k, String.format(Locale.ROOT, "%.4g", v)));
            page.raw(HtmlPage.keyValues(kv));
        }
        fm.evaluations().forEach((name, e) -> {
            if (!e.perClass().isEmpty()) {
                page.raw(HtmlPage.details("Per-class accuracy: " + name + " (" + e.perClass().size() + " classes, worst first)",
                        perClassTable(e)));
            }
        });
    }

    private static Raw perClassTable(Evaluation e) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(e.perClass().entrySet());
        entries.sort(Map.Entry.comparingByValue((a, b) -> Double.compare(a, b)));
        List<List<Object>> rows = new ArrayList<>();
        for (Map.Entry<String, Double> en : entries) {
            rows.add(List.of(en.getKey(), pct(en.getValue())));
        }
        return HtmlPage.table(List.of("class", "accuracy %"), rows, 1);
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "—";
    }
}
