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
 * model's {@code precision} and {@code device} (a format-1 run was fp32 on the CPU).
 */
public record RunInfo(
        int format,
        String kind,
        String method,
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
    public static final int FORMAT = 2;

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
            numbered.put("format", FORMAT);
            numbered.setAll(out);
            out = numbered;
        }
        return out;
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
    public static RunInfo start(String kind, String method, DataSpec spec, DatasetSplits data, List<String> splits,
            Object promptConfig, Object settings, ModelRef model, String command) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String s : splits) {
            sizes.put(s, switch (s) {
                case "train" -> data.train().size();
                case "val" -> data.val().size();
                case "test" -> data.test().size();
                default -> throw new IllegalArgumentException("no split " + s);
            });
        }
        return new RunInfo(FORMAT, kind, method, data.name(), spec.root().toString(), spec.shots(), spec.seed(), spec.subsample(),
                sizes, data.classNames(), promptConfig, settings, SampleTransforms.PROMPT_LEARNING.description(), model,
                Engine.here(), Instant.now().toString(), Version.get(), command);
    }
}
