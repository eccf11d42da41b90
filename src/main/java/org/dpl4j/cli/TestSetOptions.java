package org.dpl4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.dpl4j.data.ClassFolders;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Datasets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The images to evaluate on: a user's class folders taken whole, or the test split of a CoOp
 * benchmark dataset. Exactly one of the two (picocli enforces it).
 */
final class TestSetOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "image folder DIR/<class>/*: every image is a test image, class names from the folders")
    Path data;

    @ArgGroup(exclusive = false)
    Coop coop;

    /** A CoOp dataset by name and the folder that contains it. */
    static final class Coop {
        @Option(names = "--dataset", required = true, paramLabel = "NAME",
                description = "CoOp dataset (e.g. OxfordPets, caltech101): its test split is evaluated")
        String name;

        @Option(names = "--root", required = true, paramLabel = "DIR",
                description = "folder that contains the dataset folder (as in CoOp)")
        Path root;
    }

    /** The dataset's name without reading it: picks a {@code custom} template, checks the name early. */
    String name() {
        if (data != null) {
            Path file = data.toAbsolutePath().normalize().getFileName();
            return file == null ? "imagefolder" : file.toString();
        }
        return Datasets.canonicalName(coop.name);
    }

    /** What the report calls the data: the folder, or the dataset and its root. */
    String describe() {
        return data != null ? data.toString() : Datasets.canonicalName(coop.name) + " test split under " + coop.root;
    }

    /** The evaluation images are the {@link DatasetSplits#test()} split of the result. */
    DatasetSplits load() throws IOException {
        return data != null ? ClassFolders.testSet(data) : Datasets.load(coop.name, coop.root);
    }
}
