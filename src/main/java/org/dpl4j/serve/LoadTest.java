package org.dpl4j.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.dpl4j.util.ProcessStats;

/**
 * A bounded load test of a {@link ClassifyServer} on this machine: {@code clients} threads send a
 * fixed number of {@code POST /v1/classify} requests in total, each waiting for its answer before
 * sending the next. A measurement tool, not a test: it reports, it asserts nothing.
 */
public final class LoadTest {
    /**
     * One concurrency level: throughput in answered images per second, latency percentiles, the
     * process's peak RSS (server and clients share it), and how many encoder batches of each size ran.
     */
    public record Row(int clients, int requests, int failed, double seconds, double imagesPerSecond, double p50Ms,
            double p99Ms, double peakRssGb, long[] batchSizes) {
        /** "size×count" for every batch size that occurred, and the mean size. */
        public String batches() {
            StringBuilder sb = new StringBuilder();
            long batches = 0;
            long images = 0;
            for (int size = 1; size < batchSizes.length; size++) {
                if (batchSizes[size] > 0) {
                    sb.append(sb.length() == 0 ? "" : " ").append(size).append('x').append(batchSizes[size]);
                    batches += batchSizes[size];
                    images += size * batchSizes[size];
                }
            }
            return String.format("mean %.1f: %s", batches == 0 ? 0.0 : (double) images / batches, sb);
        }
    }

    private final ClassifyServer server;
    private final List<byte[]> images;
    private final HttpClient client;

    /** @param images encoded images, sent in turn */
    public LoadTest(ClassifyServer server, List<byte[]> images) throws IOException {
        if (!InetAddress.getByName(server.uri().getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("the load test only runs against this machine, not " + server.uri());
        }
        this.server = server;
        this.images = List.copyOf(images);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Sends {@code requests} images from {@code clients} concurrent clients; peaks and batch counts are this level's. */
    public Row run(int clients, int requests) throws Exception {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        URI uri = server.uri().resolve("/v1/classify");
        ProcessStats.resetPeakRss();
        server.resetBatchSizes();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long start = System.nanoTime();
                        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/octet-stream")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(images.get(i % images.size()))).build(),
                                HttpResponse.BodyHandlers.discarding());
                        latencies[i] = System.nanoTime() - start;
                        if (r.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Row(clients, requests, failed.get(), seconds, (requests - failed.get()) / seconds, percentile(sorted, 0.50),
                percentile(sorted, 0.99), ProcessStats.peakRssGb(), server.batchSizes());
    }

    /** Nearest-rank percentile in milliseconds. */
    static double percentile(long[] sortedNanos, double q) {
        int rank = (int) Math.ceil(q * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }
}
