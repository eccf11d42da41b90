package org.dpl4j.run;

import java.io.IOException;
import java.nio.file.Path;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;

/**
 * Which CLIP a run used: path, format, dims and SHA-256, so a run can be reproduced and checked, and
 * the precision its frozen weights were held in ({@code fp32}, {@code bf16}: it changes the numbers,
 * so a run resumes only in its own) and the device it ran on.
 */
public record ModelRef(String path, String format, String sha256, ClipConfig config, String precision, String device) {

    /** A model held in fp32 on the CPU. */
    public ModelRef(String path, String format, String sha256, ClipConfig config) {
        this(path, format, sha256, config, "fp32", "cpu");
    }

    public static ModelRef of(Path path, ClipModel model) throws IOException {
        return new ModelRef(path.toAbsolutePath().toString(),
                model.weights().format() == null ? "random" : model.weights().format().name(),
                Checksums.sha256(path), model.config(), model.placement().precision().label(),
                model.placement().device().toString());
    }
}
