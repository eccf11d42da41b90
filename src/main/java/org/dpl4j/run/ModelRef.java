package org.dpl4j.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;

/**
 * Which CLIP a run used: path, format, dims and SHA-256, so a run can be reproduced and checked, and
 * the precision its frozen weights were held in ({@code fp32}, {@code bf16}: it changes the numbers,
 * so a run resumes only in its own) and the device it ran on.
 */
public record ModelRef(String path, String format, String sha256, ClipConfig config, String precision, String device) {
    /**
     * The checksums of the files models in memory were loaded from, by model and path: every stage
     * of a pipeline records or checks its model, finished stages too, and a model file is hundreds of
     * megabytes, so each model's file is read once, the first time a run of it is recorded or checked.
     */
    private static final Map<ClipModel, Map<String, String>> CHECKED = Collections.synchronizedMap(new WeakHashMap<>());

    /** A model held in fp32 on the CPU. */
    public ModelRef(String path, String format, String sha256, ClipConfig config) {
        this(path, format, sha256, config, "fp32", "cpu");
    }

    public static ModelRef of(Path path, ClipModel model) throws IOException {
        String file = path.toAbsolutePath().toString();
        Map<String, String> known = CHECKED.computeIfAbsent(model, m -> Collections.synchronizedMap(new HashMap<>()));
        String sha = known.get(file);
        if (sha == null) {
            sha = Checksums.sha256(path);
            known.put(file, sha);
        }
        return new ModelRef(file, model.weights().format() == null ? "random" : model.weights().format().name(), sha,
                model.config(), model.placement().precision().label(), model.placement().device().toString());
    }
}
