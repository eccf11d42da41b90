package org.dpl4j.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dpl4j.bench.Benchmark;
import org.dpl4j.bench.MethodBench;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.run.Json;
import org.dpl4j.search.AlphaChunks;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.training.TextChunks;
import org.dpl4j.tensor.Placement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dpl4j bench}: seconds per search/train step at ViT-B/16 dimensions, random weights. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = LoaderBenchCommand.class,
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

    @Option(names = "--text-chunk", paramLabel = "N", description = "classes per text-encoder pass (default: as search and train "
            + "size it from the memory budget, docs/design.md §6.11; 0 = all classes in one pass)")
    Integer textChunk;

    @Option(names = "--text-keep", paramLabel = "K", defaultValue = "1",
            description = "with --text-chunk: passes whose graph the first pass keeps (default: ${DEFAULT-VALUE})")
    int textKeep;

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

    @Option(names = "--products", description = "only the GFLOP/s of a ViT-B/16 block's products at batch 8: attention's "
            + "batched Q·K^T and S·V against one large GEMM (where a BLAS without batched GEMM falls behind)")
    boolean products;

    @Option(names = "--json", description = "print the results as one JSON object instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ClipConfig cfg = tiny ? new ClipConfig(32, 32, 3, 64, 2, 8, 77, 49408, 64, 2, 3) : ClipConfig.vitB16();
        List<AttentionMode> modes = attention.stream().map(s -> AttentionMode.valueOf(s.toUpperCase(java.util.Locale.ROOT))).toList();
        Placement placement = engine.placement();
        if (methods != null) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("machine", Benchmark.Machine.detect());
            result.put("device", placement.device().toString());
            result.put("precision", placement.precision().label());
            List<MethodBench.Row> rows = new MethodBench(cfg, placement, warmup, steps, s -> System.err.println("  " + s))
                    .run(methods, classes.get(0));
            result.put("methods", rows);
            if (json) {
                System.out.println(Json.PRETTY.writeValueAsString(result));
                return 0;
            }
            System.out.printf("%s, %s%n", placement.device(), placement.precision().label());
            System.out.printf("%-10s %12s %5s %7s %9s %9s%n", "method", "parameters", "batch", "classes", "s/step", "peak RSS");
            for (MethodBench.Row r : rows) {
                System.out.printf("%-10s %,12d %5d %7d %9.2f %6.2f GB%n", r.method(), r.parameters(), r.batch(), r.classes(),
                        r.secondsPerStep(), r.peakRssGb());
            }
            return 0;
        }
        if (products) {
            Map<String, Double> gflops = Benchmark.attentionProducts(placement.torchDevice(), placement.precision());
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("machine", Benchmark.Machine.detect());
                result.put("device", placement.device().toString());
                result.put("precision", placement.precision().label());
                result.put("gflops", gflops);
                System.out.println(Json.PRETTY.writeValueAsString(result));
            } else {
                System.out.printf("%s, %s, %d threads%n", placement.device(), placement.precision().label(),
                        Benchmark.Machine.detect().threads());
                gflops.forEach((product, g) -> System.out.printf("%-20s %7.1f GFLOP/s%n", product, g));
            }
            return 0;
        }
        Benchmark b = new Benchmark(cfg, placement, warmup, steps, s -> System.err.println("  " + s));
        if (forwardOnly) {
            double s = b.imageForwardSeconds(8);
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("machine", Benchmark.Machine.detect());
                result.put("device", placement.device().toString());
                result.put("precision", placement.precision().label());
                result.put("batch", 8);
                result.put("image_forward_s_per_image", s);
                System.out.println(Json.PRETTY.writeValueAsString(result));
            } else {
                System.out.printf("image encoder forward (%s, %s): %.3f s/image (batch 8)%n", placement.device(),
                        placement.precision().label(), s);
            }
            return 0;
        }
        if (textChunk != null && textChunk < 0 || textKeep < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--text-chunk must be 0 (one pass) or positive, --text-keep positive");
        }
        Benchmark.Report report = b.report(classes, modes, batch, valBatch, valChunk != null ? valChunk : AlphaChunks.size(cfg, valBatch),
                candidates, textChunk == null ? null : new TextChunks.Plan(textChunk, textKeep));
        if (json) {
            System.out.println(Json.PRETTY.writeValueAsString(report));
            return 0;
        }
        Benchmark.Machine m = report.machine();
        System.out.printf("%s (%s), libtorch %s kernels, %d threads; %s%n", m.cpuModel(), String.join(" ", m.cpuFlags()),
                m.torchCpuCapability(), m.threads(), report.device());
        report.matmulPeakGflops().forEach((p, g) -> System.out.printf("%s matmul peak (512x768x768): %.0f GFLOP/s%n", p, g));
        System.out.printf("%-7s %-6s %7s %5s %-5s %9s %9s %9s %8s %7s %9s%n",
                "stage", "attn", "classes", "batch", "prec", "chunk×kept", "s/step", "GFLOP", "GFLOP/s", "%peak", "peak RSS");
        for (Benchmark.Row r : report.rows()) {
            Double peak = report.matmulPeakGflops().get(r.precision());
            System.out.printf("%-7s %-6s %7d %5d %-5s %9s %9.2f %9.0f %8.0f %6s %6.2f GB%n", r.stage(), r.attention(), r.classes(),
                    r.batch(), r.precision(), r.textChunk() + "×" + r.textKeep(), r.secondsPerStep(), r.gflopPerStep(), r.gflopPerSecond(),
                    peak == null ? "-" : String.format("%.0f%%", 100 * r.gflopPerSecond() / peak), r.peakRssGb());
        }
        System.out.println("%peak: of this machine's matmul peak in the row's precision; peak RSS: the process's peak while timing"
                + " that row (weights included); chunk×kept: classes per text-encoder pass × passes whose graph is kept; text: a search step's text side alone"
                + " (a search step has two)");
        return 0;
    }
}
