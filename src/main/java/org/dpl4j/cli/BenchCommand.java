package org.dpl4j.cli;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpl4j.bench.Benchmark;
import org.dpl4j.bench.MethodBench;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.search.AlphaChunks;
import org.dpl4j.search.AttentionMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dpl4j bench}: seconds per search/train step at ViT-B/16 dimensions, random weights. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time search and train steps at ViT-B/16 dimensions with random weights (docs/design.md §10).")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine;

    @Option(names = "--classes", split = ",", defaultValue = "10,100", description = "class counts (default: ${DEFAULT-VALUE})")
    List<Integer> classes;

    @Option(names = "--batch", defaultValue = "4", description = "train batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--val-batch", defaultValue = "16", description = "alpha-step batch (default: ${DEFAULT-VALUE})")
    int valBatch;

    @Option(names = "--val-chunk", description = "alpha-step images per backward pass (default: as the search chooses for the model; "
            + "the val batch = unchunked)")
    Integer valChunk;

    @Option(names = "--candidates", split = ",", defaultValue = "0,1,2,3", description = "candidate lengths (default: ${DEFAULT-VALUE})")
    List<Integer> candidates;

    @Option(names = "--attention", split = ",", defaultValue = "fused,naive", description = "attention paths to time (default: ${DEFAULT-VALUE})")
    List<String> attention;

    @Option(names = "--steps", defaultValue = "3", description = "timed steps per row (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed steps per row (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--tiny", description = "use a tiny model instead of ViT-B/16 (for a quick check)")
    boolean tiny;

    @Option(names = "--methods", split = ",", paramLabel = "PRESET",
            description = "instead: trainable parameters and train-step time of these methods (e.g. coop,cocoop,ivlp,maple), "
                    + "each at its published batch, with the first --classes count")
    List<String> methods;

    @Option(names = "--forward-only", description = "only time the image encoder's forward pass (seconds per image)")
    boolean forwardOnly;

    @Override
    public Integer call() {
        ClipConfig cfg = tiny ? new ClipConfig(32, 32, 3, 64, 2, 8, 77, 49408, 64, 2, 3) : ClipConfig.vitB16();
        List<AttentionMode> modes = attention.stream().map(s -> AttentionMode.valueOf(s.toUpperCase(java.util.Locale.ROOT))).toList();
        try (NDManager m = engine.manager()) {
            double peak = Benchmark.matmulPeak(m);
            System.out.printf("fp32 matmul peak (512x768x768): %.0f GFLOP/s%n", peak);
            Benchmark b = new Benchmark(cfg, warmup, steps, s -> System.err.println("  " + s));
            if (methods != null) {
                List<MethodBench.Row> rows = new MethodBench(cfg, warmup, steps, s -> System.err.println("  " + s))
                        .run(methods, classes.get(0), m);
                System.out.printf("%-10s %12s %5s %7s %9s %9s%n", "method", "parameters", "batch", "classes", "s/step", "peak RSS");
                for (MethodBench.Row r : rows) {
                    System.out.printf("%-10s %,12d %5d %7d %9.2f %6.2f GB%n", r.method(), r.parameters(), r.batch(), r.classes(),
                            r.secondsPerStep(), r.peakRssGb());
                }
                return 0;
            }
            if (forwardOnly) {
                System.out.printf("image encoder forward: %.3f s/image (batch 8)%n", b.imageForwardSeconds(8, m));
                return 0;
            }
            List<Benchmark.Row> rows = b.run(classes, modes, batch, valBatch, valChunk != null ? valChunk : AlphaChunks.size(cfg, valBatch), candidates, m);
            System.out.printf("%-7s %-6s %7s %5s %9s %9s %8s %7s %9s %8s %9s%n",
                    "stage", "attn", "classes", "batch", "s/step", "GFLOP", "GFLOP/s", "%peak", "ref s", "speedup", "peak RSS");
            for (Benchmark.Row r : rows) {
                System.out.printf("%-7s %-6s %7d %5d %9.2f %9.0f %8.0f %6.0f%% %9s %8s %6.2f GB%n", r.stage(), r.attention(), r.classes(),
                        r.batch(), r.secondsPerStep(), r.gflopPerStep(), r.gflops(), 100 * r.gflops() / peak,
                        r.referenceSeconds() == null ? "-" : String.format("%.1f", r.referenceSeconds()),
                        r.referenceSeconds() == null ? "-" : String.format("%.1fx", r.referenceSeconds() / r.secondsPerStep()), r.peakRssGb());
            }
            System.out.println("peak RSS: the process's peak while timing that row (weights included)");
        }
        return 0;
    }
}
