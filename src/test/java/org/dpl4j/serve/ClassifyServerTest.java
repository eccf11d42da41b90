package org.dpl4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dpl4j.api.Classifier;
import org.dpl4j.api.Prediction;
import org.dpl4j.cli.Main;
import org.dpl4j.run.Json;
import org.dpl4j.testutil.BombPng;
import org.dpl4j.testutil.Shared;
import org.dpl4j.testutil.TinyRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP service over a bundle of the tiny CLIP: its answers are the library's, every bad input
 * gets its status and message and the server answers the next good request, a full queue answers
 * 503 + Retry-After, micro-batches form, and a shutdown finishes the request in flight. Batches are
 * held back with a gate in place of the encoder call, so no test depends on timing.
 */
class ClassifyServerTest {
    @TempDir
    static Path dir;
    static Classifier classifier;
    static byte[] jpeg;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    ClassifyServer server;
    /** The gate of the test's encoder, opened after each test so a failed assertion cannot leave a batch (and close()) waiting. */
    Gate gate;

    @BeforeAll
    static void bundle() throws IOException {
        Path run = TinyRun.train(dir.resolve("run"), Shared.require("golden/tiny-clip"));
        Path bundle = dir.resolve("pets.dpl4j");
        assertThat(Main.run("export", "-q", "--run", run.toString(), "--out", bundle.toString())).isZero();
        classifier = Classifier.load(bundle);
        jpeg = Files.readAllBytes(TinyRun.images(1).get(0));
    }

    @AfterAll
    static void closeClassifier() {
        if (classifier != null) {
            classifier.close();
        }
    }

    @AfterEach
    void stop() {
        if (gate != null) {
            gate.open.countDown();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ServerSettings settings() {
        return ServerSettings.defaults().withPort(0);
    }

    private ClassifyServer start(ServerSettings s) throws IOException {
        server = ClassifyServer.start(classifier, s);
        return server;
    }

    private HttpResponse<String> post(String pathAndQuery, byte[] body, String contentType) throws Exception {
        return postAsync(pathAndQuery, body, contentType).get();
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String pathAndQuery, byte[] body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.LINE.readTree(r.body());
    }

    private void assertClassifies(String what) throws Exception {
        HttpResponse<String> r = post("/v1/classify", jpeg, "image/jpeg");
        assertThat(r.statusCode()).as("a good request after " + what).isEqualTo(200);
        assertThat(json(r).path("predictions")).hasSize(5 > classifier.labels().size() ? classifier.labels().size() : 5);
    }

    private static byte[] multipart(String boundary, String name, String filename, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\nContent-Type: image/jpeg\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @Test
    void labelsHealthAndAnswersAreTheLibrarys() throws Exception {
        start(settings());
        assertThat(Json.LINE.convertValue(json(get("/v1/labels")).path("labels"), List.class)).isEqualTo(classifier.labels());
        assertThat(json(get("/health")).path("status").asText()).isEqualTo("ok");

        List<Prediction> expected = classifier.classify(jpeg, 2);
        for (HttpResponse<String> r : List.of(post("/v1/classify?top=2", jpeg, "application/octet-stream"),
                post("/v1/classify?top=2", multipart("XyZ", "image", "cat.jpg", jpeg), "multipart/form-data; boundary=XyZ"),
                post("/v1/classify?top=2", multipart("q-1", "upload", "cat.jpg", jpeg), "multipart/form-data; boundary=\"q-1\""))) {
            assertThat(r.statusCode()).isEqualTo(200);
            List<Prediction> got = new ArrayList<>();
            json(r).path("predictions").forEach(p -> got.add(Json.LINE.convertValue(p, Prediction.class)));
            assertThat(got).isEqualTo(expected);
        }
    }

    @Test
    void everyBadInputGetsItsStatusAndMessageAndTheServerKeepsServing() throws Exception {
        start(settings().withLimits(64 << 10, 1 << 20));
        record Bad(String what, String path, byte[] body, String type, int status, String message) {}
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        List<Bad> cases = List.of(
                new Bad("text", "/v1/classify", "hello, not an image".getBytes(), "text/plain", 400,
                        "cannot read image in the request body: unknown or unsupported image format"),
                new Bad("a truncated JPEG", "/v1/classify", truncated, "image/jpeg", 400, "cannot read image in the request body: "),
                new Bad("a 30000x30000 PNG header", "/v1/classify", BombPng.bytes(30000, 30000), "image/png", 413,
                        "30000x30000 pixels (900000000) is more than the limit of 1048576 pixels; refused before decoding"),
                new Bad("a body over the size limit", "/v1/classify", new byte[200 << 10], "image/jpeg", 413,
                        "request body of 204800 bytes is over the limit of 65536 bytes"),
                new Bad("an empty body", "/v1/classify", new byte[0], "image/jpeg", 400, "empty body"),
                new Bad("multipart without a boundary", "/v1/classify", jpeg, "multipart/form-data", 400,
                        "multipart/form-data without a boundary parameter"),
                new Bad("multipart without an image part", "/v1/classify",
                        "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b--\r\n".getBytes(), "multipart/form-data; boundary=b",
                        400, "no part named image or file"),
                new Bad("top=0", "/v1/classify?top=0", jpeg, "image/jpeg", 400, "top must be a positive integer, got 0"),
                new Bad("an unknown path", "/v2/classify", jpeg, "image/jpeg", 404, "no such endpoint: /v2/classify"));
        for (Bad b : cases) {
            HttpResponse<String> r = post(b.path(), b.body(), b.type());
            assertThat(r.statusCode()).as(b.what()).isEqualTo(b.status());
            assertThat(json(r).path("error").asText()).as(b.what()).contains(b.message());
            assertClassifies(b.what());
        }
        HttpResponse<String> wrongMethod = get("/v1/classify");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertClassifies("GET /v1/classify");
    }

    /** Stands in for the encoder: the first batch waits for {@link #open}; every call is counted. */
    static final class Gate implements MicroBatcher.Model {
        final CountDownLatch open = new CountDownLatch(1);
        final Semaphore entered = new Semaphore(0);
        final AtomicBoolean first = new AtomicBoolean(true);

        @Override
        public float[][] probabilities(List<float[]> batch) {
            entered.release();
            if (first.getAndSet(false)) {
                try {
                    open.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return classifier.probabilities(batch);
        }
    }

    private static void awaitQueued(ClassifyServer s, int n) throws InterruptedException {
        while (s.queued() < n) {
            Thread.sleep(5);
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndTheServerRecovers() throws Exception {
        gate = new Gate();
        server = new ClassifyServer(classifier, settings().withBatching(1, 0, 1), gate);
        CompletableFuture<HttpResponse<String>> running = postAsync("/v1/classify", jpeg, "image/jpeg");
        gate.entered.acquire(); // the encoder holds the first image
        CompletableFuture<HttpResponse<String>> queued = postAsync("/v1/classify", jpeg, "image/jpeg");
        awaitQueued(server, 1); // the queue (capacity 1) is full

        HttpResponse<String> refused = post("/v1/classify", jpeg, "image/jpeg");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(refused).path("error").asText()).contains("the queue is full");

        gate.open.countDown();
        assertThat(running.get().statusCode()).isEqualTo(200);
        assertThat(queued.get().statusCode()).isEqualTo(200);
        assertClassifies("a 503");
    }

    @Test
    void imagesWaitingTogetherRunAsOneBatch() throws Exception {
        gate = new Gate();
        server = new ClassifyServer(classifier, settings().withBatching(4, 0, 16), gate);
        CompletableFuture<HttpResponse<String>> first = postAsync("/v1/classify", jpeg, "image/jpeg");
        gate.entered.acquire();
        List<CompletableFuture<HttpResponse<String>>> more = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            more.add(postAsync("/v1/classify", jpeg, "image/jpeg"));
        }
        awaitQueued(server, 4);
        gate.open.countDown();
        assertThat(first.get().statusCode()).isEqualTo(200);
        for (CompletableFuture<HttpResponse<String>> r : more) {
            assertThat(r.get().statusCode()).isEqualTo(200);
        }
        long[] sizes = server.batchSizes();
        assertThat(sizes[1]).as("batches of 1").isEqualTo(1);
        assertThat(sizes[4]).as("batches of 4").isEqualTo(1);
    }

    @Test
    void shutdownFinishesTheRequestInFlightAndThenRefusesConnections() throws Exception {
        gate = new Gate();
        server = new ClassifyServer(classifier, settings(), gate);
        int port = server.port();
        CompletableFuture<HttpResponse<String>> inFlight = postAsync("/v1/classify", jpeg, "image/jpeg");
        gate.entered.acquire();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        while (accepts(port)) {
            Thread.sleep(5); // until the listener is closed
        }
        assertThat(inFlight).isNotDone();
        gate.open.countDown();
        HttpResponse<String> r = inFlight.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("predictions")).isNotEmpty();
        closing.get();
        assertThat(accepts(port)).isFalse();
    }

    private static boolean accepts(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    @Test
    void bindsLoopbackByDefault() {
        assertThat(ServerSettings.defaults().host()).isEqualTo("127.0.0.1");
        assertThat(URI.create("http://127.0.0.1:1/").getHost()).isEqualTo("127.0.0.1");
    }
}
