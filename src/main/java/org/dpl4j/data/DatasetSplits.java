package org.dpl4j.data;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A dataset as the training code sees it: class names indexed by label and the three splits.
 *
 * <p>The constructor copies the lists into unmodifiable ones and checks that every sample's label
 * is in range and that its class name is {@code classNames.get(label)}, so code downstream (text
 * prompts built from {@code classNames}, accuracy per class) can rely on the two agreeing.
 *
 * @param name dataset name (the CoOp class name for the benchmark datasets, e.g. {@code Caltech101})
 * @param classNames prompt-ready class names, index = label
 * @param train training split
 * @param val validation split (used by the architecture search)
 * @param test test split (accuracy is reported on it)
 */
public record DatasetSplits(String name, List<String> classNames, List<Sample> train, List<Sample> val,
                            List<Sample> test) {

    public DatasetSplits {
        Objects.requireNonNull(name, "name");
        classNames = List.copyOf(classNames);
        train = List.copyOf(train);
        val = List.copyOf(val);
        test = List.copyOf(test);
        check(name, classNames, train, "train");
        check(name, classNames, val, "val");
        check(name, classNames, test, "test");
    }

    private static void check(String name, List<String> classNames, List<Sample> samples, String split) {
        for (Sample s : samples) {
            if (s.label() >= classNames.size()) {
                throw new IllegalArgumentException(name + " " + split + ": label " + s.label() + " of " + s.path()
                        + " is out of range for " + classNames.size() + " classes");
            }
            if (!classNames.get(s.label()).equals(s.className())) {
                throw new IllegalArgumentException(name + " " + split + ": " + s.path() + " has class name '"
                        + s.className() + "' but label " + s.label() + " is '" + classNames.get(s.label()) + "'");
            }
        }
    }

    /** Number of classes, i.e. the size of the classifier head / number of text prompts. */
    public int numClasses() {
        return classNames.size();
    }

    /** The split called {@code train}, {@code val} or {@code test} (case-insensitive). */
    public List<Sample> split(String which) {
        switch (which.toLowerCase(Locale.ROOT)) {
            case "train": return train;
            case "val": return val;
            case "test": return test;
            default: throw new IllegalArgumentException("unknown split '" + which + "'; known: train, val, test");
        }
    }

    /** Same classes and name with other splits (used by few-shot sampling). */
    public DatasetSplits withSplits(List<Sample> newTrain, List<Sample> newVal, List<Sample> newTest) {
        return new DatasetSplits(name, classNames, newTrain, newVal, newTest);
    }

    /** Images per class in {@code samples}, index = label. */
    public int[] classCounts(List<Sample> samples) {
        int[] counts = new int[numClasses()];
        for (Sample s : samples) {
            counts[s.label()]++;
        }
        return counts;
    }

    /** One line for logs, e.g. {@code Caltech101: 100 classes, train 4128 / val 1649 / test 2465}. */
    public String summary() {
        return name + ": " + numClasses() + " classes, train " + train.size() + " / val " + val.size()
                + " / test " + test.size();
    }
}
