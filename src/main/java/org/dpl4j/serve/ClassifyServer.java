package org.dpl4j.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dpl4j.api.Classifier;
import org.dpl4j.api.Prediction;
import org.dpl4j.data.image.ImageTooLargeException;
import org.dpl4j.data.image.InvalidImageException;
import org.dpl4j.run.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP front for a {@link Classifier}:
 * <ul>
 *   <li>{@code POST /v1/classify[?top=k]}: the image as the raw body or as a {@code multipart/form-data}
 *       part, answered {@code {"predictions": [{"label", "index", "probability"}, ...]}};
 *   <li>{@code GET /v1/labels}: {@code {"labels": [...]}};
 *   <li>{@code GET /health}: {@code {"status": "ok", ...}}.
 * </ul>
 * Bad input never reaches the encoder: a body over the size limit gets 413, an image whose header
 * declares too many pixels 413 (before decoding), anything undecodable 400, all with
 * {@code {"error": message}}. Decoded images go to a {@link MicroBatcher}; when its queue is full the
 * answer is 503 with {@code Retry-After}. {@link #close()} stops accepting connections, lets requests
 * in flight finish (up to the grace period), then stops the batcher.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: three JSON endpoints need no framework, it
 * adds no dependency (and no transitive ones to keep patched), and it gives what the service needs:
 * a bounded handler pool and a graceful {@code stop(delay)}. It speaks HTTP/1.1 only and parses no
 * multipart, which {@link Multipart} does for the one part it needs.
 */
public final class ClassifyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyServer.class);
    /** Bytes of an oversized body read and dropped before answering 413, so the client sees the answer. */
    private static final long DRAIN = 1L << 20;

    private final Classifier classifier;
    private final ServerSettings settings;
    private final MicroBatcher batcher;
    private final HttpServer http;
    private final ExecutorService handlers;
    private final Semaphore decoders;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /** Starts serving {@code classifier} (which the caller still owns and closes after this). */
    public static ClassifyServer start(Classifier classifier, ServerSettings settings) throws IOException {
        return new ClassifyServer(classifier, settings, classifier::probabilities);
    }

    /** With the encoder call replaced ({@code model}), for tests that hold a batch back. */
    static {
        // the JDK server writes a response's headers and body separately; without TCP_NODELAY, Nagle's
        // algorithm holds the body until the client's delayed ACK, about 40 ms per request on loopback.
        // Read once when the JDK's server configuration loads, so it is set before the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    ClassifyServer(Classifier classifier, ServerSettings settings, MicroBatcher.Model model) throws IOException {
        this.classifier = classifier;
        this.settings = settings;
        this.batcher = new MicroBatcher(model, settings.maxBatch(), settings.maxWaitMs(), settings.queueCapacity());
        this.decoders = new Semaphore(settings.decodeThreads());
        this.handlers = Executors.newFixedThreadPool(settings.handlerThreads(), named("dpl4j-http-"));
        try {
            this.http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        } catch (IOException e) {
            batcher.close();
            handlers.shutdown();
            throw new IOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        http.setExecutor(handlers);
        http.createContext("/v1/classify", ex -> handle(ex, "POST", this::classify));
        http.createContext("/v1/labels", ex -> handle(ex, "GET", e -> respond(e, 200, Map.of("labels", classifier.labels()))));
        http.createContext("/health", ex -> handle(ex, "GET", this::health));
        http.createContext("/", ex -> handle(ex, null, e -> error(e, 404, "no such endpoint: " + e.getRequestURI().getPath())));
        http.start();
        LOG.info("serving {} classes on http://{}:{}/v1/classify (batches of up to {} images or {} ms, queue {})",
                classifier.labels().size(), settings.host(), port(), settings.maxBatch(), settings.maxWaitMs(), settings.queueCapacity());
    }

    /** The port listened on (the chosen one when the settings said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    public URI uri() {
        return URI.create("http://" + settings.host() + ":" + port());
    }

    /** How many encoder batches of each size ran (index = images per batch) since the last reset. */
    public long[] batchSizes() {
        return batcher.batchSizes();
    }

    public void resetBatchSizes() {
        batcher.resetBatchSizes();
    }

    /** Images decoded and waiting for the encoder. */
    public int queued() {
        return batcher.queued();
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private void handle(HttpExchange ex, String method, Handler h) {
        inFlight.incrementAndGet();
        try (ex) {
            if (method != null && !method.equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", method);
                error(ex, 405, ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + ": use " + method);
                return;
            }
            h.handle(ex);
        } catch (IOException | RuntimeException e) {
            // the client went away mid-answer, or a bug: log it, the connection is closed either way
            LOG.warn("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void health(HttpExchange ex) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", closed ? "stopping" : "ok");
        body.put("classes", classifier.labels().size());
        body.put("queued", batcher.queued());
        body.put("inFlight", inFlight.get());
        respond(ex, 200, body);
    }

    private void classify(HttpExchange ex) throws IOException {
        int top;
        try {
            top = topK(ex.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            error(ex, 400, e.getMessage());
            return;
        }
        byte[] body = readBody(ex);
        if (body == null) {
            return; // answered 413
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        byte[] image;
        try {
            image = type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") ? Multipart.image(body, type) : body;
        } catch (IllegalArgumentException e) {
            error(ex, 400, e.getMessage());
            return;
        }
        if (image.length == 0) {
            error(ex, 400, "empty body: send the image bytes, or multipart/form-data with an image part");
            return;
        }
        float[] pixels;
        try {
            pixels = decode(image);
        } catch (ImageTooLargeException e) {
            error(ex, 413, e.getMessage());
            return;
        } catch (InvalidImageException e) {
            error(ex, 400, e.getMessage());
            return;
        }
        float[] probabilities;
        try {
            probabilities = batcher.submit(pixels).get();
        } catch (MicroBatcher.Busy e) {
            ex.getResponseHeaders().set("Retry-After", "1");
            error(ex, 503, e.getMessage());
            return;
        } catch (ExecutionException e) {
            LOG.error("classification failed", e.getCause());
            error(ex, 500, "classification failed: " + e.getCause());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(ex, 503, "the server is shutting down");
            return;
        }
        List<Prediction> answer = classifier.top(probabilities, top);
        respond(ex, 200, Map.of("predictions", answer));
    }

    private float[] decode(byte[] image) throws InvalidImageException {
        decoders.acquireUninterruptibly();
        try {
            return classifier.decode(image, "in the request body", settings.maxPixels());
        } finally {
            decoders.release();
        }
    }

    private int topK(String query) {
        if (query == null) {
            return settings.topK();
        }
        for (String kv : query.split("&")) {
            if (kv.startsWith("top=")) {
                try {
                    int k = Integer.parseInt(kv.substring(4));
                    if (k > 0) {
                        return k;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException("top must be a positive integer, got " + kv.substring(4));
            }
        }
        return settings.topK();
    }

    /** The body, or null after answering 413 when it is larger than allowed. */
    private byte[] readBody(HttpExchange ex) throws IOException {
        long max = settings.maxRequestBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        InputStream in = ex.getRequestBody();
        if (declared != null && parseLong(declared) > max) {
            drain(in, Math.min(parseLong(declared), DRAIN));
            error(ex, 413, "request body of " + declared + " bytes is over the limit of " + max + " bytes");
            return null;
        }
        byte[] body = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE));
        if (body.length > max) {
            error(ex, 413, "request body is over the limit of " + max + " bytes");
            return null;
        }
        return body;
    }

    /** Reads and drops up to {@code n} bytes (the JDK stream's skip does not count them as read). */
    private static void drain(InputStream in, long n) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        int r;
        while (left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
            left -= r;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        if (status >= 500) {
            LOG.warn("{} {} -> {}: {}", ex.getRequestMethod(), ex.getRequestURI(), status, message);
        }
        respond(ex, status, Map.of("error", message));
    }

    private static void respond(HttpExchange ex, int status, Object body) throws IOException {
        byte[] json;
        try {
            json = Json.LINE.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, json.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(json);
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Graceful stop: no new connections, requests in flight finish (their batches run) for up to the
     * grace period, then the batcher and the handler threads stop. The classifier stays open.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping: finishing {} request(s) in flight", inFlight.get());
        http.stop(settings.shutdownGraceSeconds());
        batcher.close();
        handlers.shutdown();
        try {
            handlers.awaitTermination(settings.shutdownGraceSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped");
    }
}
