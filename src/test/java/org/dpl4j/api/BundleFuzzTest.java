package org.dpl4j.api;

import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dpl4j.tensor.Placement;
import org.dpl4j.testutil.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Bundle files ({@code dpl4j export}) on fuzzed bytes: the safetensors header, the {@code dpl4j.bundle}
 * metadata (format, version, class names, layout, preprocessing, model record) and, for bundles that
 * carry their model, the embedded weights and their checksum. A bundle that reads must be usable by
 * {@link Classifier}: one class-feature row per class name; anything else must be refused with an
 * IOException whose one line names the file.
 */
class BundleFuzzTest {
    static Path dir;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("dpl4j-fuzz-bundle");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        FuzzFiles.delete(dir);
    }

    @FuzzTest
    @DictionaryEntries({"\"dpl4j.bundle\"", "\"format\"", "\"version\"", "\"classNames\"", "\"layout\"", "\"preprocessing\"",
        "\"model\"", "\"embedded\"", "\"embeddedSha256\"", "\"decodeOrder\"", "\"resolution\"", "class_text_features",
        "prompt.image.", "clip."})
    void readsOrRefuses(byte[] data) throws Exception {
        Path file = FuzzFiles.write(dir.resolve("classifier.bundle"), data);
        Bundle b = returnsOrRefuses(() -> Bundle.read(file, null, Placement.CPU_FP32), file.toString(), IOException.class);
        if (b != null) {
            try (b) {
                if (b.features().size(0) != b.info().classNames().size()) {
                    throw new AssertionError(b.info().classNames().size() + " class names but " + b.features().size(0)
                            + " feature rows");
                }
            }
        }
    }
}
