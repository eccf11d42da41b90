package org.dpl4j.api;

import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpl4j.model.WeightFormatException;
import org.dpl4j.tensor.Placement;
import org.dpl4j.testutil.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Bundle files ({@code dpl4j export}) on fuzzed bytes: the safetensors header, the {@code dpl4j.bundle}
 * metadata (format, version, class names, layout, preprocessing, model record) and, for bundles that
 * carry their model, the embedded weights and their checksum. A bundle that reads must classify an
 * image as the server would ({@link Classifier}: one probability per class name); anything else must be
 * refused with an IOException (or the model loader's {@link WeightFormatException}) whose one line names
 * the file.
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
        Bundle b = returnsOrRefuses(() -> Bundle.read(file, null, Placement.CPU_FP32), file.toString(), IOException.class,
                WeightFormatException.class);
        if (b != null) {
            // what the server does with it: one image through the classifier, one probability per class
            try (Classifier c = Classifier.of(b)) {
                int r = c.info().preprocessing().resolution();
                float[][] p = c.probabilities(List.of(new float[3 * r * r]));
                if (p.length != 1 || p[0].length != c.labels().size()) {
                    throw new AssertionError(c.labels().size() + " classes but " + p[0].length + " probabilities");
                }
            }
        }
    }
}
