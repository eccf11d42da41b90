package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code (relative_path, label, classname)} entries into {@link DatasetSplits}: checks that
 * each label has one class name, makes labels contiguous, makes names prompt-ready and checks that
 * every listed image exists. Shared by the split-file layouts and FGVCAircraft's text files so
 * that they all fail the same way.
 */
final class SplitBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(SplitBuilder.class);

    private final String name;
    private final Path imageDir;
    private final Map<String, Path> sources;
    private final MissingFilePolicy policy;

    /**
     * @param name dataset name used in messages and in the result
     * @param imageDir folder the relative paths are relative to
     * @param sources the file each split's entries came from, named in error messages
     */
    SplitBuilder(String name, Path imageDir, Map<String, Path> sources, MissingFilePolicy policy) {
        this.name = name;
        this.imageDir = imageDir.toAbsolutePath().normalize();
        this.sources = Map.copyOf(sources);
        this.policy = policy;
    }

    /**
     * @param splits entries per split, keys {@code train}, {@code val}, {@code test}. Classes are the
     *               labels that occur in any split (as in Dassl, which derives them from the data),
     *               renumbered 0..C-1 in label order when some are absent.
     */
    DatasetSplits build(Map<String, List<SplitFile.Entry>> splits) throws IOException {
        // 1. one class name per label
        TreeMap<Integer, String> nameOfLabel = new TreeMap<>();
        for (String split : SplitFile.SPLITS) {
            List<SplitFile.Entry> entries = splits.get(split);
            for (int i = 0; i < entries.size(); i++) {
                SplitFile.Entry e = entries.get(i);
                String previous = nameOfLabel.putIfAbsent(e.label(), e.className());
                if (previous != null && !previous.equals(e.className())) {
                    throw new DatasetException(name + ": " + sources.get(split) + " gives label " + e.label()
                            + " two class names, '" + shown(previous) + "' and '" + shown(e.className()) + "' (" + split + "[" + i
                            + "])");
                }
            }
        }
        // 2. contiguous labels: files filtered to a subset of classes (or with ignored classes
        //    removed) keep their label order but are renumbered 0..C-1
        Map<Integer, Integer> relabel = new HashMap<>();
        List<String> classNames = new ArrayList<>();
        Map<String, Integer> labelOfName = new HashMap<>();
        for (Map.Entry<Integer, String> e : nameOfLabel.entrySet()) {
            String prompt = CoopNames.forPrompt(e.getValue());
            Integer clash = labelOfName.putIfAbsent(prompt, e.getKey());
            if (clash != null) {
                throw new DatasetException(name + ": " + sources.get("train") + " uses class name '" + shown(prompt)
                        + "' for labels " + clash + " and " + e.getKey());
            }
            relabel.put(e.getKey(), classNames.size());
            classNames.add(prompt);
        }
        if (nameOfLabel.size() > 0 && nameOfLabel.lastKey() != nameOfLabel.size() - 1) {
            LOG.info("{}: labels in {} are not 0..{}; renumbered {} classes in label order",
                    name, sources.get("train"), nameOfLabel.size() - 1, nameOfLabel.size());
        }
        // 3. samples, checking that each file exists
        ImageFiles.ExistenceCheck check = new ImageFiles.ExistenceCheck();
        Map<String, List<Sample>> out = new HashMap<>();
        int missing = 0;
        String firstMissing = null;
        for (String split : SplitFile.SPLITS) {
            List<SplitFile.Entry> entries = splits.get(split);
            List<Sample> samples = new ArrayList<>(entries.size());
            for (SplitFile.Entry e : entries) {
                Path file;
                try {
                    file = imageDir.resolve(e.relativePath()).normalize();
                } catch (InvalidPathException bad) {
                    throw new DatasetException(name + ": " + sources.get(split) + " (" + split + ") lists '" + shown(e.relativePath())
                            + "', which is not a file path (" + bad.getReason() + ")", bad);
                }
                if (!check.exists(file)) {
                    String what = "image " + shown(e.relativePath()) + " listed in " + sources.get(split) + " (" + split
                            + ") not found under " + imageDir;
                    if (policy == MissingFilePolicy.FAIL) {
                        throw new DatasetException(name + ": " + what);
                    }
                    missing++;
                    if (firstMissing == null) {
                        firstMissing = what;
                    }
                    continue;
                }
                int label = relabel.get(e.label());
                samples.add(new Sample(file, label, classNames.get(label)));
            }
            out.put(split, samples);
        }
        if (missing > 0) {
            LOG.warn("{}: skipped {} missing images; first: {}", name, missing, firstMissing);
        }
        return new DatasetSplits(name, classNames, out.get("train"), out.get("val"), out.get("test"));
    }

    /** A name from a split file as messages show it: on one line, control characters escaped as in JSON. */
    static String shown(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
