package org.dpl4j.data;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes and batches samples on background threads so the training loop never waits for JPEGs.
 *
 * <p>Per epoch, an assembler thread walks the epoch's sample order, keeps a window of decode tasks
 * running on the worker pool, collects their results <i>in order</i> and puts finished batches into
 * a queue of {@code prefetch} batches that {@link Epoch#next()} takes from. Results are therefore
 * identical whatever the number of workers or the thread timing:
 * <ul>
 *   <li>epoch order: the identity, or with shuffling {@link Seeds#permutation} with
 *       {@code new Random(Seeds.derive(seed, epoch, -1))};</li>
 *   <li>the {@code Random} handed to the transform for sample {@code i} (its index in the list given
 *       to the builder) in epoch {@code e}: {@code new Random(Seeds.derive(seed, e, i))}.</li>
 * </ul>
 * A bad image (the transform throws) is either skipped, the batch being filled from the following
 * samples, or stops the epoch, per {@link BadSamplePolicy}. With {@code dropLast} a last batch with
 * fewer than {@code batchSize} samples is dropped; otherwise it is returned smaller.
 *
 * <p>Usage: {@code try (BatchLoader l = BatchLoader.builder(samples, t).batchSize(4).build()) { for
 * (int e = 0; ...) try (BatchLoader.Epoch it = l.epoch(e)) { while (it.hasNext()) train(it.next()); } }}.
 * Closing an epoch stops its work; closing the loader stops its threads (all are daemons, so a
 * forgotten close never keeps the JVM alive).
 */
public final class BatchLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLoader.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Object END = new Object();
    private static final int LOGGED_SKIPS = 10;
    /** How long close() waits for threads to stop before giving up on them (they are daemons). */
    private static final long CLOSE_WAIT_MS = 2000;

    private final List<Sample> samples;
    private final SampleTransform transform;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int workers;
    private final int prefetch;
    private final BadSamplePolicy policy;
    private final ExecutorService pool;
    private final int id = IDS.incrementAndGet();
    private final AtomicInteger skipped = new AtomicInteger();
    private final Set<Epoch> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private BatchLoader(Builder b) {
        this.samples = List.copyOf(b.samples);
        this.transform = b.transform;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.workers = b.workers;
        this.prefetch = b.prefetch;
        this.policy = b.policy;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "dpl4j-decode-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a builder; defaults: batch 32, no shuffle, seed 0, keep last, one worker per core, prefetch 2, FAIL. */
    public static Builder builder(List<Sample> samples, SampleTransform transform) {
        return new Builder(samples, transform);
    }

    /** Starts decoding epoch {@code epoch} in the background and returns its batches. */
    public Epoch epoch(int epoch) {
        if (closed) {
            throw new IllegalStateException("BatchLoader is closed");
        }
        Epoch e = new Epoch(epoch);
        open.add(e);
        e.start();
        return e;
    }

    /** Batches per epoch when no image is skipped (for learning-rate schedules). */
    public int batchesPerEpoch() {
        return dropLast ? samples.size() / batchSize : (samples.size() + batchSize - 1) / batchSize;
    }

    /** Number of samples per epoch (before skipping bad ones). */
    public int size() {
        return samples.size();
    }

    /** Bad images skipped so far, over all epochs (each epoch counts them again). */
    public int skippedCount() {
        return skipped.get();
    }

    /** Stops every open epoch and the worker threads; waits briefly for them to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Epoch e : List.copyOf(open)) {
            e.close();
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("BatchLoader: decode threads still busy {} ms after close (daemon threads, left to finish)",
                        CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private float[] decode(int index, int epoch) throws IOException {
        Sample s = samples.get(index);
        float[] px = transform.apply(s, new Random(Seeds.derive(seed, epoch, index)));
        if (px == null) {
            throw new IOException("transform returned null");
        }
        return px;
    }

    private record Failure(Throwable error) {}

    /** The batches of one epoch, produced in the background; close it to stop early. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final BlockingQueue<Object> queue;
        private final Thread assembler;
        private final AtomicInteger epochSkipped = new AtomicInteger();
        private volatile boolean done;
        private Object peeked;

        private Epoch(int epoch) {
            this.epoch = epoch;
            int n = samples.size();
            if (shuffle) {
                this.order = Seeds.permutation(n, new Random(Seeds.derive(seed, epoch, -1)));
            } else {
                this.order = new int[n];
                Arrays.setAll(order, i -> i);
            }
            this.queue = new ArrayBlockingQueue<>(prefetch);
            this.assembler = new Thread(this::assemble, "dpl4j-batches-" + id + "-e" + epoch);
            this.assembler.setDaemon(true);
        }

        private void start() {
            assembler.start();
        }

        /** The epoch number this iterator was created for. */
        public int epoch() {
            return epoch;
        }

        /** Bad images skipped in this epoch so far. */
        public int skippedCount() {
            return epochSkipped.get();
        }

        @Override
        public boolean hasNext() {
            if (peeked == null) {
                if (done) {
                    return false;
                }
                try {
                    peeked = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch of epoch " + epoch, e);
                }
            }
            if (peeked == END) {
                release();
                return false;
            }
            if (peeked instanceof Failure f) {
                release();
                if (f.error() instanceof RuntimeException r) {
                    throw r;
                }
                if (f.error() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(f.error());
            }
            return true;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has no more batches");
            }
            Batch b = (Batch) peeked;
            peeked = null;
            return b;
        }

        /** Stops this epoch's background work; later {@link #hasNext()} calls return false. */
        @Override
        public void close() {
            if (!done) {
                done = true;
                assembler.interrupt();
                join();
                queue.clear();
                queue.offer(END); // wakes a consumer blocked in take() on another thread
            }
            open.remove(this);
        }

        private void release() {
            join();
            open.remove(this);
        }

        private void join() {
            if (Thread.currentThread() == assembler) {
                return;
            }
            try {
                assembler.join(CLOSE_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void assemble() {
            int n = order.length;
            int window = Math.max(batchSize * (prefetch + 1), 2 * workers);
            ArrayDeque<Future<float[]>> inFlight = new ArrayDeque<>();
            try {
                int submitted = 0;
                int valuesPerSample = -1;
                float[] pixels = null;
                int[] labels = null;
                List<Sample> members = null;
                for (int pos = 0; pos < n; pos++) {
                    while (submitted < n && submitted - pos < window) {
                        int index = order[submitted++];
                        inFlight.add(pool.submit(() -> decode(index, epoch)));
                    }
                    Sample s = samples.get(order[pos]);
                    float[] px;
                    try {
                        px = inFlight.poll().get();
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof Error || policy == BadSamplePolicy.FAIL) {
                            queue.put(new Failure(cause instanceof Error ? cause : new BadSampleException(s, cause)));
                            return;
                        }
                        int count = skipped.incrementAndGet();
                        epochSkipped.incrementAndGet();
                        if (count <= LOGGED_SKIPS) {
                            LOG.warn("skipping bad image {}: {}{}", s.path(), cause,
                                    count == LOGGED_SKIPS ? " (further skips are not logged)" : "");
                        }
                        continue;
                    }
                    if (valuesPerSample < 0) {
                        valuesPerSample = px.length;
                    } else if (px.length != valuesPerSample) {
                        queue.put(new Failure(new IllegalStateException("transform gave " + px.length + " values for "
                                + s.path() + " but " + valuesPerSample + " for earlier images")));
                        return;
                    }
                    if (pixels == null) {
                        pixels = new float[batchSize * valuesPerSample];
                        labels = new int[batchSize];
                        members = new ArrayList<>(batchSize);
                    }
                    System.arraycopy(px, 0, pixels, members.size() * valuesPerSample, valuesPerSample);
                    labels[members.size()] = s.label();
                    members.add(s);
                    if (members.size() == batchSize) {
                        queue.put(new Batch(pixels, labels, members));
                        pixels = null;
                    }
                }
                if (pixels != null && !members.isEmpty() && !dropLast) {
                    int b = members.size();
                    queue.put(new Batch(Arrays.copyOf(pixels, b * valuesPerSample), Arrays.copyOf(labels, b), members));
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // closed: stop quietly
            } catch (RuntimeException | Error e) {
                queue.offer(new Failure(e));
            } finally {
                for (Future<float[]> f : inFlight) {
                    f.cancel(true);
                }
            }
        }
    }

    /** Settings of a {@link BatchLoader}. */
    public static final class Builder {
        private final List<Sample> samples;
        private final SampleTransform transform;
        private int batchSize = 32;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int prefetch = 2;
        private BadSamplePolicy policy = BadSamplePolicy.FAIL;

        private Builder(List<Sample> samples, SampleTransform transform) {
            this.samples = Objects.requireNonNull(samples, "samples");
            this.transform = Objects.requireNonNull(transform, "transform");
        }

        public Builder batchSize(int v) {
            this.batchSize = positive("batchSize", v);
            return this;
        }

        /** Reshuffle every epoch (seeded by {@link #seed(long)} and the epoch number). */
        public Builder shuffle(boolean v) {
            this.shuffle = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public Builder dropLast(boolean v) {
            this.dropLast = v;
            return this;
        }

        /** The training shape: full batches only, reshuffled every epoch from {@code seed}. */
        public Builder training(long seed) {
            return shuffle(true).seed(seed).dropLast(true);
        }

        /** The evaluation shape: every sample once, in order, the last batch possibly partial. */
        public Builder inOrder() {
            return shuffle(false).dropLast(false);
        }

        /** Decode threads; default: available processors. */
        public Builder workers(int v) {
            this.workers = positive("workers", v);
            return this;
        }

        /** Decoded batches kept ready ahead of the consumer. */
        public Builder prefetch(int v) {
            this.prefetch = positive("prefetch", v);
            return this;
        }

        public Builder onBadSample(BadSamplePolicy v) {
            this.policy = Objects.requireNonNull(v, "policy");
            return this;
        }

        public BatchLoader build() {
            return new BatchLoader(this);
        }

        private static int positive(String what, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + v);
            }
            return v;
        }
    }
}
