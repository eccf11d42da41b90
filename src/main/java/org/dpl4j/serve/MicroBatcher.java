package org.dpl4j.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Gathers single images from many request threads into encoder batches: a batch runs when it holds
 * {@code maxBatch} images or when its first image has waited {@code maxWait}, whichever comes first,
 * so the matrix units work on batches under load while a lone request waits at most {@code maxWait}.
 * The queue is bounded: when it is full {@link #submit} refuses at once instead of letting memory grow.
 */
final class MicroBatcher implements AutoCloseable {
    /** Probabilities of a batch of preprocessed images, one row per image. */
    @FunctionalInterface
    interface Model {
        float[][] probabilities(List<float[]> batch);
    }

    /** The queue is full, or the batcher is shutting down: the caller should answer 503. */
    static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message);
        }
    }

    private record Job(float[] pixels, CompletableFuture<float[]> result) {}

    private final Model model;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final ArrayBlockingQueue<Job> queue;
    private final AtomicLongArray batchSizes;
    private final Thread worker;
    private volatile boolean accepting = true;

    MicroBatcher(Model model, int maxBatch, int maxWaitMs, int capacity) {
        this.model = model;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSizes = new AtomicLongArray(maxBatch + 1);
        this.worker = new Thread(this::loop, "dpl4j-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues one preprocessed image; the future completes with its probabilities. */
    CompletableFuture<float[]> submit(float[] pixels) throws Busy {
        if (!accepting) {
            throw new Busy("the server is shutting down");
        }
        Job job = new Job(pixels, new CompletableFuture<>());
        if (!queue.offer(job)) {
            throw new Busy("the queue is full (" + queue.size() + " images waiting); retry later");
        }
        if (!accepting && !worker.isAlive() && queue.remove(job)) {
            throw new Busy("the server is shutting down"); // raced with close(): nobody would run it
        }
        return job.result();
    }

    int queued() {
        return queue.size();
    }

    /** How many batches of each size (index = images in the batch) have run. */
    long[] batchSizes() {
        long[] out = new long[batchSizes.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = batchSizes.get(i);
        }
        return out;
    }

    void resetBatchSizes() {
        for (int i = 0; i < batchSizes.length(); i++) {
            batchSizes.set(i, 0);
        }
    }

    private void loop() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (accepting || !queue.isEmpty()) {
            try {
                Job first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(j -> j.result().completeExceptionally(e));
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Job> batch) {
        batchSizes.incrementAndGet(batch.size());
        try {
            float[][] p = model.probabilities(batch.stream().map(Job::pixels).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(p[i]);
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(j -> j.result().completeExceptionally(e));
        }
    }

    /** Refuses new images, runs those already queued, then stops the worker. */
    @Override
    public void close() {
        accepting = false;
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Job j = queue.poll(); j != null; j = queue.poll()) {
            j.result().completeExceptionally(new IllegalStateException("the server shut down"));
        }
    }
}
