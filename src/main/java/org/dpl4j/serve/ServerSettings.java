package org.dpl4j.serve;

/**
 * How {@link ClassifyServer} listens, batches and protects itself.
 *
 * @param host the address to bind; 127.0.0.1 unless the service is meant to be reached from elsewhere
 * @param port 0 picks a free port
 * @param maxBatch images per encoder batch, at most
 * @param maxWaitMs how long the first image of a batch waits for more before the batch runs
 * @param queueCapacity decoded images waiting for the encoder; beyond it requests get 503 + Retry-After
 * @param maxRequestBytes request bodies above this get 413
 * @param maxPixels images whose header declares more pixels get 413, before decoding
 * @param handlerThreads requests handled at once (reading, decoding, waiting for their batch)
 * @param decodeThreads images decoded at once: bounds the memory of decoded pixels
 * @param topK classes in an answer unless the request asks {@code ?top=k}
 * @param shutdownGraceSeconds how long a shutdown waits for requests in flight
 */
public record ServerSettings(String host, int port, int maxBatch, int maxWaitMs, int queueCapacity, long maxRequestBytes,
        long maxPixels, int handlerThreads, int decodeThreads, int topK, int shutdownGraceSeconds) {

    public ServerSettings {
        positive("max batch", maxBatch);
        positive("queue capacity", queueCapacity);
        positive("max request bytes", maxRequestBytes);
        positive("max pixels", maxPixels);
        positive("handler threads", handlerThreads);
        positive("decode threads", decodeThreads);
        positive("top-k", topK);
        if (maxWaitMs < 0 || shutdownGraceSeconds < 0 || port < 0 || port > 65535) {
            throw new IllegalArgumentException("max wait, shutdown grace and port must be >= 0 (port <= 65535), got "
                    + maxWaitMs + ", " + shutdownGraceSeconds + ", " + port);
        }
    }

    /** Loopback, 16 images or 10 ms per batch, 64 queued, 10 MiB bodies, 16 megapixels, 32 handlers. */
    public static ServerSettings defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerSettings("127.0.0.1", 8080, 16, 10, 64, 10L << 20, 16L << 20, 32, cores, 5, 30);
    }

    public ServerSettings withPort(int p) {
        return new ServerSettings(host, p, maxBatch, maxWaitMs, queueCapacity, maxRequestBytes, maxPixels, handlerThreads,
                decodeThreads, topK, shutdownGraceSeconds);
    }

    public ServerSettings withBatching(int batch, int waitMs, int queue) {
        return new ServerSettings(host, port, batch, waitMs, queue, maxRequestBytes, maxPixels, handlerThreads, decodeThreads,
                topK, shutdownGraceSeconds);
    }

    public ServerSettings withLimits(long bytes, long pixels) {
        return new ServerSettings(host, port, maxBatch, maxWaitMs, queueCapacity, bytes, pixels, handlerThreads, decodeThreads,
                topK, shutdownGraceSeconds);
    }

    private static void positive(String what, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }
}
