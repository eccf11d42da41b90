package org.dpl4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransform;
import org.dpl4j.data.SampleTransforms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoded-image cache of the few-shot loaders: batches are bit-identical with and without it,
 * epoch after epoch (only decoding is kept; crops and flips are still drawn per epoch from the same
 * seeds), each image is decoded once, the limit bounds what is kept, and a file changed on disk is
 * decoded again.
 */
class ImageCacheTest {
    static final int RES = 32;
    static final int EPOCHS = 3;

    @TempDir
    Path dir;

    /** The first {@code n} bundled demo pet images, in name order. */
    static List<Sample> samples(int n) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("demo-data/oxford_pets/images"))) {
            List<Path> files = s.sorted().limit(n).toList();
            List<Sample> out = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                out.add(new Sample(files.get(i).toAbsolutePath(), i % 3, "c" + i % 3));
            }
            return out;
        }
    }

    /** Every batch of epochs 0..EPOCHS-1, in order, of a train loader (shuffled, seeded) with 2 workers. */
    static List<Batch> epochs(List<Sample> samples, SampleTransform t) {
        List<Batch> out = new ArrayList<>();
        try (BatchLoader l = BatchLoader.builder(samples, t).batchSize(4).training(7).workers(2).build()) {
            for (int e = 0; e < EPOCHS; e++) {
                try (BatchLoader.Epoch it = l.epoch(e)) {
                    it.forEachRemaining(out::add);
                }
            }
        }
        return out;
    }

    static void assertSameBatches(List<Batch> got, List<Batch> want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i).labels()).as("batch " + i).containsExactly(want.get(i).labels());
            float[] g = got.get(i).pixels();
            float[] w = want.get(i).pixels();
            int diff = java.util.Arrays.mismatch(g, w);
            assertThat(diff).as("batch %d: first differing pixel value (of %d)%s", i, w.length,
                    diff < 0 ? "" : String.format(": %s, expected %s", diff < g.length ? g[diff] : "none", diff < w.length ? w[diff] : "none"))
                    .isEqualTo(-1);
        }
    }

    @Test
    void batchesAreIdenticalWithAndWithoutTheCacheAndEachImageIsDecodedOnce() throws IOException {
        List<Sample> samples = samples(16);
        ImageCache off = new ImageCache(0);
        ImageCache on = new ImageCache(1L << 30);
        List<Batch> plain = epochs(samples, SampleTransforms.train(RES, off));
        List<Batch> cached = epochs(samples, SampleTransforms.train(RES, on));

        assertSameBatches(cached, plain);
        // the reference: decoding every time, as the 2-argument transform (evaluation's) does
        assertSameBatches(epochs(samples, SampleTransforms.train(RES, SampleTransforms.PROMPT_LEARNING)), plain);
        assertThat(off.stats().decodes()).isEqualTo(EPOCHS * 16L);
        assertThat(on.stats().decodes()).as("each image decoded once").isEqualTo(16);
        assertThat(on.stats().hits()).isEqualTo((EPOCHS - 1) * 16L);
        assertThat(on.stats().images()).isEqualTo(16);
        // augmentation is still random per epoch: epoch 1 does not repeat epoch 0's crops
        int perEpoch = plain.size() / EPOCHS;
        assertThat(plain.get(perEpoch).pixels()).isNotEqualTo(plain.get(0).pixels());
        // and the val transform (no augmentation) agrees with the uncached one
        SampleTransform valCached = SampleTransforms.test(RES, on);
        SampleTransform valPlain = SampleTransforms.test(RES, SampleTransforms.PROMPT_LEARNING);
        assertThat(valCached.apply(samples.get(3), null)).containsExactly(valPlain.apply(samples.get(3), null));
    }

    @Test
    void theLimitBoundsWhatIsKeptAndResultsDoNotChange() throws IOException {
        List<Sample> samples = samples(16);
        ImageCache probe = new ImageCache(1L << 30);
        long oneImage = probe.decode(samples.get(0).path(), SampleTransforms.PROMPT_LEARNING).bytes();
        ImageCache small = new ImageCache(5 * oneImage);

        List<Batch> cached = epochs(samples, SampleTransforms.train(RES, small));

        assertSameBatches(cached, epochs(samples, SampleTransforms.train(RES, new ImageCache(0))));
        ImageCache.Stats s = small.stats();
        assertThat(s.bytes()).isLessThanOrEqualTo(small.limit()).isPositive();
        assertThat(s.images()).isBetween(1, 15);
        assertThat(s.hits()).as("kept images hit in later epochs").isEqualTo((EPOCHS - 1L) * s.images());
        assertThat(s.decodes()).isEqualTo(EPOCHS * 16L - s.hits());
    }

    @Test
    void aFileChangedOnDiskIsDecodedAgain() throws IOException {
        List<Sample> two = samples(2);
        Path file = dir.resolve("pet.jpg");
        Files.copy(two.get(0).path(), file);
        ImageCache cache = new ImageCache(1L << 30);
        DecodedImage first = cache.decode(file, SampleTransforms.PROMPT_LEARNING);
        assertThat(cache.decode(file, SampleTransforms.PROMPT_LEARNING)).isSameAs(first);

        Files.copy(two.get(1).path(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        DecodedImage second = cache.decode(file, SampleTransforms.PROMPT_LEARNING);

        assertThat(second).isNotSameAs(first);
        assertThat(second.width() * 100000 + second.height())
                .isEqualTo(DecodedImage.of(ImageDecoder.readRgb(two.get(1).path())).width() * 100000
                        + DecodedImage.of(ImageDecoder.readRgb(two.get(1).path())).height());
        assertThat(cache.stats().decodes()).isEqualTo(2);
    }
}
