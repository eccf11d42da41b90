package org.dpl4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What makes a run directory belong to one run, so that it is only ever resumed or reused by that
 * run: {@code run.json} must record the same kind and the same settings, data and model. A resumed
 * run with other settings would end with a result that matches neither run, and a finished run
 * reused for other settings would report results of what was not asked for, so both are refused
 * with one line naming the first setting that differs. Only the {@link #free} fields may differ:
 * they change speed, crash safety or bookkeeping, never the result. Train, search, zero-shot and
 * pre-training runs all check here; train, search and zero-shot runs record a {@link RunInfo}, read
 * in any format an earlier version wrote ({@link RunInfo#upgrade}).
 */
public final class RunIdentity {
    /**
     * Fields of a train or search {@link RunInfo} that may differ on resume:
     * <ul>
     *   <li>{@code started}, {@code dpl4jVersion}, {@code command}: bookkeeping of the first start;</li>
     *   <li>{@code model.path}: the model is identified by {@code model.sha256}, not where the file lies;</li>
     *   <li>{@code settings.workers}: decoding threads; batch order and augmentation are seeded, not timed;</li>
     *   <li>{@code settings.evalBatch}: sizes only the final test evaluation, which always runs whole after
     *       the last epoch, so the resumed run ends exactly as an uninterrupted run with the new value;</li>
     *   <li>{@code model.device}, {@code engine}: the machine; a run may move (its precision may not).</li>
     * </ul>
     */
    static final List<String> RUN_INFO_FREE = List.of("started", "dpl4jVersion", "command", "model.path", "model.device",
            "engine", "settings.workers", "settings.evalBatch");

    /** What run.json files written before a field existed meant by its absence: every such run held its weights in fp32. */
    static final Map<String, String> RUN_INFO_DEFAULTS = Map.of("model.precision", "fp32");

    public static final RunIdentity TRAIN = new RunIdentity("train", "train", RUN_INFO_FREE, RUN_INFO_DEFAULTS, true);
    public static final RunIdentity SEARCH = new RunIdentity("search", "search", RUN_INFO_FREE, RUN_INFO_DEFAULTS, true);
    public static final RunIdentity ZEROSHOT = new RunIdentity("zeroshot", "zero-shot", RUN_INFO_FREE, RUN_INFO_DEFAULTS, true);

    /** What to do when a folder holds another run (the same advice for every command that writes runs). */
    public static final String OTHER_FOLDER = "use another output folder";

    private final String kind;
    private final String label;
    private final List<String> free;
    private final Map<String, String> defaults;
    /** Whether run.json is a {@link RunInfo}, read in any of its formats. */
    private final boolean runInfo;

    /**
     * @param kind the {@code kind} field run.json records; null for runs whose run.json has none (pre-training)
     * @param label how messages name this kind of run
     * @param free dotted paths of run.json fields that may differ on resume
     */
    public RunIdentity(String kind, String label, List<String> free) {
        this(kind, label, free, Map.of(), false);
    }

    /** @param defaults dotted paths of fields and the value a recorded run.json that lacks one is read with */
    public RunIdentity(String kind, String label, List<String> free, Map<String, String> defaults) {
        this(kind, label, free, defaults, false);
    }

    private RunIdentity(String kind, String label, List<String> free, Map<String, String> defaults, boolean runInfo) {
        this.kind = kind;
        this.label = label;
        this.free = List.copyOf(free);
        this.defaults = Map.copyOf(defaults);
        this.runInfo = runInfo;
    }

    /**
     * Reads {@code run.json} and fails, naming it, unless it records a run of this kind. A
     * {@link RunInfo} comes back in the current format, whichever format it was written in.
     *
     * @param advice what the user should do instead, ending the message
     */
    public JsonNode read(RunDirectory run, String advice) throws IOException {
        Path file = run.file(RunDirectory.RUN);
        if (!run.has(RunDirectory.RUN)) {
            throw new IOException(file + " not found: " + run.dir() + " is not a dpl4j run directory; " + advice);
        }
        JsonNode info = run.readJson(RunDirectory.RUN);
        if (!info.isObject() || !Objects.equals(kindOf(info), kind)) {
            throw new IOException(file + " records " + describe(info) + ", not a " + label + " run; " + advice);
        }
        if (runInfo) {
            try {
                return RunInfo.upgrade((ObjectNode) info);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage() + "; " + advice, e);
            }
        }
        return info;
    }

    /**
     * Starts a run's record or checks it: writes {@code now} as run.json when there is none, else
     * refuses to go on unless the recorded run is this one (see {@link #checkSame}).
     */
    public void recordOrCheck(RunDirectory run, Object now) throws IOException {
        if (run.has(RunDirectory.RUN)) {
            checkSame(run, now);
        } else {
            run.writeJson(RunDirectory.RUN, now);
        }
    }

    /**
     * Fails unless run.json records a run of this kind whose fields, {@link #free} ones aside, equal
     * those of {@code now} (any object Jackson serialises as run.json). Called before a run is
     * resumed and before a finished run's results are reused.
     */
    public void checkSame(RunDirectory run, Object now) throws IOException {
        JsonNode was = withoutFree(withDefaults(read(run, OTHER_FOLDER)));
        // through text, so numbers compare equal to the ones read back from run.json
        JsonNode is = withoutFree(withDefaults(Json.PRETTY.readTree(Json.PRETTY.writeValueAsString(now))));
        if (!was.equals(is)) {
            throw new IllegalStateException(run.file(RunDirectory.RUN) + " records a different run ("
                    + firstDifference(was, is) + ")" + renamedNote(was, is) + "; " + OTHER_FOLDER + " or the same settings and data");
        }
    }

    /**
     * Why a run of the same method name has another mechanism: the names that changed meaning with run.json
     * format 3 ({@link RunInfo#RENAMED_IN_3}); empty otherwise.
     */
    private static String renamedNote(JsonNode was, JsonNode is) {
        String method = is.path("method").asText();
        if (!RunInfo.RENAMED_IN_3.containsKey(method) || !RunInfo.RENAMED_IN_3.get(method).equals(was.path("method").asText())) {
            return "";
        }
        return ": that run was made before run.json format 3, when '" + method + "' was a layout in DPL's key/value mechanism; '"
                + method + "' now names the published method (prompts replacing tokens of the residual stream), and that layout "
                + "is '" + RunInfo.RENAMED_IN_3.get(method) + "'";
    }

    /** "a train run", "a pre-training run" (no kind recorded) or "no dpl4j run" (not a JSON object). */
    public static String describe(JsonNode info) {
        if (!info.isObject()) {
            return "no dpl4j run";
        }
        String k = kindOf(info);
        return "a " + (k == null ? "pre-training" : k) + " run";
    }

    private static String kindOf(JsonNode info) {
        JsonNode k = info.get("kind");
        return k == null || k.isNull() ? null : k.asText();
    }

    private JsonNode withDefaults(JsonNode info) {
        JsonNode copy = info.deepCopy();
        for (Map.Entry<String, String> d : defaults.entrySet()) {
            String[] parts = d.getKey().split("\\.");
            JsonNode parent = copy;
            for (int i = 0; i < parts.length - 1 && parent instanceof ObjectNode; i++) {
                parent = parent.get(parts[i]);
            }
            if (parent instanceof ObjectNode o && !o.has(parts[parts.length - 1])) {
                o.put(parts[parts.length - 1], d.getValue());
            }
        }
        return copy;
    }

    private JsonNode withoutFree(JsonNode info) {
        JsonNode copy = info.deepCopy();
        for (String path : free) {
            String[] parts = path.split("\\.");
            JsonNode parent = copy;
            for (int i = 0; i < parts.length - 1 && parent != null; i++) {
                parent = parent.get(parts[i]);
            }
            if (parent instanceof ObjectNode o) {
                o.remove(parts[parts.length - 1]);
            }
        }
        return copy;
    }

    /**
     * The first difference between two JSON trees as {@code path was X, now Y} (dotted path, array
     * elements by index), or {@code path was X, now absent} / {@code path is new}.
     */
    static String firstDifference(JsonNode was, JsonNode now) {
        return difference(was, now, "");
    }

    private static String difference(JsonNode was, JsonNode now, String path) {
        if (was.isObject() && now.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            was.fieldNames().forEachRemaining(names::add);
            now.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                String p = child(path, n);
                if (!now.has(n)) {
                    return p + " was " + was.get(n) + ", now absent";
                }
                if (!was.has(n)) {
                    return p + " is new (" + now.get(n) + ")";
                }
                if (!was.get(n).equals(now.get(n))) {
                    return difference(was.get(n), now.get(n), p);
                }
            }
        } else if (was.isArray() && now.isArray() && was.size() == now.size()) {
            Iterator<JsonNode> a = was.elements();
            Iterator<JsonNode> b = now.elements();
            for (int i = 0; a.hasNext(); i++) {
                JsonNode x = a.next();
                JsonNode y = b.next();
                if (!x.equals(y)) {
                    return difference(x, y, child(path, Integer.toString(i)));
                }
            }
        }
        return (path.isEmpty() ? "run.json" : path) + " was " + was + ", now " + now;
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
