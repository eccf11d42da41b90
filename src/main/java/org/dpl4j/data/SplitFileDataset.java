package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any CoOp dataset that ships a {@code split_zhou_*.json}: {@code root/<folder>/<splitFile>} with
 * paths relative to {@code root/<folder>/<imageDir>}. The per-dataset differences (ignored classes,
 * renamed classes, names from {@code cat_to_name.json}) are an {@link EntryFix}.
 */
final class SplitFileDataset implements DatasetLoader {

    /**
     * Where a dataset's files are.
     *
     * @param name CoOp class name of the dataset, e.g. {@code Caltech101}
     * @param folder dataset folder under the root, e.g. {@code caltech-101}
     * @param imageDirs image folder under the dataset folder; the first that exists is used
     *                  ({@code ""} = the dataset folder itself)
     * @param splitFile split file name under the dataset folder
     */
    record Layout(String name, String folder, List<String> imageDirs, String splitFile) {
        Layout {
            imageDirs = List.copyOf(imageDirs);
        }

        String describe() {
            String images = String.join(" or ", imageDirs.stream().map(d -> d.isEmpty() ? "." : d).toList());
            return folder + "/{" + images + ", " + splitFile + "}";
        }
    }

    /** Rewrites one split-file entry: the fixed entry, or {@code null} to drop it. */
    @FunctionalInterface
    interface Rewrite {
        SplitFile.Entry apply(SplitFile.Entry e) throws DatasetException;
    }

    /** Per-dataset entry rewrite, built once per load because it may read files of the dataset. */
    @FunctionalInterface
    interface EntryFix {
        /** Returns the rewrite for this dataset folder. */
        Rewrite prepare(Path datasetDir) throws IOException;

        EntryFix NONE = dir -> e -> e;
    }

    private final Layout layout;
    private final EntryFix fix;
    private final MissingFilePolicy policy;

    SplitFileDataset(Layout layout, EntryFix fix, MissingFilePolicy policy) {
        this.layout = layout;
        this.fix = fix;
        this.policy = policy;
    }

    @Override
    public DatasetSplits load(Path root) throws IOException {
        Path dir = root.resolve(layout.folder()).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(layout.name() + ": folder " + dir + " not found (expected CoOp layout "
                    + layout.describe() + " under " + root + ")");
        }
        Path imageDir = null;
        for (String candidate : layout.imageDirs()) {
            Path p = candidate.isEmpty() ? dir : dir.resolve(candidate);
            if (Files.isDirectory(p)) {
                imageDir = p;
                break;
            }
        }
        if (imageDir == null) {
            throw new DatasetException(layout.name() + ": image folder " + dir.resolve(layout.imageDirs().get(0))
                    + " not found (expected CoOp layout " + layout.describe() + ")");
        }
        Path splitPath = dir.resolve(layout.splitFile());
        if (!Files.isRegularFile(splitPath)) {
            throw new DatasetException(layout.name() + ": split file " + splitPath + " not found (expected CoOp layout "
                    + layout.describe() + ")");
        }
        SplitFile.Contents contents = SplitFile.read(splitPath);
        Rewrite rewrite = fix.prepare(dir);
        Map<String, List<SplitFile.Entry>> splits = new LinkedHashMap<>();
        for (String split : SplitFile.SPLITS) {
            List<SplitFile.Entry> fixed = new ArrayList<>();
            for (SplitFile.Entry e : contents.get(split)) {
                SplitFile.Entry f = rewrite.apply(e);
                if (f != null) {
                    fixed.add(f);
                }
            }
            splits.put(split, fixed);
        }
        Map<String, Path> sources = Map.of("train", splitPath, "val", splitPath, "test", splitPath);
        return new SplitBuilder(layout.name(), imageDir, sources, policy).build(splits);
    }
}
