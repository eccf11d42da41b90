package org.dpl4j.model.io;

import org.dpl4j.tensor.io.Safetensors;
import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.testutil.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The safetensors reader on arbitrary bytes: the 8-byte header length, the JSON header (names, dtypes,
 * shapes, data offsets, metadata) and the data behind it. Every file that reads must give tensors of
 * the shapes its header declares, none of them larger than the file (a header cannot make the reader
 * allocate more than the file holds), and metadata of strings; every other file must be refused with
 * an IOException whose one line names the file.
 */
class SafetensorsFuzzTest {
    static Path dir;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("dpl4j-fuzz-safetensors");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        FuzzFiles.delete(dir);
    }

    @FuzzTest
    @DictionaryEntries({"\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"F16\"", "\"BF16\"",
        "\"I64\"", "\"I32\"", "\"U8\"", "\"F64\"", "\"BOOL\"", "\"I8\"", "\"I16\""})
    void readsOrRefuses(byte[] data) throws Exception {
        Path file = FuzzFiles.write(dir.resolve("model.safetensors"), data);
        try (Scope s = Scope.open()) {
            Map<String, Tensor> tensors = returnsOrRefuses(() -> Safetensors.read(file), file.toString(), IOException.class);
            if (tensors != null) {
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    Shape shape = Shape.of(e.getValue());
                    long bytes = e.getValue().nbytes();
                    if (shape.size() != e.getValue().numel() || bytes > data.length) {
                        throw new AssertionError("tensor " + e.getKey() + " of shape " + shape + " holds " + bytes
                                + " bytes, the file " + data.length);
                    }
                }
            }
        }
        Map<String, String> meta = returnsOrRefuses(() -> Safetensors.metadata(file), file.toString(), IOException.class);
        if (meta != null && meta.values().stream().anyMatch(v -> v == null)) {
            throw new AssertionError("metadata with a null value: " + meta);
        }
    }
}
