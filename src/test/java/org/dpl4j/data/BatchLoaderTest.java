package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchLoaderTest {

    private static List<Sample> samples(int n) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Sample(Path.of("/fake/img" + i + ".jpg"), i % 3, "c" + i % 3));
        }
        return out;
    }

    private static int index(Sample s) {
        String f = s.path().getFileName().toString();
        return Integer.parseInt(f.substring(3, f.length() - 4));
    }

    /** Fake decode: 3 values (index, label, a draw from rng), after a random-length sleep to scramble timing. */
    private static final SampleTransform FAKE = (s, rng) -> {
        try {
            Thread.sleep(ThreadLocalSleep.next());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return new float[] {index(s), s.label(), rng.nextFloat()};
    };

    /** Sleep lengths that differ between threads and calls, independent of the sample. */
    private static final class ThreadLocalSleep {
        private static final ThreadLocal<Random> R = ThreadLocal.withInitial(() -> new Random(Thread.currentThread().getId()));

        static long next() {
            return R.get().nextInt(3);
        }
    }

    private static List<Batch> drain(BatchLoader loader, int epoch) {
        List<Batch> out = new ArrayList<>();
        try (BatchLoader.Epoch it = loader.epoch(epoch)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
            assertThat(it.hasNext()).isFalse();
        }
        return out;
    }

    private static List<Integer> order(List<Batch> batches) {
        List<Integer> out = new ArrayList<>();
        for (Batch b : batches) {
            for (Sample s : b.samples()) {
                out.add(index(s));
            }
        }
        return out;
    }

    @Test
    void batchesConcatenateTransformOutputsInOrderWithoutShuffle() {
        try (BatchLoader l = BatchLoader.builder(samples(10), FAKE).batchSize(4).workers(3).build()) {
            List<Batch> batches = drain(l, 0);
            assertThat(batches).extracting(Batch::size).containsExactly(4, 4, 2);
            assertThat(order(batches)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            Batch first = batches.get(0);
            assertThat(first.pixels()).hasSize(12);
            assertThat(first.valuesPerSample()).isEqualTo(3);
            assertThat(first.pixels()[3]).isEqualTo(1f); // sample 1's first value
            assertThat(first.pixels()[4]).isEqualTo(1f); // its label
            assertThat(first.labels()).containsExactly(0, 1, 2, 0);
            assertThat(l.batchesPerEpoch()).isEqualTo(3);
        }
    }

    @Test
    void sameSeedGivesSameBatchesWhateverTheThreadCount() {
        List<Batch> one;
        List<Batch> many;
        try (BatchLoader l = BatchLoader.builder(samples(37), FAKE).batchSize(5).shuffle(true).seed(11).workers(1)
                .prefetch(1).build()) {
            one = drain(l, 3);
        }
        try (BatchLoader l = BatchLoader.builder(samples(37), FAKE).batchSize(5).shuffle(true).seed(11).workers(6)
                .prefetch(4).build()) {
            many = drain(l, 3);
        }
        assertThat(many).hasSameSizeAs(one);
        for (int i = 0; i < one.size(); i++) {
            assertThat(many.get(i).pixels()).containsExactly(one.get(i).pixels());
            assertThat(many.get(i).labels()).containsExactly(one.get(i).labels());
            assertThat(many.get(i).samples()).isEqualTo(one.get(i).samples());
        }
        assertThat(order(one)).as("shuffled").isNotEqualTo(identity(37));
    }

    private static List<Integer> identity(int n) {
        List<Integer> id = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            id.add(i);
        }
        return id;
    }

    @Test
    void eachEpochHasItsOwnOrderAndAugmentationDependsOnlyOnSeedEpochIndex() {
        try (BatchLoader l = BatchLoader.builder(samples(30), FAKE).batchSize(30).shuffle(true).seed(5).workers(2)
                .build()) {
            Batch e0 = drain(l, 0).get(0);
            Batch e1 = drain(l, 1).get(0);
            Batch e0again = drain(l, 0).get(0);
            assertThat(order(List.of(e0))).isNotEqualTo(order(List.of(e1)));
            assertThat(e0again.pixels()).containsExactly(e0.pixels());
            for (int pos = 0; pos < 30; pos++) {
                int idx = (int) e1.pixels()[3 * pos];
                float expected = new Random(Seeds.derive(5, 1, idx)).nextFloat();
                assertThat(e1.pixels()[3 * pos + 2]).isEqualTo(expected);
            }
            assertThat(order(List.of(e0))).containsExactlyInAnyOrderElementsOf(identity(30));
        }
    }

    @Test
    void dropLastDropsTheShortBatch() {
        try (BatchLoader l = BatchLoader.builder(samples(10), FAKE).batchSize(4).dropLast(true).workers(2).build()) {
            assertThat(drain(l, 0)).extracting(Batch::size).containsExactly(4, 4);
            assertThat(l.batchesPerEpoch()).isEqualTo(2);
        }
        try (BatchLoader l = BatchLoader.builder(samples(8), FAKE).batchSize(4).dropLast(true).workers(2).build()) {
            assertThat(drain(l, 0)).extracting(Batch::size).containsExactly(4, 4);
        }
    }

    private static final SampleTransform BAD_3_AND_7 = (s, rng) -> {
        int i = index(s);
        if (i == 3) {
            throw new IOException("truncated JPEG");
        }
        if (i == 7) {
            throw new IllegalArgumentException("bogus Huffman table");
        }
        return new float[] {i, s.label(), 0};
    };

    @Test
    void skipPolicyLeavesBadImagesOutCountsThemAndRefillsBatches() {
        try (BatchLoader l = BatchLoader.builder(samples(10), BAD_3_AND_7).batchSize(4).workers(2)
                .onBadSample(BadSamplePolicy.SKIP).build()) {
            List<Batch> batches;
            try (BatchLoader.Epoch it = l.epoch(0)) {
                batches = new ArrayList<>();
                it.forEachRemaining(batches::add);
                assertThat(it.skippedCount()).isEqualTo(2);
            }
            assertThat(batches).extracting(Batch::size).containsExactly(4, 4);
            assertThat(order(batches)).containsExactly(0, 1, 2, 4, 5, 6, 8, 9);
            assertThat(l.skippedCount()).isEqualTo(2);
            drain(l, 1);
            assertThat(l.skippedCount()).isEqualTo(4);
        }
    }

    @Test
    void failPolicyThrowsNamingTheFile() {
        try (BatchLoader l = BatchLoader.builder(samples(10), BAD_3_AND_7).batchSize(2).workers(2)
                .onBadSample(BadSamplePolicy.FAIL).build();
             BatchLoader.Epoch it = l.epoch(0)) {
            assertThat(it.next().size()).isEqualTo(2);
            assertThatThrownBy(() -> {
                while (it.hasNext()) {
                    it.next();
                }
            }).isInstanceOf(BadSampleException.class)
                    .hasMessageContaining("/fake/img3.jpg")
                    .hasMessageContaining("truncated JPEG")
                    .satisfies(e -> assertThat(((BadSampleException) e).sample().path().getFileName()).hasToString("img3.jpg"));
        }
    }

    @Test
    void transformOutputsOfDifferentSizesAreAnError() {
        SampleTransform uneven = (s, rng) -> new float[index(s) == 5 ? 4 : 3];
        try (BatchLoader l = BatchLoader.builder(samples(10), uneven).batchSize(4).workers(2)
                .onBadSample(BadSamplePolicy.SKIP).build();
             BatchLoader.Epoch it = l.epoch(0)) {
            assertThatThrownBy(() -> it.forEachRemaining(b -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("/fake/img5.jpg");
        }
    }

    @Test
    void closeStopsBlockedWorkersAndReleasesTheConsumer() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        SampleTransform blocking = (s, rng) -> {
            started.incrementAndGet();
            try {
                never.await();
            } catch (InterruptedException e) {
                throw new IOException("interrupted", e);
            }
            return new float[3];
        };
        BatchLoader l = BatchLoader.builder(samples(100), blocking).batchSize(4).workers(3).build();
        BatchLoader.Epoch it = l.epoch(0);
        Thread consumer = new Thread(it::hasNext);
        consumer.start();
        while (started.get() < 3) {
            Thread.sleep(5);
        }
        assertThat(liveLoaderThreads()).isNotEmpty();
        l.close();
        // a generous join, not a time limit: a consumer that is never released stays alive past it
        consumer.join(10_000);
        assertThat(consumer.isAlive()).as("consumer blocked in hasNext() is released").isFalse();
        assertThat(it.hasNext()).isFalse();
        // a pool reports termination from inside its last worker, a moment before that thread ends
        for (Thread t : liveLoaderThreads()) {
            t.join(1000);
        }
        assertThat(liveLoaderThreads()).isEmpty();
        assertThatThrownBy(() -> l.epoch(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingAnEpochEarlyLetsTheNextOneRun() {
        try (BatchLoader l = BatchLoader.builder(samples(50), FAKE).batchSize(2).workers(2).prefetch(1).build()) {
            try (BatchLoader.Epoch it = l.epoch(0)) {
                assertThat(it.next().size()).isEqualTo(2);
            }
            assertThat(drain(l, 1)).hasSize(25);
        }
    }

    @Test
    void rejectsNonPositiveSettings() {
        assertThatThrownBy(() -> BatchLoader.builder(samples(1), FAKE).batchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> BatchLoader.builder(samples(1), FAKE).workers(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
    }

    private static List<Thread> liveLoaderThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("dpl4j-")) {
                out.add(t);
            }
        }
        return out;
    }
}
