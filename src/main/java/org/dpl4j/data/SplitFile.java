package org.dpl4j.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.util.JsonProblem;

/**
 * Reads CoOp's split files ({@code split_zhou_*.json}):
 * {@code {"train"|"val"|"test": [[relative_path, label, classname], ...]}}, paths relative to the
 * dataset's image folder. Only the shape is checked here; label/name consistency is
 * {@link SplitBuilder}'s job, so that the text-file based layouts (FGVCAircraft) share it.
 */
final class SplitFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SPLITS = List.of("train", "val", "test");

    /** One {@code [relative_path, label, classname]} triple as it stands in the file. */
    record Entry(String relativePath, int label, String className) {
        Entry withClassName(String name) {
            return new Entry(relativePath, label, name);
        }

        /** The first path element, i.e. the class folder for layouts that have one. */
        String topFolder() {
            String p = relativePath.replace('\\', '/');
            int slash = p.indexOf('/');
            return slash < 0 ? "" : p.substring(0, slash);
        }
    }

    /** The three splits of one file, in the order train, val, test. */
    record Contents(Path file, List<Entry> train, List<Entry> val, List<Entry> test) {
        List<Entry> get(String split) {
            return switch (split) {
                case "train" -> train;
                case "val" -> val;
                case "test" -> test;
                default -> throw new IllegalArgumentException(split);
            };
        }
    }

    private SplitFile() {}

    static Contents read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("split file " + file + " not found");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JacksonException | CharConversionException e) {
            throw new DatasetException("split file " + file + " is not valid JSON: " + JsonProblem.of(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new DatasetException("split file " + file + " is not a JSON object with train/val/test");
        }
        List<List<Entry>> parts = new ArrayList<>();
        for (String split : SPLITS) {
            JsonNode array = root.get(split);
            if (array == null || !array.isArray()) {
                throw new DatasetException("split file " + file + " has no \"" + split + "\" array");
            }
            List<Entry> entries = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                entries.add(entry(file, split, i, array.get(i)));
            }
            parts.add(entries);
        }
        return new Contents(file, parts.get(0), parts.get(1), parts.get(2));
    }

    private static Entry entry(Path file, String split, int index, JsonNode node) throws DatasetException {
        boolean ok = node.isArray() && node.size() == 3 && node.get(0).isTextual()
                && node.get(1).canConvertToInt() && node.get(1).isIntegralNumber() && node.get(2).isTextual()
                && node.get(1).asInt() >= 0;
        if (!ok) {
            throw new DatasetException("split file " + file + ": " + split + "[" + index
                    + "] is not [relative_path, label >= 0, classname]: " + node);
        }
        return new Entry(node.get(0).asText(), node.get(1).asInt(), node.get(2).asText());
    }
}
