package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A folder {@code root/<class>/*} taken whole as a test set: every image is evaluated, nothing is
 * carved off for training. Zero-shot evaluation learns nothing, so the train/val/test split that
 * {@link Datasets#load(String, Path) imagefolder} makes would only throw 70% of the user's images away.
 *
 * <p>Class folders, image discovery and class names follow {@link ImageFolderDataset}: folders in
 * sorted order (label = index), images found recursively by extension, hidden entries ignored,
 * underscores read as spaces.
 */
public final class ClassFolders {
    private static final Set<String> SPLIT_DIRS = Set.of("train", "val", "test");

    private ClassFolders() {}

    /**
     * All images under {@code root} as the test split of a dataset named after the folder (train and
     * val empty).
     *
     * @throws DatasetException naming the folder when it is missing, has no class folders, has a class
     *     folder without images, or is a pre-split layout ({@code train/ val/ test/}) whose split
     *     folders would otherwise be read as classes
     */
    public static DatasetSplits testSet(Path root) throws IOException {
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.exists(dir)) {
            throw new DatasetException("image folder not found: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("not a folder: " + dir + " (expected a folder of class folders)");
        }
        Map<String, List<Path>> byClass = ImageFolderDataset.classes(dir);
        if (byClass.isEmpty()) {
            throw new DatasetException(dir + " has no class folders (expected " + dir + "/<class>/<images>)");
        }
        if (SPLIT_DIRS.containsAll(byClass.keySet())) {
            throw new DatasetException(dir + " holds split folders " + byClass.keySet() + ", not classes; pass "
                    + dir.resolve(byClass.containsKey("test") ? "test" : byClass.keySet().iterator().next())
                    + " instead");
        }
        for (Map.Entry<String, List<Path>> e : byClass.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new DatasetException("class folder " + dir.resolve(e.getKey()) + " has no images");
            }
        }
        List<String> folders = new ArrayList<>(byClass.keySet());
        List<String> classNames = ImageFolderDataset.promptNames(folders);
        List<Sample> all = ImageFolderDataset.samples(byClass, folders, classNames);
        String name = dir.getFileName() == null ? "imagefolder" : dir.getFileName().toString();
        return new DatasetSplits(name, classNames, List.of(), List.of(), all);
    }
}
