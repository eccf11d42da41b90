package org.dpl4j.report;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dpl4j.report.RunData.AlphaSnapshot;
import org.dpl4j.report.RunData.Epoch;
import org.dpl4j.report.RunData.Evaluation;
import org.dpl4j.report.RunData.FinalMetrics;
import org.dpl4j.report.RunData.ResultRow;
import org.dpl4j.run.RunDirectory;

/**
 * Finds run directories and reads them into {@link RunData}, leniently: a report is most useful
 * exactly when a run went wrong, so a missing file leaves its part empty and a malformed one is
 * recorded as a problem of that run rather than aborting the whole report. Only "nothing to
 * report at all" is an error.
 */
public final class RunDataReader {
    /** Pipeline summaries written by {@code dpl4j run}. */
    public static final String RESULTS = "results.json";

    /** Files a run directory may hold, in the order the report lists them. */
    static final List<String> KNOWN_FILES = List.of(RunDirectory.RUN, RunDirectory.METRICS_LOG, RunDirectory.ALPHAS,
            RunDirectory.PROMPT_CONFIG, RunDirectory.FINAL, RESULTS, RunDirectory.PROMPTS, RunDirectory.CHECKPOINT);

    /**
     * Jackson writes non-finite doubles as the bare tokens {@code NaN}/{@code Infinity} when its
     * quoting feature is off (and as strings when it is on); epochs without validation log NaN, so
     * both spellings must parse.
     */
    static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private RunDataReader() {}

    /**
     * Run directories under the inputs: every folder (an input itself included) that holds
     * {@code run.json}, or {@code results.json} (a pipeline summary may have no run.json).
     * Sorted by path within each input; a folder reachable from two inputs is listed once, under
     * the first.
     *
     * @return input → run directories found under it, in input order
     * @throws IOException with a one-line message naming the input when an input does not exist
     *                     or holds no run directory
     */
    public static Map<Path, List<Path>> findRunDirs(List<Path> inputs) throws IOException {
        if (inputs.isEmpty()) {
            throw new IOException("no input run directories given");
        }
        Map<Path, List<Path>> out = new LinkedHashMap<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path input : inputs) {
            if (!Files.exists(input)) {
                throw new NoSuchFileException(input.toString(), null, "no such run directory");
            }
            if (!Files.isDirectory(input)) {
                throw new IOException(input + ": not a directory (expected a run directory or a folder of runs)");
            }
            List<Path> found = new ArrayList<>();
            boolean any = false;
            try (Stream<Path> walk = Files.walk(input, FileVisitOption.FOLLOW_LINKS)) {
                for (Path d : (Iterable<Path>) walk.filter(Files::isDirectory).sorted()::iterator) {
                    if (isRunDir(d)) {
                        any = true;
                        if (seen.add(d.toRealPath())) {
                            found.add(d);
                        }
                    }
                }
            } catch (UncheckedIOException e) {
                throw new IOException("cannot list " + input + ": " + firstLine(e.getCause().getMessage()), e);
            }
            if (!any) {
                throw new IOException("no run directories (folders with " + RunDirectory.RUN + " or " + RESULTS
                        + ") under " + input);
            }
            out.put(input, found);
        }
        return out;
    }

    static boolean isRunDir(Path d) {
        return Files.isRegularFile(d.resolve(RunDirectory.RUN)) || Files.isRegularFile(d.resolve(RESULTS));
    }

    /** Reads one run directory; never fails on content, only records problems. */
    public static RunData read(Path dir, String name) {
        List<String> problems = new ArrayList<>();
        List<String> files = KNOWN_FILES.stream().filter(f -> Files.isRegularFile(dir.resolve(f))).toList();
        JsonNode run = readTree(dir.resolve(RunDirectory.RUN), problems);
        if (run != null && !run.isObject()) {
            problems.add(RunDirectory.RUN + ": not a JSON object");
            run = null;
        }
        List<Epoch> epochs = readLog(dir.resolve(RunDirectory.METRICS_LOG), RunDataReader::epoch, problems);
        epochs = sorted(epochs, Comparator.comparingInt(Epoch::epoch));
        List<AlphaSnapshot> alphas = readLog(dir.resolve(RunDirectory.ALPHAS), RunDataReader::alphas, problems);
        alphas = sorted(alphas, Comparator.comparingInt(AlphaSnapshot::epoch));
        checkSoftmax(alphas, problems);
        Map<String, List<Integer>> config = parse(dir.resolve(RunDirectory.PROMPT_CONFIG), RunDataReader::promptConfig, problems);
        FinalMetrics fin = parse(dir.resolve(RunDirectory.FINAL), RunDataReader::finalMetrics, problems);
        List<ResultRow> results = parse(dir.resolve(RESULTS), RunDataReader::results, problems);
        return new RunData(dir, name, run, epochs, alphas, config == null ? Map.of() : config, fin,
                results == null ? List.of() : labelled(dir, results), files, problems);
    }

    /**
     * A pipeline's rows with their methods as the tables name them ({@link RunData#methodLabel(String, JsonNode)}),
     * read from each row's stage directory {@code <dataset>/seed<S>/<method>}; a row whose stage is gone keeps its name.
     */
    static List<ResultRow> labelled(Path pipeline, List<ResultRow> rows) {
        List<ResultRow> out = new ArrayList<>();
        for (ResultRow r : rows) {
            JsonNode stage = null;
            try {
                Path f = pipeline.resolve(r.dataset()).resolve("seed" + r.seed()).resolve(r.method()).resolve(RunDirectory.RUN);
                stage = r.seed() != null && Files.isRegularFile(f) ? JSON.readTree(f.toFile()) : null;
            } catch (IOException | java.nio.file.InvalidPathException e) {
                // an unreadable stage leaves the row as the summary wrote it
            }
            out.add(new ResultRow(r.dataset(), RunData.methodLabel(r.method(), stage), r.seed(), r.top1()));
        }
        return out;
    }

    /**
     * The heat maps and confidence numbers assume softmax weights (rows summing to 1). Raw alpha
     * logits look plausible in a file but would be misread, so the first offending row is named;
     * the snapshots are still shown as logged.
     */
    static void checkSoftmax(List<AlphaSnapshot> alphas, List<String> problems) {
        for (AlphaSnapshot s : alphas) {
            for (String b : AlphaStats.branches(s.weights())) {
                double[][] w = s.weights().get(b);
                for (int l = 0; l < w.length; l++) {
                    double sum = 0;
                    boolean negative = false;
                    for (double x : w[l]) {
                        sum += x;
                        negative |= x < 0;
                    }
                    if (negative || !(Math.abs(sum - 1) <= 0.01)) {
                        problems.add(String.format(java.util.Locale.ROOT,
                                "%s epoch %d: %s block %d weights sum to %.4g%s, not 1 (raw alphas instead of softmax weights?)",
                                RunDirectory.ALPHAS, s.epoch(), b, l + 1, sum, negative ? " with negative entries" : ""));
                        return;
                    }
                }
            }
        }
    }

    private static <T> List<T> sorted(List<T> l, Comparator<T> c) {
        List<T> s = new ArrayList<>(l);
        s.sort(c);
        return s;
    }

    /** A parser of one JSON value that throws with a short reason when the shape is wrong. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(JsonNode n);
    }

    private static JsonNode readTree(Path f, List<String> problems) {
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            problems.add(f.getFileName() + ": not valid JSON (" + firstLine(e.getMessage()) + ")");
            return null;
        }
    }

    private static <T> T parse(Path f, Parser<T> parser, List<String> problems) {
        JsonNode n = readTree(f, problems);
        if (n == null) {
            return null;
        }
        try {
            return parser.parse(n);
        } catch (IllegalArgumentException e) {
            problems.add(f.getFileName() + ": " + e.getMessage());
            return null;
        }
    }

    /** Reads a JSONL file; bad lines are reported (by number) and skipped, good ones kept. */
    private static <T> List<T> readLog(Path f, Parser<T> parser, List<String> problems) {
        List<T> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(f);
        } catch (IOException e) {
            problems.add(f.getFileName() + ": cannot read (" + firstLine(e.getMessage()) + ")");
            return out;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(parser.parse(JSON.readTree(line)));
            } catch (IOException | IllegalArgumentException e) {
                problems.add(f.getFileName() + " line " + (i + 1) + ": " + firstLine(e.getMessage()));
            }
        }
        return out;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** A JSON number, or a string spelling one ({@code "NaN"}); null and missing read as NaN. */
    static double number(JsonNode n) {
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.asText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: \"" + n.asText() + "\"");
            }
        }
        throw new IllegalArgumentException("not a number: " + n);
    }

    private static JsonNode requireObject(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected " + what + " to be a JSON object");
        }
        return n;
    }

    static Epoch epoch(JsonNode n) {
        requireObject(n, "the line");
        if (!n.has("epoch")) {
            throw new IllegalArgumentException("no \"epoch\" field");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNumber() || v.isTextual() && isNumeric(v.asText())) {
                values.put(e.getKey(), number(v));
            }
        }
        return new Epoch((int) number(n.get("epoch")), values);
    }

    private static boolean isNumeric(String s) {
        try {
            Double.parseDouble(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static AlphaSnapshot alphas(JsonNode n) {
        requireObject(n, "the line");
        if (!n.has("epoch")) {
            throw new IllegalArgumentException("no \"epoch\" field");
        }
        Map<String, double[][]> weights = new LinkedHashMap<>();
        int options = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("epoch") || e.getKey().equals("candidates")) {
                continue;
            }
            double[][] m = matrix(e.getKey(), e.getValue());
            if (m != null) {
                for (double[] row : m) {
                    if (options >= 0 && row.length != options) {
                        throw new IllegalArgumentException("rows have different numbers of options");
                    }
                    options = row.length;
                }
                weights.put(e.getKey(), m);
            }
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("no weight matrix (e.g. \"text\": [[...], ...])");
        }
        List<Integer> candidates = new ArrayList<>();
        JsonNode c = n.get("candidates");
        if (c != null && c.isArray()) {
            c.forEach(x -> candidates.add((int) number(x)));
            if (candidates.size() != options) {
                throw new IllegalArgumentException(candidates.size() + " candidates but " + options + " weights per block");
            }
        } else {
            for (int k = 0; k < options; k++) {
                candidates.add(k); // the reference code's c_k = k
            }
        }
        return new AlphaSnapshot((int) number(n.get("epoch")), candidates, weights);
    }

    /** A non-empty array of equal-length number arrays, or null when the value is something else. */
    private static double[][] matrix(String key, JsonNode v) {
        if (!v.isArray() || v.isEmpty() || !v.get(0).isArray()) {
            return null;
        }
        double[][] m = new double[v.size()][];
        for (int i = 0; i < v.size(); i++) {
            JsonNode row = v.get(i);
            if (!row.isArray() || row.isEmpty()) {
                throw new IllegalArgumentException("\"" + key + "\" row " + (i + 1) + " is not a list of weights");
            }
            m[i] = new double[row.size()];
            for (int k = 0; k < row.size(); k++) {
                m[i][k] = number(row.get(k));
            }
        }
        return m;
    }

    static Map<String, List<Integer>> promptConfig(JsonNode n) {
        requireObject(n, "the file");
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray()) {
                continue;
            }
            List<Integer> l = new ArrayList<>();
            for (JsonNode x : e.getValue()) {
                double d = number(x);
                if (!(d >= 0) || d != Math.rint(d)) {
                    throw new IllegalArgumentException("\"" + e.getKey() + "\" holds " + x + ", not a token count");
                }
                l.add((int) d);
            }
            out.put(e.getKey(), List.copyOf(l));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no per-block token list (expected {\"text\": [...], \"image\": [...]})");
        }
        return out;
    }

    static FinalMetrics finalMetrics(JsonNode n) {
        requireObject(n, "the file");
        Map<String, Evaluation> evals = new LinkedHashMap<>();
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isObject() && (v.has("top1") || v.has("perClass"))) {
                evals.put(e.getKey(), evaluation(v));
            } else if (v.isNumber()) {
                scalars.put(e.getKey(), v.doubleValue());
            }
        }
        return new FinalMetrics(Collections.unmodifiableMap(evals), Collections.unmodifiableMap(scalars));
    }

    private static Evaluation evaluation(JsonNode v) {
        Map<String, Double> perClass = new LinkedHashMap<>();
        JsonNode pc = v.get("perClass");
        if (pc != null && pc.isObject()) {
            pc.fields().forEachRemaining(e -> perClass.put(e.getKey(), number(e.getValue())));
        }
        JsonNode images = v.get("images");
        return new Evaluation(images != null && images.canConvertToInt() ? images.asInt() : null, number(v.get("top1")),
                number(v.get("macro")), Collections.unmodifiableMap(perClass));
    }

    static List<ResultRow> results(JsonNode n) {
        requireObject(n, "the file");
        JsonNode rows = n.get("rows");
        if (rows == null || !rows.isArray()) {
            throw new IllegalArgumentException("no \"rows\" list");
        }
        List<ResultRow> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = requireObject(rows.get(i), "row " + (i + 1));
            if (!r.hasNonNull("dataset") || !r.hasNonNull("method") || !r.has("top1")) {
                throw new IllegalArgumentException("row " + (i + 1) + " lacks dataset, method or top1");
            }
            JsonNode seed = r.get("seed");
            out.add(new ResultRow(r.get("dataset").asText(), r.get("method").asText(),
                    seed == null || seed.isNull() ? null : seed.asText(), number(r.get("top1"))));
        }
        return out;
    }
}
