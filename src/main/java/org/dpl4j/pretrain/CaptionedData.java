package org.dpl4j.pretrain;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Datasets;
import org.dpl4j.data.Sample;
import org.dpl4j.data.Seeds;
import org.dpl4j.prompts.Templates;

/**
 * Image–caption pairs for contrastive pre-training, made from labelled datasets: every training
 * image of every dataset, its caption a class-name template.
 *
 * <p><b>Classes are global.</b> A class name that occurs in two datasets (compared ignoring case
 * and surrounding spaces, e.g. CIFAR's {@code airplane} and Caltech's {@code airplane}) is one
 * class, spelled as in the first dataset that has it, so the label-aware loss treats the two
 * datasets' images as positives of each other. Labels are assigned in first-seen order over the
 * datasets in the given order and each dataset's own label order.
 *
 * <p><b>Captions.</b> In epoch {@code e} the sample at index {@code i} of {@link #samples()} is
 * described by the template {@code new Random(Seeds.derive(seed, CAPTION_KEY, e, i)).nextInt(T)}:
 * a fixed function of (seed, epoch, index), so a resumed run sees the same captions, and a stream
 * independent of the augmentation's {@code Seeds.derive(seed, e, i)}.
 */
public final class CaptionedData {
    /** Separates the caption stream from the augmentation stream of the same (seed, epoch, index). */
    static final long CAPTION_KEY = 0x43415054L; // "CAPT"

    private final List<Sample> samples;
    private final List<String> classNames;
    private final List<String> templates;
    private final long seed;
    private final List<String> sources;
    private final Map<Sample, Integer> index = new HashMap<>();

    private CaptionedData(List<Sample> samples, List<String> classNames, List<String> templates, long seed,
            List<String> sources) {
        this.samples = List.copyOf(samples);
        this.classNames = List.copyOf(classNames);
        this.templates = List.copyOf(templates);
        this.seed = seed;
        this.sources = List.copyOf(sources);
        for (int i = 0; i < this.samples.size(); i++) {
            index.putIfAbsent(this.samples.get(i), i);
        }
    }

    /** Loads the train split of each dataset ({@link Datasets#load}) and pools them. */
    public static CaptionedData load(List<PretrainSettings.DatasetSpec> specs, List<String> templates, long seed)
            throws IOException {
        List<DatasetSplits> splits = new ArrayList<>();
        for (PretrainSettings.DatasetSpec s : specs) {
            splits.add(Datasets.load(s.name(), s.root()));
        }
        return of(splits, templates, seed);
    }

    /** Pools the train splits of {@code datasets} under global class labels. */
    public static CaptionedData of(List<DatasetSplits> datasets, List<String> templates, long seed) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no caption templates");
        }
        for (String t : templates) {
            Templates.fill(t, "x"); // fails on a template without {}
        }
        Map<String, Integer> labelOf = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        List<Sample> pooled = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (DatasetSplits d : datasets) {
            int[] global = new int[d.numClasses()];
            for (int c = 0; c < d.numClasses(); c++) {
                String name = d.classNames().get(c);
                global[c] = labelOf.computeIfAbsent(key(name), k -> {
                    names.add(name);
                    return names.size() - 1;
                });
            }
            for (Sample s : d.train()) {
                int g = global[s.label()];
                pooled.add(s.withLabel(g, names.get(g)));
            }
            sources.add(d.name() + ": " + d.train().size() + " train images, " + d.numClasses() + " classes");
        }
        if (pooled.isEmpty()) {
            throw new IllegalArgumentException("no training images in " + sources);
        }
        return new CaptionedData(pooled, names, templates, seed, sources);
    }

    private static String key(String className) {
        return className.trim().toLowerCase(Locale.ROOT);
    }

    /** All training images, labelled with global classes. */
    public List<Sample> samples() {
        return samples;
    }

    /** Global class names, index = label. */
    public List<String> classNames() {
        return classNames;
    }

    public List<String> templates() {
        return templates;
    }

    /** One line per dataset: name, train images, classes. */
    public List<String> sources() {
        return sources;
    }

    /** Index of the template that captions sample {@code index} in epoch {@code epoch}. */
    public int templateIndex(int epoch, int index) {
        return new Random(Seeds.derive(seed, CAPTION_KEY, epoch, index)).nextInt(templates.size());
    }

    /** The caption of sample {@code index} in epoch {@code epoch}. */
    public String captionOf(int epoch, int index) {
        return fill(samples.get(index).label(), templateIndex(epoch, index));
    }

    /** Template {@code template} filled with class {@code label}'s name. */
    public String fill(int label, int template) {
        return Templates.fill(templates.get(template), classNames.get(label));
    }

    /** Position of {@code s} in {@link #samples()} (batches hand back samples, not indices). */
    public int indexOf(Sample s) {
        Integer i = index.get(s);
        if (i == null) {
            throw new IllegalArgumentException("not a sample of this data: " + s.path());
        }
        return i;
    }

    /** Every caption that can occur: class-major, {@code label * T + template}. */
    public List<String> allCaptions() {
        List<String> out = new ArrayList<>(classNames.size() * templates.size());
        for (int c = 0; c < classNames.size(); c++) {
            for (int t = 0; t < templates.size(); t++) {
                out.add(fill(c, t));
            }
        }
        return out;
    }
}
