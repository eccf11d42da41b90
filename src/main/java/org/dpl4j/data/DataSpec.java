package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Which data a run uses: a dataset in its layout under {@code root}, K shots per class drawn with
 * {@code seed}, and the class subset (all, base or new) of the base-to-new protocol.
 */
public record DataSpec(String dataset, Path root, int shots, long seed, String subsample) {
    /** What {@code --shots} means, for every command that takes it: 0 is Dassl's "all images". */
    public static final String SHOTS_HELP = "images per class for training; 0 trains on all images, as Dassl's NUM_SHOTS 0";


    public DataSpec {
        if (!java.util.List.of("all", "base", "new").contains(subsample)) {
            throw new IllegalArgumentException("subsample must be all, base or new, got " + subsample);
        }
    }

    /** Loads the dataset, draws the few-shot train/val subsets and keeps the requested classes. */
    public DatasetSplits load() throws IOException {
        DatasetSplits full = Datasets.load(dataset, root);
        return ClassSubset.subsample(FewShot.sample(full, shots, seed), subsample);
    }

    /** The full test split of the requested classes (few-shot sampling never touches test). */
    public DatasetSplits loadForEval() throws IOException {
        return ClassSubset.subsample(Datasets.load(dataset, root), subsample);
    }

    public DataSpec withSubsample(String which) {
        return new DataSpec(dataset, root, shots, seed, which);
    }

    public DataSpec withSeed(long s) {
        return new DataSpec(dataset, root, shots, s, subsample);
    }
}
