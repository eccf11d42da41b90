package org.dpl4j.training;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.util.Progress;

/** Top-1, per-class and macro accuracy of an {@link ImageClassifier} on a list of samples. */
public final class Evaluator {
    private Evaluator() {}

    /** @param order when images are made RGB; see {@link DecodeOrder} for which path uses which */
    public static EvalResult evaluate(ImageClassifier classifier, List<String> classNames, List<Sample> samples,
            int resolution, DecodeOrder order, int batchSize, BadSamplePolicy badImages, Progress.Factory progress) {
        return tally(classifier, classNames, samples, resolution, order, batchSize, badImages, progress).result();
    }

    /**
     * As {@link #evaluate}, keeping the per-class counts (images and correct predictions). Runs
     * without autograd, each batch's tensors released when it has been counted.
     */
    public static ClassTally tally(ImageClassifier classifier, List<String> classNames, List<Sample> samples,
            int resolution, DecodeOrder order, int batchSize, BadSamplePolicy badImages, Progress.Factory progress) {
        int c = classNames.size();
        int[] hits = new int[c];
        int[] totals = new int[c];
        try (BatchLoader loader = BatchLoader.builder(samples, SampleTransforms.test(resolution, order))
                        .batchSize(batchSize).inOrder().onBadSample(badImages).build();
                BatchLoader.Epoch epoch = loader.epoch(0);
                Progress p = progress.start("evaluate", samples.size());
                NoGrad noGrad = NoGrad.open()) {
            while (epoch.hasNext()) {
                Batch b = epoch.next();
                try (Scope s = Scope.open()) {
                    Tensor logits = classifier.logits(b);
                    long[] pred = Tensors.toLongs(Tensors.argmax(logits, 1));
                    for (int i = 0; i < pred.length; i++) {
                        int y = b.labels()[i];
                        totals[y]++;
                        if (pred[i] == y) {
                            hits[y]++;
                        }
                    }
                }
                p.step(b.labels().length, null);
            }
            return new ClassTally(classNames, hits, totals, epoch.skippedCount());
        }
    }
}
