package org.dpl4j.run;

import java.util.List;
import java.util.Map;

/**
 * run.json: everything needed to reproduce or reuse a run (Tribuo-style provenance): what kind
 * of run, the method, the data (dataset, root, shots, seed, class subset, split sizes, class
 * names), the prompt layout, every setting, the model and its checksum, and versions.
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
        ModelRef model,
        String started,
        String dpl4jVersion,
        String command) {}
