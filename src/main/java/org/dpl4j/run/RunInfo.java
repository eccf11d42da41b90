package org.dpl4j.run;

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
 * {@link RunIdentity} decides which of these must match when a run is resumed.
 */
public record RunInfo(
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
        return new RunInfo(kind, method, data.name(), spec.root().toString(), spec.shots(), spec.seed(), spec.subsample(),
                sizes, data.classNames(), promptConfig, settings, SampleTransforms.PROMPT_LEARNING.description(), model,
                Engine.here(), Instant.now().toString(), Version.get(), command);
    }
}
