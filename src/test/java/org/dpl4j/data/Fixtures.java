package org.dpl4j.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tiny on-disk datasets for loader tests. Images are empty files: loaders never decode them. */
final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /** One split-file entry. */
    record E(String path, int label, String name) {}

    static E e(String path, int label, String name) {
        return new E(path, label, name);
    }

    /** Creates an empty file (and its folders). */
    static Path touch(Path file) {
        try {
            Files.createDirectories(file.getParent());
            return Files.exists(file) ? file : Files.createFile(file);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Writes {@code splitFile} in CoOp's format and creates every listed image under
     * {@code imageDir}.
     */
    static void splitDataset(Path splitFile, Path imageDir, List<E> train, List<E> val, List<E> test)
            throws IOException {
        Map<String, List<List<Object>>> json = new LinkedHashMap<>();
        json.put("train", rows(train));
        json.put("val", rows(val));
        json.put("test", rows(test));
        Files.createDirectories(splitFile.getParent());
        JSON.writeValue(splitFile.toFile(), json);
        for (List<E> split : List.of(train, val, test)) {
            for (E e : split) {
                touch(imageDir.resolve(e.path()));
            }
        }
    }

    private static List<List<Object>> rows(List<E> entries) {
        List<List<Object>> out = new ArrayList<>();
        for (E e : entries) {
            out.add(List.of(e.path(), e.label(), e.name()));
        }
        return out;
    }

    /** A synthetic dataset with {@code perClass} train/val/test images in each of {@code classes} classes. */
    static DatasetSplits synthetic(int classes, int perClass) {
        List<String> names = new ArrayList<>();
        List<Sample> train = new ArrayList<>();
        List<Sample> val = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
            for (int i = 0; i < perClass; i++) {
                train.add(new Sample(Path.of("/data/train/c" + c + "/img" + i + ".jpg"), c, "class " + c));
                val.add(new Sample(Path.of("/data/val/c" + c + "/img" + i + ".jpg"), c, "class " + c));
                test.add(new Sample(Path.of("/data/test/c" + c + "/img" + i + ".jpg"), c, "class " + c));
            }
        }
        return new DatasetSplits("Synthetic", names, train, val, test);
    }
}
