package org.dpl4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dpl4j.run.Json;
import org.dpl4j.training.ClassTally;
import org.dpl4j.training.EvalResult;

/**
 * The numbers of a zero-shot run, as a table for people or as JSON for scripts. Both show the same
 * values: top-1 over images, macro (mean of per-class accuracies), and per class the images, correct
 * predictions and accuracy, classes sorted by name (ignoring case). Accuracies are percentages; a
 * class whose images were all skipped has accuracy {@code null} (JSON) or {@code -} (table) and does
 * not count towards macro.
 */
record ZeroShotReport(String model, String data, String templates, int templateCount, ClassTally tally) {
    private static final Comparator<String> BY_NAME =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    /** One row of the per-class table. */
    record Row(String className, int images, int correct, Double accuracy) {}

    List<Row> rows() {
        int[] hits = tally.hits();
        int[] totals = tally.totals();
        List<Row> rows = new ArrayList<>();
        for (int c = 0; c < totals.length; c++) {
            rows.add(new Row(tally.classNames().get(c), totals[c], hits[c],
                    totals[c] == 0 ? null : 100.0 * hits[c] / totals[c]));
        }
        rows.sort(Comparator.comparing(Row::className, BY_NAME));
        return rows;
    }

    String json() {
        EvalResult r = tally.result();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("data", data);
        out.put("templates", templates);
        out.put("template_count", templateCount);
        out.put("classes", tally.classNames().size());
        out.put("images", r.images());
        out.put("skipped", r.skipped());
        out.put("top1", r.top1());
        out.put("macro", r.macro());
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (Row row : rows()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("images", row.images());
            v.put("correct", row.correct());
            v.put("accuracy", row.accuracy());
            perClass.put(row.className(), v);
        }
        out.put("per_class", perClass);
        try {
            return Json.PRETTY.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    String text() {
        EvalResult r = tally.result();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "model      %s%n", model));
        sb.append(String.format(Locale.ROOT, "data       %s (%d classes, %d images)%n", data,
                tally.classNames().size(), r.images()));
        sb.append(String.format(Locale.ROOT, "templates  %s (%d)%n", templates, templateCount));
        if (r.skipped() > 0) {
            sb.append(String.format(Locale.ROOT, "skipped    %d unreadable images%n", r.skipped()));
        }
        sb.append(String.format(Locale.ROOT, "top-1      %.2f%%%n", r.top1()));
        sb.append(String.format(Locale.ROOT, "macro      %.2f%%%n%n", r.macro()));
        List<Row> rows = rows();
        int w = Math.max("class".length(), rows.stream().mapToInt(x -> x.className().length()).max().orElse(0));
        String fmt = "%-" + w + "s  %7s  %7s  %8s%n";
        sb.append(String.format(Locale.ROOT, fmt, "class", "images", "correct", "accuracy"));
        for (Row row : rows) {
            sb.append(String.format(Locale.ROOT, fmt, row.className(), row.images(), row.correct(),
                    row.accuracy() == null ? "-" : String.format(Locale.ROOT, "%.2f%%", row.accuracy())));
        }
        return sb.toString();
    }
}
