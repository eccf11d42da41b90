package org.dpl4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpl4j.bench.Benchmark;
import org.dpl4j.bench.LoaderBench;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.image.ImageCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dpl4j bench loader}: images/s the batch loader delivers to a step of fixed length ({@link LoaderBench}). */
@Command(name = "loader", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Images/s the batch loader delivers to a training step that takes --step-ms (it only sleeps), with and without"
                + " the decoded-image cache, per worker count: does the CPU keep a fast device fed?")
final class LoaderBenchCommand implements Callable<Integer> {
    /** The data as every command reads it ({@code --subsample} too: a base-class split is a few-shot split). */
    @Mixin DataOptions data;

    @Option(names = "--workers", split = ",", defaultValue = "1,2,4", description = "decoding threads to try (default: ${DEFAULT-VALUE})")
    List<Integer> workers;

    @Option(names = "--step-ms", defaultValue = "20", description = "simulated step length in ms (default: ${DEFAULT-VALUE})")
    long stepMs;

    @Option(names = "--batch", defaultValue = "4", description = "batch size (default: ${DEFAULT-VALUE}, DPL's)")
    int batch;

    @Option(names = "--resolution", defaultValue = "224", description = "crop size (default: ${DEFAULT-VALUE}, ViT-B/16's)")
    int resolution;

    @Option(names = "--epochs", defaultValue = "2", description = "epochs per configuration (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--image-cache", paramLabel = "MB", description = "cache limit when on (default: as training)")
    Long cacheMb;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DatasetSplits splits = data.spec().load();
        long cache = cacheMb != null ? cacheMb << 20 : ImageCache.shared().limit();
        List<Double> before = Benchmark.loadAverage();
        List<LoaderBench.Row> rows = LoaderBench.run(splits.train(), resolution, batch, workers, stepMs, epochs, cache, data.seed,
                s -> System.err.println("  " + s));
        List<Double> after = Benchmark.loadAverage();
        var out = spec.commandLine().getOut();
        out.printf("%s %d-shot train split: %d images, batch %d, %d px, %s, %d cores; load average %s before, %s after%n",
                splits.name(), data.shots, splits.train().size(), batch, resolution,
                stepMs > 0 ? String.format("step %d ms (at most %.0f images/s)", stepMs, batch * 1000.0 / stepMs) : "no step (the loader alone)",
                Runtime.getRuntime().availableProcessors(), before, after);
        out.printf("%7s %5s %5s %8s %8s %9s %8s%n", "workers", "cache", "epoch", "images/s", "seconds", "waited s", "decodes");
        for (LoaderBench.Row r : rows) {
            out.printf("%7d %5s %5d %8.1f %8.1f %9.1f %8d%n", r.workers(), r.cache() ? "on" : "off", r.epoch(), r.imagesPerSecond(),
                    r.seconds(), r.waitSeconds(), r.decodes());
        }
        out.flush();
        return 0;
    }
}
