package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A user's own images, one folder per class. Two layouts:
 * <ul>
 *   <li><b>pre-split</b>: {@code root/train/<class>/*} plus {@code root/val/<class>/*} and/or
 *       {@code root/test/<class>/*}; chosen when {@code root} has a {@code train} folder and all its
 *       sub-folders are {@code train}, {@code val} or {@code test}. A missing split is carved out of
 *       train per class: val {@value #VAL_PERCENT}% and test {@value #TEST_PERCENT}% of the class's
 *       train images.</li>
 *   <li><b>one level</b>: {@code root/<class>/*}, split per class into train/val/test
 *       {@value #TRAIN_PERCENT}/{@value #VAL_PERCENT}/{@value #TEST_PERCENT}% (rounded; train keeps
 *       at least one image).</li>
 * </ul>
 * Carving is seeded ({@link SplitCarver#SEED}) and sorts by path first, so the split is the same
 * on every run and machine. Classes are the class folder names in sorted order (label = index),
 * underscores shown as spaces; images are found recursively inside a class folder by extension
 * ({@link ImageFiles#EXTENSIONS}); hidden files and folders are ignored. The dataset is named after
 * {@code root}'s folder.
 */
final class ImageFolderDataset implements DatasetLoader {
    static final int TRAIN_PERCENT = 50;
    static final int VAL_PERCENT = 20;
    static final int TEST_PERCENT = 30;
    private static final Set<String> SPLIT_DIRS = Set.of("train", "val", "test");

    @Override
    public DatasetSplits load(Path root) throws IOException {
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("imagefolder: folder " + dir + " not found");
        }
        String name = dir.getFileName() == null ? "imagefolder" : dir.getFileName().toString();
        List<Path> top = ImageFiles.subdirectories(dir);
        boolean preSplit = top.stream().anyMatch(p -> p.getFileName().toString().equals("train"))
                && top.stream().allMatch(p -> SPLIT_DIRS.contains(p.getFileName().toString()));
        return preSplit ? loadPreSplit(name, dir) : loadOneLevel(name, dir);
    }

    private static DatasetSplits loadOneLevel(String name, Path dir) throws IOException {
        Map<String, List<Path>> byClass = classes(dir);
        if (byClass.isEmpty()) {
            throw new DatasetException("imagefolder: " + dir + " has no class folders (expected root/<class>/<images>)");
        }
        for (Map.Entry<String, List<Path>> e : byClass.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new DatasetException("imagefolder: class folder " + dir.resolve(e.getKey()) + " has no images");
            }
        }
        List<String> classNames = promptNames(byClass.keySet());
        List<Sample> all = samples(byClass, new ArrayList<>(byClass.keySet()), classNames);
        List<List<Sample>> parts = SplitCarver.carve(all, classNames.size(),
                new double[] {TRAIN_PERCENT / 100.0, VAL_PERCENT / 100.0, TEST_PERCENT / 100.0}, SplitCarver.SEED);
        return new DatasetSplits(name, classNames, parts.get(0), parts.get(1), parts.get(2));
    }

    private static DatasetSplits loadPreSplit(String name, Path dir) throws IOException {
        Map<String, Map<String, List<Path>>> splits = new LinkedHashMap<>();
        TreeSet<String> allClasses = new TreeSet<>();
        for (String split : SplitFile.SPLITS) {
            Path splitDir = dir.resolve(split);
            if (Files.isDirectory(splitDir)) {
                Map<String, List<Path>> byClass = classes(splitDir);
                splits.put(split, byClass);
                allClasses.addAll(byClass.keySet());
            }
        }
        if (allClasses.isEmpty()) {
            throw new DatasetException("imagefolder: " + dir.resolve("train") + " has no class folders");
        }
        List<String> folders = new ArrayList<>(allClasses);
        for (String folder : folders) {
            boolean any = splits.values().stream().anyMatch(m -> !m.getOrDefault(folder, List.of()).isEmpty());
            if (!any) {
                throw new DatasetException("imagefolder: class folder '" + folder + "' under " + dir + " has no images");
            }
        }
        List<String> classNames = promptNames(folders);
        List<Sample> train = samples(splits.get("train"), folders, classNames);
        List<Sample> val = splits.containsKey("val") ? samples(splits.get("val"), folders, classNames) : null;
        List<Sample> test = splits.containsKey("test") ? samples(splits.get("test"), folders, classNames) : null;
        if (val == null || test == null) {
            double valShare = val == null ? VAL_PERCENT / 100.0 : 0;
            double testShare = test == null ? TEST_PERCENT / 100.0 : 0;
            List<List<Sample>> parts = SplitCarver.carve(train, classNames.size(),
                    new double[] {1 - valShare - testShare, valShare, testShare}, SplitCarver.SEED);
            train = parts.get(0);
            val = val == null ? parts.get(1) : val;
            test = test == null ? parts.get(2) : test;
        }
        return new DatasetSplits(name, classNames, train, val, test);
    }

    /** Class folder name to its images (recursively), in sorted folder order. */
    static Map<String, List<Path>> classes(Path dir) throws IOException {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        for (Path folder : ImageFiles.subdirectories(dir)) {
            out.put(folder.getFileName().toString(), ImageFiles.images(folder, true));
        }
        return out;
    }

    /** Prompt-ready class names of the folders, in the same order; two folders may not read the same. */
    static List<String> promptNames(Collection<String> folders) throws DatasetException {
        List<String> names = new ArrayList<>();
        for (String f : folders) {
            String n = CoopNames.forPrompt(f);
            if (names.contains(n)) {
                throw new DatasetException("imagefolder: class folders '" + f + "' and another both read as '" + n + "'");
            }
            names.add(n);
        }
        return names;
    }

    /** Samples of each folder's images, labelled by the folder's index in {@code folders}. */
    static List<Sample> samples(Map<String, List<Path>> byClass, List<String> folders,
                                        List<String> classNames) {
        List<Sample> out = new ArrayList<>();
        for (int label = 0; label < folders.size(); label++) {
            for (Path image : byClass.getOrDefault(folders.get(label), List.of())) {
                out.add(new Sample(image, label, classNames.get(label)));
            }
        }
        return out;
    }
}
