package org.dpl4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.ImageCache;

/**
 * How fast {@link BatchLoader} feeds a training loop whose step takes {@code stepMs} (a GPU step is
 * milliseconds; decoding and augmentation stay on the CPU): the few-shot train transform (decode,
 * random resized crop, flip, normalise), with and without the decoded-image cache, for several worker
 * counts. The "step" only sleeps, so the figures are the loader's alone. Each configuration gets a
 * fresh cache, so its first epoch decodes every image and later ones read the kept pixels.
 */
public final class LoaderBench {
    /**
     * One epoch of one configuration: images delivered per second of wall time, and the seconds the
     * loop spent waiting for batches (0 when the loader keeps up with the step).
     */
    public record Row(int workers, boolean cache, int epoch, int images, double seconds, double imagesPerSecond,
            double waitSeconds, long decodes) {}

    private LoaderBench() {}

    public static List<Row> run(List<Sample> samples, int resolution, int batch, List<Integer> workers, long stepMs, int epochs,
            long cacheBytes, long seed, Consumer<String> log) throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (int w : workers) {
            for (boolean cached : List.of(false, true)) {
                ImageCache cache = new ImageCache(cached ? cacheBytes : 0);
                try (BatchLoader loader = BatchLoader.builder(samples, SampleTransforms.train(resolution, cache)).batchSize(batch)
                        .training(seed).workers(w).build()) {
                    for (int e = 0; e < epochs; e++) {
                        long decodedBefore = cache.stats().decodes();
                        long t0 = System.nanoTime();
                        long waited = 0;
                        int images = 0;
                        try (BatchLoader.Epoch it = loader.epoch(e)) {
                            while (true) {
                                long w0 = System.nanoTime();
                                if (!it.hasNext()) {
                                    break;
                                }
                                Batch b = it.next();
                                waited += System.nanoTime() - w0;
                                images += b.size();
                                Thread.sleep(stepMs);
                            }
                        }
                        double secs = (System.nanoTime() - t0) / 1e9;
                        Row r = new Row(w, cached, e + 1, images, secs, images / secs, waited / 1e9,
                                cache.stats().decodes() - decodedBefore);
                        rows.add(r);
                        log.accept(String.format("workers %d, cache %s, epoch %d: %.1f images/s (waited %.1f s of %.1f s)", w,
                                cached ? "on" : "off", e + 1, r.imagesPerSecond(), r.waitSeconds(), secs));
                    }
                }
            }
        }
        return rows;
    }
}
