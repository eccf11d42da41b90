package org.dpl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.dpl4j.api.Bundle;
import org.dpl4j.api.Classifier;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.serve.ClassifyServer;
import org.dpl4j.serve.LoadTest;
import org.dpl4j.util.EngineSetup;
import org.dpl4j.util.ProcessStats;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dpl4j loadtest}: starts {@code serve} in this process on 127.0.0.1 and measures it with a
 * fixed number of requests per concurrency level; first the library one image at a time, for comparison.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Measure the HTTP service on this machine (127.0.0.1 only): throughput, p50/p99 latency, peak RSS and"
                + " the micro-batch sizes, for a fixed number of requests at each client count.")
final class LoadTestCommand implements Callable<Integer> {
    @Mixin ServeOptions serve;
    @Mixin EngineOptions engine;

    static final class Source {
        @Option(names = "--bundle", paramLabel = "FILE", description = "a bundle (or train run) to serve")
        Path bundle;

        @Option(names = "--random-vit-b16", description = "random ViT-B/16 weights and prompts instead (the numbers mean speed only)")
        boolean randomVitB16;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--classes", defaultValue = "100", description = "classes of the random model (default: ${DEFAULT-VALUE})")
    int classes;

    @Option(names = "--images", defaultValue = "demo-data/oxford_pets/images", paramLabel = "DIR",
            description = "folder of images to send (default: ${DEFAULT-VALUE})")
    Path images;

    @Option(names = "--distinct", defaultValue = "16", description = "distinct images read from --images (default: ${DEFAULT-VALUE})")
    int distinct;

    @Option(names = "--requests", defaultValue = "200", description = "requests per client count (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--clients", split = ",", defaultValue = "1,8,32", description = "concurrent clients (default: ${DEFAULT-VALUE})")
    List<Integer> clients;

    @Option(names = "--library-images", defaultValue = "16",
            description = "images classified one per call through the library first, for comparison; 0 skips (default: ${DEFAULT-VALUE})")
    int libraryImages;

    @Option(names = "--warmup", defaultValue = "8", description = "untimed requests before each level (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws Exception {
        EngineSetup.configure();
        List<byte[]> sample = readImages();
        try (Classifier classifier = load()) {
            System.out.printf("model: %s, %d classes, resolution %d; %d distinct images from %s%n",
                    source.randomVitB16 ? "random ViT-B/16" : source.bundle, classifier.labels().size(),
                    classifier.info().preprocessing().resolution(), sample.size(), images);
            if (libraryImages > 0) {
                perImage(classifier, sample, libraryImages);
            }
            try (ClassifyServer server = ClassifyServer.start(classifier, serve.settings("127.0.0.1", 0))) {
                LoadTest test = new LoadTest(server, sample);
                System.out.printf("%7s %8s %6s %9s %9s %9s %9s  %s%n", "clients", "requests", "failed", "images/s", "p50 ms",
                        "p99 ms", "peak RSS", "batch sizes (size x count)");
                for (int c : clients) {
                    test.run(Math.min(c, Math.max(warmup, 1)), Math.max(warmup, 1));
                    LoadTest.Row r = test.run(c, requests);
                    System.out.printf("%7d %8d %6d %9.1f %9.1f %9.1f %6.2f GB  %s%n", r.clients(), r.requests(), r.failed(),
                            r.imagesPerSecond(), r.p50Ms(), r.p99Ms(), r.peakRssGb(), r.batches());
                }
            }
        }
        return 0;
    }

    /** The random model is made on the CPU in fp32; --device and --precision apply to a --bundle. */
    private Classifier load() throws Exception {
        if (source.randomVitB16) {
            ClipConfig cfg = ClipConfig.vitB16();
            // image prompts of 4 tokens in every block: about what a DPL search keeps, the costlier end
            PromptConfig layout = new PromptConfig(Collections.nCopies(cfg.textLayers(), 0), Collections.nCopies(cfg.visionLayers(), 4));
            return Classifier.of(Bundle.random(cfg, layout, classes, 1));
        }
        return Classifier.load(source.bundle, null, engine.placement());
    }

    /** The library, one image per call on one thread (what {@code predict} does per image, model already loaded). */
    private static void perImage(Classifier classifier, List<byte[]> sample, int n) throws Exception {
        classifier.classify(sample.get(0), 1);
        ProcessStats.resetPeakRss();
        long[] t = new long[n];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            classifier.classify(sample.get(i % sample.size()), 5);
            t[i] = System.nanoTime() - s;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(t);
        System.out.printf("library, one image per call, %d images: %.1f images/s, p50 %.1f ms, p99 %.1f ms, peak RSS %.2f GB%n",
                n, n / seconds, t[(int) Math.ceil(0.5 * n) - 1] / 1e6, t[(int) Math.ceil(0.99 * n) - 1] / 1e6, ProcessStats.peakRssGb());
    }

    private List<byte[]> readImages() throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(images)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().limit(distinct).toList()) {
                out.add(Files.readAllBytes(p));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--images " + images + ": no files");
        }
        return out;
    }
}
