package org.dpl4j.data;

import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpl4j.testutil.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * CoOp split files ({@code split_zhou_*.json}) and Flowers' {@code cat_to_name.json} on fuzzed bytes,
 * through the dataset loaders that read them: the input is two files ({@link FuzzFiles}), the split
 * file and cat_to_name.json, loaded as OxfordPets (split file only) and as OxfordFlowers (both).
 * The image folders hold (empty) files for every name in the demo Oxford Pets split and a few DTD-style
 * paths, so that the listed images exist. A dataset that loads must be consistent: every sample's
 * label indexes the class names, its class name is that label's, its file exists; anything else must
 * be refused with a {@link DatasetException} whose one line names the dataset's folder.
 */
class SplitFileFuzzTest {
    static Path root;

    @BeforeAll
    static void datasets() throws IOException {
        root = Files.createTempDirectory("dpl4j-fuzz-splits");
        JsonNode demo = new ObjectMapper().readTree(Path.of("demo-data/oxford_pets/split_zhou_OxfordPets.json").toFile());
        for (String images : List.of("oxford_pets/images", "oxford_flowers/jpg")) {
            Path dir = Files.createDirectories(root.resolve(images));
            for (JsonNode split : demo) {
                for (JsonNode entry : split) {
                    Files.createFile(dir.resolve(entry.get(0).asText()));
                }
            }
            for (String f : List.of("banded/banded_0002.jpg", "banded/banded_0004.jpg", "blotchy/blotchy_0003.jpg",
                    "image_06734.jpg", "image_06735.jpg")) {
                Files.createDirectories(dir.resolve(f).getParent());
                Files.createFile(dir.resolve(f));
            }
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        FuzzFiles.delete(root);
    }

    @FuzzTest
    @DictionaryEntries({FuzzFiles.SEPARATOR, "\"train\"", "\"val\"", "\"test\"", "Abyssinian_1.jpg", "banded/banded_0002.jpg"})
    void loadsOrRefuses(byte[] data) throws Exception {
        List<byte[]> files = FuzzFiles.split(data, 2);
        FuzzFiles.write(root.resolve("oxford_pets/split_zhou_OxfordPets.json"), files.get(0));
        FuzzFiles.write(root.resolve("oxford_flowers/split_zhou_OxfordFlowers.json"), files.get(0));
        FuzzFiles.write(root.resolve("oxford_flowers/cat_to_name.json"), files.get(1));
        for (String name : List.of("oxford_pets", "oxford_flowers")) {
            DatasetSplits d = returnsOrRefuses(() -> Datasets.load(name, root), root.resolve(name).toString(),
                    DatasetException.class);
            if (d != null) {
                checkConsistent(d);
            }
        }
    }

    /** What training and evaluation rely on: labels index the class names, and every listed image exists. */
    static void checkConsistent(DatasetSplits d) {
        for (List<Sample> split : List.of(d.train(), d.val(), d.test())) {
            for (Sample s : split) {
                if (s.label() < 0 || s.label() >= d.classNames().size() || !d.classNames().get(s.label()).equals(s.className())
                        || !Files.isRegularFile(s.path())) {
                    throw new AssertionError("inconsistent sample " + s + " of " + d.name() + " with classes " + d.classNames());
                }
            }
        }
        if (d.classNames().stream().anyMatch(String::isBlank)) {
            throw new AssertionError("a blank class name in " + d.classNames());
        }
    }
}
