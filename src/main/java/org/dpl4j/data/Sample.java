package org.dpl4j.data;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/**
 * One labelled image: where it lives, its class index and the class name used in text prompts.
 *
 * <p>Loaders never decode images, so a sample is only a reference; decoding happens later in
 * {@link BatchLoader} workers. The class name is kept next to the label so that a sample can be
 * checked against {@link DatasetSplits#classNames()} and printed without looking anything up.
 *
 * @param path absolute, normalised path of the image file
 * @param label class index, {@code 0 <= label < numClasses}
 * @param className prompt-ready class name (underscores already replaced by spaces)
 */
public record Sample(Path path, int label, String className) {

    /**
     * Orders samples by their path string with {@code /} as separator. Few-shot sampling and split
     * carving sort by this key before drawing random numbers, so the result never depends on the
     * order in which a file system lists a folder. Samples of one dataset share a root, so the
     * order is the same on every machine wherever that root lives.
     */
    public static final Comparator<Sample> BY_PATH = Comparator.comparing(Sample::pathKey);

    public Sample {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(className, "className");
        if (label < 0) {
            throw new IllegalArgumentException("negative label " + label + " for " + path);
        }
    }

    /** The path as a string with {@code /} separators: the sort key of {@link #BY_PATH}. */
    public String pathKey() {
        return path.toString().replace('\\', '/');
    }

    /** The same image under another label and class name (used when classes are relabelled). */
    public Sample withLabel(int newLabel, String newClassName) {
        return new Sample(path, newLabel, newClassName);
    }
}
