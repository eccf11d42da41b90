package org.dpl4j.run;

import java.io.IOException;
import java.nio.file.Path;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;

/** Which CLIP a run used: path, format, dims and SHA-256, so a run can be reproduced and checked. */
public record ModelRef(String path, String format, String sha256, ClipConfig config) {

    public static ModelRef of(Path path, ClipModel model) throws IOException {
        return new ModelRef(path.toAbsolutePath().toString(),
                model.weights().format() == null ? "random" : model.weights().format().name(),
                Checksums.sha256(path), model.config());
    }
}
