package org.dpl4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.dpl4j.data.DataSpec;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.tensor.CpuFeatures;
import org.dpl4j.tensor.Torch;
import org.dpl4j.util.Version;

/**
 * run.json: everything needed to reproduce or reuse a run (Tribuo-style provenance): what kind
 * of run, the method, the data (dataset, root, shots, seed, class subset, split sizes, class
 * names), the prompt layout, every setting, the image decoding order, the model, its checksum and
 * precision, the machine it ran on ({@link Engine}), and versions.
 * {@link RunIdentity} decides which of these must match when a run is resumed or reused.
 *
 * <p>{@code format} numbers the shape of this record, so that it can change and the runs earlier
 * versions wrote are still read ({@link #upgrade}): format 1 is every run.json written before the
 * field existed (it has none); format 2 adds {@code "format": 2} first, {@code engine}, and the
 * model's {@code precision} and {@code device} (a format-1 run was fp32 on the CPU); format 3 adds
 * {@code mechanism}, how the method's prompts enter CLIP ({@link #MECHANISMS}), because the names
 * {@code ivlp} and {@code vpt-deep} changed meaning: before format 3 they were layouts in DPL's key/value
 * mechanism, from format 3 on the published methods, whose prompts replace tokens of the residual stream;
 * format 4 gathers the prompts' SGD and schedule of a train or search run into {@code settings.sgd}
 * ({@code lr}, {@code momentum}, {@code weightDecay}, {@code warmupEpochs}, {@code warmupLr}; a
 * search's {@code promptLr} is its {@code lr}), one record both stages share.
 */
public record RunInfo(
        int format,
        String kind,
        String method,
        String mechanism,
        String dataset,
        String root,
        int shots,
        long seed,
        String subsample,
        Map<String, Integer> splitSizes,
        List<String> classNames,
        Object promptConfig,
        Object settings,
        String imageDecoding,
        ModelRef model,
        Engine engine,
        String started,
        String dpl4jVersion,
        String command) {

    /** The format this version writes, and the newest it reads. */
    public static final int FORMAT = 4;

    /** DPL's per-block keys/values ({@code dpl}, {@code coop}, {@code uniform-N}, {@code kv-*}). */
    public static final String KEY_VALUE = "key-value";
    /** Prompt tokens in the residual stream, replaced block by block ({@code maple}, {@code ivlp}, {@code vpt-deep}, {@code promptsrc}). */
    public static final String STREAM = "stream";
    /** CoCoOp's image-conditioned input context. */
    public static final String CONDITIONAL = "cocoop";
    /** No prompts (zero-shot CLIP). */
    public static final String NONE = "none";
    public static final List<String> MECHANISMS = List.of(KEY_VALUE, STREAM, CONDITIONAL, NONE);

    /** The names whose meaning changed with format 3 ({@link #mechanismBefore3}), and what they name now. */
    public static final Map<String, String> RENAMED_IN_3 = Map.of("ivlp", "kv-ivlp", "vpt-deep", "kv-vpt-deep", "vpt", "kv-vpt-deep");

    /**
     * What a run.json written before format 3 ran: CoCoOp its own mechanism, MaPLe (train or search) in the
     * stream, the zero-shot baselines (kind {@code zeroshot}) nothing, every other method (among them
     * {@code ivlp} and {@code vpt-deep}) a layout in DPL's key/value mechanism.
     */
    static String mechanismBefore3(String kind, String method) {
        if ("zeroshot".equals(kind)) {
            return NONE;
        }
        return switch (method == null ? "" : method) {
            case "cocoop" -> CONDITIONAL;
            case "maple" -> STREAM;
            default -> KEY_VALUE;
        };
    }

    /** The method of a run.json in the current format ({@link #upgrade}): renamed runs by their present name. */
    public static String presentName(JsonNode info) {
        return info.path("method").asText(null);
    }

    /** The format of a run.json written before formats were numbered (it has no {@code format} field). */
    static final int UNNUMBERED = 1;

    /**
     * A run.json as this version writes it: {@code info} (format {@link #UNNUMBERED} to
     * {@link #FORMAT}, as read from a run directory) brought to format {@link #FORMAT}, so that
     * settings compare equal whichever version wrote them. Fails on a format it does not know.
     */
    public static ObjectNode upgrade(ObjectNode info) {
        JsonNode f = info.get("format");
        if (f != null && !f.canConvertToExactIntegral()) {
            throw new IllegalArgumentException("run.json format " + f + " is not a format number");
        }
        int format = f == null ? UNNUMBERED : f.asInt();
        if (format < UNNUMBERED || format > FORMAT) {
            throw new IllegalArgumentException("run.json format " + format + " is not one this dpl4j reads (" + UNNUMBERED
                    + " to " + FORMAT + ")" + (format > FORMAT ? "; it was written by a newer dpl4j" : ""));
        }
        ObjectNode out = info.deepCopy();
        if (format == UNNUMBERED) {
            // 1 -> 2: the field itself, first as this version writes it; nothing else changed
            ObjectNode numbered = out.objectNode();
            numbered.put("format", 2);
            numbered.setAll(out);
            out = numbered;
            format = 2;
        }
        if (format == 2) {
            // 2 -> 3: the mechanism the run's method had then, after the method as this version writes it; a key/value
            // ivlp or vpt-deep layout is read as what it was, under the name that layout has now (kv-ivlp, kv-vpt-deep)
            ObjectNode two = out;
            ObjectNode three = two.objectNode();
            String mechanism = mechanismBefore3(two.path("kind").asText(null), two.path("method").asText(null));
            two.fields().forEachRemaining(e -> {
                if ("method".equals(e.getKey())) {
                    String m = e.getValue().asText();
                    three.put("method", KEY_VALUE.equals(mechanism) ? RENAMED_IN_3.getOrDefault(m, m) : m);
                    three.put("mechanism", mechanism);
                } else {
                    three.set(e.getKey(), e.getValue());
                }
            });
            three.put("format", 3);
            out = three;
            format = 3;
        }
        if (format == 3) {
            out = sgdGathered(out);
        }
        return out;
    }

    /** A format-3 run's SGD fields, by the names format 3 wrote them under, in order, and their format-4 names. */
    private static final Map<String, String> SGD_FIELDS_3 = sgdFields3();

    private static Map<String, String> sgdFields3() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("lr", "lr");
        m.put("promptLr", "lr"); // the search's prompt step
        m.put("momentum", "momentum");
        m.put("weightDecay", "weightDecay");
        m.put("warmupEpochs", "warmupEpochs");
        m.put("warmupLr", "warmupLr");
        return m;
    }

    /**
     * 3 -> 4: the SGD fields of {@code settings} gathered into {@code settings.sgd}, placed where the
     * first of them was (runs without them, zero-shot ones, keep their settings as they are).
     */
    private static ObjectNode sgdGathered(ObjectNode three) {
        ObjectNode four = three.deepCopy();
        four.put("format", 4);
        if (!(three.get("settings") instanceof ObjectNode settings) || SGD_FIELDS_3.keySet().stream().noneMatch(settings::has)) {
            return four;
        }
        ObjectNode gathered = settings.objectNode();
        ObjectNode sgd = settings.objectNode();
        settings.fields().forEachRemaining(e -> {
            String to = SGD_FIELDS_3.get(e.getKey());
            if (to == null) {
                gathered.set(e.getKey(), e.getValue());
            } else {
                if (sgd.isEmpty()) {
                    gathered.set("sgd", sgd);
                }
                sgd.set(to, e.getValue());
            }
        });
        four.set("settings", gathered);
        return four;
    }

    /**
     * The machine a run (last) started on: libtorch's intra-op threads, the CPU and its matrix-unit
     * flags ({@link CpuFeatures}) and what libtorch's CPU kernels dispatch to. Bookkeeping: a run
     * may resume on another machine (the precision, which changes the numbers, is the model's).
     */
    public record Engine(int threads, String cpuModel, List<String> cpuFlags, String cpuCapability) {
        public static Engine here() {
            CpuFeatures cpu = CpuFeatures.detect();
            return new Engine(Torch.threads(), cpu.model(), List.copyOf(new TreeSet<>(cpu.flags())), Torch.cpuCapability());
        }
    }

    /**
     * The record of a run starting now on {@code data} (loaded from {@code spec}); split sizes of
     * {@code splits} only (a search never touches test).
     */
    public static RunInfo start(String kind, String method, String mechanism, DataSpec spec, DatasetSplits data,
            List<String> splits, Object promptConfig, Object settings, ModelRef model, String command) {
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("unknown prompt mechanism '" + mechanism + "'");
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String s : splits) {
            sizes.put(s, switch (s) {
                case "train" -> data.train().size();
                case "val" -> data.val().size();
                case "test" -> data.test().size();
                default -> throw new IllegalArgumentException("no split " + s);
            });
        }
        return new RunInfo(FORMAT, kind, method, mechanism, data.name(), spec.root().toString(), spec.shots(), spec.seed(), spec.subsample(),
                sizes, data.classNames(), promptConfig, settings, SampleTransforms.PROMPT_LEARNING.description(), model,
                Engine.here(), Instant.now().toString(), Version.get(), command);
    }
}
