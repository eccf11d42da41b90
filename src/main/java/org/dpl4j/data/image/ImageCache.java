package org.dpl4j.data.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded images kept in memory, so that a few-shot image is decoded once per run rather than once
 * per epoch (and once for a search and its train stage in the same process). Only decoding is
 * cached: the random crop and flip are drawn afresh from each epoch's seeded {@link java.util.Random}
 * on the cached pixels, so batches are bit-identical with the cache and without it.
 *
 * <p>Bounded by bytes of pixels ({@link #limit}). Images are admitted while they fit and never
 * evicted: a training epoch visits every image once in a random order, so an LRU cache smaller than
 * the set would evict each image just before its next use and hit never; kept images give a steady
 * hit rate of (limit / set size) instead. Keyed by the file's path, size and modification time, so a
 * file changed during the run is decoded again; a file that cannot be decoded is not cached (it fails
 * again, as it would without the cache). Thread-safe: the loader's workers share it.
 *
 * <p>One cache per process ({@link #shared()}); its limit is {@code --image-cache MB}, or the
 * system property {@value #PROPERTY} (MB), else {@link #defaultLimit()}.
 */
public final class ImageCache {
    /** System property: the limit in MB (0 turns the cache off). */
    public static final String PROPERTY = "dpl4j.imageCacheMb";
    private static final ImageCache SHARED = new ImageCache(fromProperty());

    private final ConcurrentHashMap<Key, DecodedImage> images = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong decodes = new AtomicLong();
    private volatile long limit;

    private record Key(Path path, DecodeOrder order, long size, long modified) {}

    /** What the cache did so far. */
    public record Stats(long hits, long decodes, int images, long bytes, long limit) {}

    public ImageCache(long limitBytes) {
        limit(limitBytes);
    }

    /** The process's cache, which the few-shot loaders use ({@code SampleTransforms.train/test(resolution)}). */
    public static ImageCache shared() {
        return SHARED;
    }

    /** 1 GB, or a quarter of the JVM's maximum heap when that is less. */
    public static long defaultLimit() {
        return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
    }

    private static long fromProperty() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return defaultLimit();
        }
        try {
            return Long.parseLong(v.trim()) << 20;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be a number of MB, not '" + v + "'");
        }
    }

    /** Sets the limit in bytes (0: off); images already kept stay until {@link #clear()}. */
    public void limit(long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("the image cache limit must be >= 0 MB, got " + (limitBytes >> 20));
        }
        this.limit = limitBytes;
    }

    public long limit() {
        return limit;
    }

    /** {@code file} decoded in {@code order}: from memory when it was decoded before, else decoded (and kept if it fits). */
    public DecodedImage decode(Path file, DecodeOrder order) throws InvalidImageException {
        if (limit == 0) {
            decodes.incrementAndGet();
            return DecodedImage.of(order.decode(file));
        }
        Key key = key(file, order);
        DecodedImage d = key == null ? null : images.get(key);
        if (d != null) {
            hits.incrementAndGet();
            return d;
        }
        decodes.incrementAndGet();
        d = DecodedImage.of(order.decode(file));
        if (key != null) {
            admit(key, d);
        }
        return d;
    }

    private void admit(Key key, DecodedImage d) {
        long size = d.bytes();
        long now = bytes.get();
        while (now + size <= limit) {
            if (bytes.compareAndSet(now, now + size)) {
                if (images.putIfAbsent(key, d) != null) {
                    bytes.addAndGet(-size); // another worker kept it first
                }
                return;
            }
            now = bytes.get();
        }
    }

    /** Null when the file's attributes cannot be read: then it is decoded (and fails) as without a cache. */
    private static Key key(Path file, DecodeOrder order) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Key(file.toAbsolutePath().normalize(), order, a.size(), a.lastModifiedTime().toMillis());
        } catch (IOException e) {
            return null;
        }
    }

    public Stats stats() {
        return new Stats(hits.get(), decodes.get(), images.size(), bytes.get(), limit);
    }

    /** Forgets every image (and the counts). */
    public void clear() {
        images.clear();
        bytes.set(0);
        hits.set(0);
        decodes.set(0);
    }
}
