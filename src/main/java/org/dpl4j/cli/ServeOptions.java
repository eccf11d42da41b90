package org.dpl4j.cli;

import org.dpl4j.serve.ServerSettings;
import picocli.CommandLine.Option;

/** Batching and limits of the HTTP service, shared by {@code serve} and {@code loadtest}. */
final class ServeOptions {
    private static final ServerSettings D = ServerSettings.defaults();

    @Option(names = "--max-batch", description = "images per encoder batch, at most (default: ${DEFAULT-VALUE})")
    int maxBatch = D.maxBatch();

    @Option(names = "--max-wait-ms", description = "ms a batch waits to fill (default: ${DEFAULT-VALUE})")
    int maxWaitMs = D.maxWaitMs();

    @Option(names = "--queue", description = "images waiting for the encoder before 503 (default: ${DEFAULT-VALUE})")
    int queue = D.queueCapacity();

    @Option(names = "--max-bytes", description = "largest request body; larger get 413 (default: ${DEFAULT-VALUE})")
    long maxBytes = D.maxRequestBytes();

    @Option(names = "--max-pixels", description = "largest image (width x height, from its header); larger get 413 (default: ${DEFAULT-VALUE})")
    long maxPixels = D.maxPixels();

    @Option(names = "--handler-threads", description = "requests handled at once (default: ${DEFAULT-VALUE})")
    int handlers = D.handlerThreads();

    @Option(names = "--top", description = "classes per answer unless ?top=k (default: ${DEFAULT-VALUE})")
    int top = D.topK();

    @Option(names = "--grace", description = "seconds a shutdown waits for requests in flight (default: ${DEFAULT-VALUE})")
    int grace = D.shutdownGraceSeconds();

    ServerSettings settings(String host, int port) {
        return new ServerSettings(host, port, maxBatch, maxWaitMs, queue, maxBytes, maxPixels, handlers, D.decodeThreads(), top, grace);
    }
}
