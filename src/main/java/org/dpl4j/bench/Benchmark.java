package org.dpl4j.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.CpuFeatures;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.Torch;
import org.dpl4j.training.Losses;
import org.dpl4j.training.StepRunner;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;

/**
 * Seconds per search and train step of DPL at given CLIP dimensions with random weights, on one
 * {@link Placement} (device and precision), next to this machine's own measured matmul peaks:
 * only figures measured here, in this process, are put side by side. Text inputs are
 * "a photo of a {class}." length sequences (EOT at position 8), as in the search stage.
 */
public final class Benchmark {
    /** One measured configuration. */
    public record Row(
            String stage,
            String attention,
            int classes,
            int batch,
            String precision,
            String device,
            @JsonProperty("s_per_step") double secondsPerStep,
            @JsonProperty("gflop") double gflopPerStep,
            @JsonProperty("gflop_per_s") double gflopPerSecond,
            @JsonProperty("peak_rss_gb") double peakRssGb) {}

    /** Where the numbers were measured. */
    public record Machine(
            @JsonProperty("cpu_model") String cpuModel,
            @JsonProperty("cpu_flags") List<String> cpuFlags,
            @JsonProperty("torch_cpu_capability") String torchCpuCapability,
            int threads,
            @JsonProperty("load_average") List<Double> loadAverage) {

        public static Machine detect() {
            CpuFeatures cpu = CpuFeatures.detect();
            return new Machine(cpu.model(), cpu.flags().stream().sorted().toList(), Torch.cpuCapability(), Torch.threads(),
                    Benchmark.loadAverage());
        }
    }

    /**
     * Everything {@code dpl4j bench --json} prints: the machine (load average before and after the
     * timings, so a busy machine shows), the measured matmul peaks per precision, and the rows.
     */
    public record Report(
            Machine machine,
            @JsonProperty("load_average_after") List<Double> loadAverageAfter,
            String device,
            @JsonProperty("matmul_peak_gflop_per_s") Map<String, Double> matmulPeakGflops,
            List<Row> rows) {}

    /** The square-ish product the peaks are measured on: (512 × 768) · (768 × 768). */
    static final long PEAK_M = 512;
    static final long PEAK_K = 768;
    static final long PEAK_N = 768;

    private final ClipConfig config;
    private final Placement placement;
    private final int warmup;
    private final int steps;
    private final Consumer<String> log;

    public Benchmark(ClipConfig config, Placement placement, int warmup, int steps, Consumer<String> log) {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("need at least one timed step and no negative warm-up: " + steps + ", " + warmup);
        }
        this.config = config;
        this.placement = placement;
        this.warmup = warmup;
        this.steps = steps;
        this.log = log;
    }

    /**
     * The whole measurement: matmul peaks (fp32 and bf16) on the placement's device, then
     * {@link #run} — what {@code dpl4j bench} prints, as one JSON object with {@code --json}.
     */
    public Report report(List<Integer> classCounts, List<AttentionMode> modes, int batch, int valBatch, int valChunk,
            List<Integer> candidates) {
        Machine machine = Machine.detect();
        Map<String, Double> peaks = matmulPeaks(placement);
        List<Row> rows = run(classCounts, modes, batch, valBatch, valChunk, candidates);
        return new Report(machine, loadAverage(), placement.device().toString(), peaks, rows);
    }

    /** Measured matmul throughput in GFLOP/s per precision label (fp32, bf16) on {@code placement}'s device. */
    public static Map<String, Double> matmulPeaks(Placement placement) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Precision p : Precision.values()) {
            out.put(p.label(), matmulPeak(placement.torchDevice(), p));
        }
        return out;
    }

    /**
     * Throughput (GFLOP/s) of {@code 512×768 · 768×768} products in {@code precision} on
     * {@code device}: this machine's practical peak for the products a CLIP step is made of.
     * Rounds of 1, 2, 4... products until at least half a second has been timed, so a fast GPU is
     * not timed on a few launches and a CPU that emulates bf16 is not kept busy for long.
     */
    public static double matmulPeak(Device device, Precision precision) {
        try (Scope s = Scope.open(); NoGradGuard g = new NoGradGuard()) {
            TensorOptions o = Tensors.fp32(device);
            Tensor a = torch.randn(new long[] {PEAK_M, PEAK_K}, o).to(precision.type());
            Tensor b = torch.randn(new long[] {PEAK_K, PEAK_N}, o).to(precision.type());
            for (int i = 0; i < 2; i++) {
                product(a, b);
            }
            sync(device);
            long n = 0;
            long t0 = System.nanoTime();
            double secs;
            int round = 1;
            do {
                for (int i = 0; i < round; i++) {
                    product(a, b);
                }
                n += round;
                round *= 2;
                sync(device);
                secs = (System.nanoTime() - t0) / 1e9;
            } while (secs < 0.5);
            return n * 2.0 * PEAK_M * PEAK_K * PEAK_N / secs / 1e9;
        }
    }

    private static void product(Tensor a, Tensor b) {
        try (Scope s = Scope.open()) {
            a.matmul(b);
        }
    }

    /** Waits for queued CUDA kernels, so wall time covers the work (CPU ops are synchronous). */
    static void sync(Device device) {
        if (device.is_cuda()) {
            torch.cuda_synchronize();
        }
    }

    /** Seconds per image of a plain image-encoder forward (no autograd) at batch {@code batch}. */
    public double imageForwardSeconds(int batch) {
        try (ClipModel clip = model(config, placement); NoGradGuard g = new NoGradGuard()) {
            double s = time("image forward, batch " + batch, clip.device(), () -> {
                try (Scope scope = Scope.open()) {
                    Tensors.toFloats(clip.image().encode(images(clip, batch), BlockAttention.PLAIN));
                }
            });
            return s / batch;
        }
    }

    /**
     * @param valChunk the alpha step's val batch goes through in chunks of this many images, as
     *     in the search ({@link StepRunner#chunkedStep}); {@code valBatch} times it in one piece
     */
    public List<Row> run(List<Integer> classCounts, List<AttentionMode> modes, int batch, int valBatch, int valChunk,
            List<Integer> candidates) {
        List<Row> rows = new ArrayList<>();
        try (ClipModel clip = model(config, placement)) {
            for (int classes : classCounts) {
                long[][] tokens = tokens(classes);
                resetPeakRss();
                rows.add(trainStep(clip, tokens, batch));
                for (AttentionMode mode : modes) {
                    resetPeakRss();
                    rows.add(searchStep(clip, tokens, batch, valBatch, valChunk, candidates, mode));
                }
            }
        }
        return rows;
    }

    /**
     * A random-weight CLIP on {@code placement}: in bf16 every matrix and embedding is bf16, the
     * LayerNorm parameters and the logit scale fp32 (as {@link ClipModel#load} places real weights).
     */
    static ClipModel model(ClipConfig config, Placement placement) {
        try (Scope s = Scope.open()) {
            return ClipModel.of(new ClipWeights(config, RandomWeights.create(config, 1), null, null), placement);
        }
    }

    private long[][] tokens(int classes) {
        long[][] t = new long[classes][config.contextLength()];
        for (int c = 0; c < classes; c++) {
            t[c][0] = 49406;
            for (int j = 1; j < 7; j++) {
                t[c][j] = 320 + (c * 7 + j) % 40000;
            }
            t[c][7] = 49407;
        }
        return t;
    }

    private Row trainStep(ClipModel clip, long[][] tokens, int batch) {
        int layers = config.visionLayers();
        PromptConfig cfg = PromptConfig.uniform(2, 2, layers, config.textLayers(), layers); // the paper's train-stage setting
        try (DeepPrompts prompts = DeepPrompts.init(cfg, clip, 0.02f, 1); Sgd sgd = new Sgd(0.9f, 5e-4f)) {
            int[] labels = labels(batch, tokens.length);
            double s = time("train " + tokens.length + " classes", clip.device(), () -> {
                try (Scope scope = Scope.open()) {
                    Tensor images = images(clip, batch);
                    StepRunner.step(() -> {
                        Tensor img = clip.image().encode(images, prompts.attention(Branch.IMAGE));
                        Tensor txt = clip.text().encode(tokens, prompts.attention(Branch.TEXT));
                        return Losses.crossEntropy(clip.logits(img, txt), labels);
                    }, prompts.parameters(), sgd, 1e-3f);
                }
            });
            double gflop = 2 * (FlopCount.imageForward(config, batch) + FlopCount.textForward(config, tokens.length, 8)) / 1e9;
            // the train stage's prompts attend through the fused path (one prompt per block, no mixing)
            return row(clip, "train", "fused", tokens.length, batch, s, gflop);
        }
    }

    private Row searchStep(ClipModel clip, long[][] tokens, int batch, int valBatch, int valChunk, List<Integer> candidates,
            AttentionMode mode) {
        try (Supernet net = Supernet.init(clip, candidates, 1); Adam adam = new Adam(0.5f, 0.999f, 1e-8f, 0, false);
                Sgd sgd = new Sgd(0.9f, 5e-4f)) {
            Map<String, Tensor> alphas = net.alphaParameters();
            Map<String, Tensor> prompts = net.promptParameters();
            BlockAttention ti = net.attention(Branch.IMAGE, mode);
            BlockAttention tt = net.attention(Branch.TEXT, mode);
            int[] valLabels = labels(valBatch, tokens.length);
            double s = time("search " + mode.name().toLowerCase(Locale.ROOT) + " " + tokens.length + " classes", clip.device(),
                    () -> {
                        try (Scope scope = Scope.open()) {
                            StepRunner.chunkedStep(() -> clip.text().encode(tokens, tt), (txt, from, to) -> {
                                Tensor img = clip.image().encode(images(clip, to - from), ti);
                                return Losses.crossEntropy(clip.logits(img, txt), Arrays.copyOfRange(valLabels, from, to));
                            }, valBatch, valChunk, alphas, adam, 3.5e-3f);
                            // the prompt step takes its own gradients: none of the alpha step's reach it
                            Tensor images = images(clip, batch);
                            StepRunner.step(() -> {
                                Tensor img = clip.image().encode(images, ti);
                                Tensor txt = clip.text().encode(tokens, tt);
                                return Losses.crossEntropy(clip.logits(img, txt), labels(batch, tokens.length));
                            }, prompts, sgd, 3.5e-3f);
                        }
                    });
            double gflop = 2 * (FlopCount.imageForward(config, batch + valBatch)
                    + 2 * FlopCount.textForward(config, tokens.length, 8)) / 1e9;
            return row(clip, "search", mode.name().toLowerCase(Locale.ROOT), tokens.length, batch, s, gflop);
        }
    }

    /** A row labelled with the precision and device the model really ran in. */
    private static Row row(ClipModel clip, String stage, String attention, int classes, int batch, double s, double gflop) {
        Placement p = clip.placement();
        return new Row(stage, attention, classes, batch, p.precision().label(), p.device().toString(), s, gflop, gflop / s,
                peakRssGb());
    }

    /** Random fp32 images (B, 3, R, R) on the model's device. */
    private Tensor images(ClipModel clip, int batch) {
        return torch.randn(new long[] {batch, 3, config.imageResolution(), config.imageResolution()},
                Tensors.fp32(clip.device()));
    }

    private static int[] labels(int batch, int classes) {
        int[] l = new int[batch];
        for (int i = 0; i < batch; i++) {
            l[i] = i % classes;
        }
        return l;
    }

    private double time(String what, Device device, Runnable step) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        sync(device);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.run();
        }
        sync(device);
        double s = (System.nanoTime() - t0) / 1e9 / steps;
        log.accept(String.format("%-28s %.3f s/step", what, s));
        return s;
    }

    /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}); empty where there is none. */
    public static List<Double> loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Restarts the peak-RSS count (Linux: {@code clear_refs} 5 resets VmHWM), so each row reports
     * its own peak; where that is not possible the peak stays process-wide.
     */
    public static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux, or not allowed: peaks accumulate over the rows
        }
    }

    /** Peak resident set (VmHWM) of this process in GB, or NaN where /proc is unavailable. */
    public static double peakRssGb() {
        return procStatusKb("VmHWM:") / 1024.0 / 1024.0;
    }

    /** Current resident set (VmRSS) in MB, or NaN where /proc is unavailable. */
    public static double currentRssMb() {
        return procStatusKb("VmRSS:") / 1024.0;
    }

    private static double procStatusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
