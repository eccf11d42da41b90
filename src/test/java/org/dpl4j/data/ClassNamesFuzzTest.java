package org.dpl4j.data;

import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpl4j.testutil.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The class-name readers of the layouts without a split file, on fuzzed bytes: ImageNet's
 * {@code classnames.txt} (lines {@code <wnid> <class name>}) and FGVCAircraft's {@code variants.txt}
 * with its {@code images_variant_{train,val,test}.txt}. The image folders are fixed (ImageNet: class
 * folders n01440764 and n02102040 with an image each in train and val; FGVC: images 1, 2 and 3). A
 * dataset that loads must be consistent ({@link SplitFileFuzzTest#checkConsistent}); anything else must
 * be refused with a {@link DatasetException} whose one line names the dataset's folder.
 */
class ClassNamesFuzzTest {
    static Path root;

    @BeforeAll
    static void datasets() throws IOException {
        root = Files.createTempDirectory("dpl4j-fuzz-classnames");
        for (String f : List.of("imagenet/images/train/n01440764/a.JPEG", "imagenet/images/train/n02102040/b.JPEG",
                "imagenet/images/val/n01440764/c.JPEG", "imagenet/images/val/n02102040/d.JPEG",
                "fgvc_aircraft/data/images/1.jpg", "fgvc_aircraft/data/images/2.jpg", "fgvc_aircraft/data/images/3.jpg")) {
            Files.createDirectories(root.resolve(f).getParent());
            Files.createFile(root.resolve(f));
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        FuzzFiles.delete(root);
    }

    @FuzzTest
    @DictionaryEntries({"n01440764 ", "n02102040 "})
    void imageNetClassNames(byte[] data) throws Exception {
        FuzzFiles.write(root.resolve("imagenet/classnames.txt"), data);
        DatasetSplits d = returnsOrRefuses(() -> Datasets.load("imagenet", root), root.resolve("imagenet").toString(),
                DatasetException.class);
        if (d != null) {
            SplitFileFuzzTest.checkConsistent(d);
        }
    }

    @FuzzTest
    @DictionaryEntries({FuzzFiles.SEPARATOR, "1 ", "2 ", "3 "})
    void fgvcVariants(byte[] data) throws Exception {
        List<byte[]> files = FuzzFiles.split(data, 4);
        Path dir = root.resolve("fgvc_aircraft/data");
        FuzzFiles.write(dir.resolve("variants.txt"), files.get(0));
        FuzzFiles.write(dir.resolve("images_variant_train.txt"), files.get(1));
        FuzzFiles.write(dir.resolve("images_variant_val.txt"), files.get(2));
        FuzzFiles.write(dir.resolve("images_variant_test.txt"), files.get(3));
        DatasetSplits d = returnsOrRefuses(() -> Datasets.load("fgvc_aircraft", root), dir.toString(), DatasetException.class);
        if (d != null) {
            SplitFileFuzzTest.checkConsistent(d);
        }
    }
}
