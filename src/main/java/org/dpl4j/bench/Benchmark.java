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
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.model.TextEncoder;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.CpuFeatures;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.Torch;
import org.dpl4j.training.Losses;
import org.dpl4j.training.StepRunner;
import org.dpl4j.training.TextChunks;
import org.dpl4j.training.TextPass;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;
import org.dpl4j.util.ProcessStats;

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
            @JsonProperty("peak_rss_gb") double peakRssGb,
            @JsonProperty("text_chunk") int textChunk,
            @JsonProperty("text_keep") int textKeep) {}

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
            List<Integer> candidates, TextChunks.Plan textPlan) {
        Machine machine = Machine.detect();
        Map<String, Double> peaks = matmulPeaks(placement);
        List<Row> rows = run(classCounts, modes, batch, valBatch, valChunk, candidates, textPlan);
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
     */
    public static double matmulPeak(Device device, Precision precision) {
        try (Scope s = Scope.open(); NoGrad g = NoGrad.open()) {
            return gflops(Tensors.to(Tensors.randn(device, PEAK_M, PEAK_K), precision),
                    Tensors.to(Tensors.randn(device, PEAK_K, PEAK_N), precision), device);
        }
    }

    /**
     * Throughput (GFLOP/s) of the products a ViT-B/16 block is made of, at batch 8 (12 heads, 197
     * tokens, head dimension 64) in {@code precision} on {@code device}: the batched {@code Q·Kᵀ}
     * and {@code S·V} of attention (96 small products each) and one large {@code (1576×768)·(768×2304)}
     * GEMM, the in-projection. On a libtorch built with OpenBLAS instead of MKL the batched ones
     * run far below the large GEMM (docs/results.md, "Engine probes"); this is the probe that
     * shows it on a given machine and thread count.
     */
    public static Map<String, Double> attentionProducts(Device device, Precision precision) {
        long b = 8;
        long h = 12;
        long l = 197;
        long d = 64;
        Map<String, Double> out = new LinkedHashMap<>();
        try (Scope s = Scope.open(); NoGrad g = NoGrad.open()) {
            Tensor q = Tensors.to(Tensors.randn(device, b, h, l, d), precision);
            Tensor kT = Tensors.to(Tensors.randn(device, b, h, d, l), precision);
            Tensor scores = Tensors.to(Tensors.randn(device, b, h, l, l), precision);
            Tensor v = Tensors.to(Tensors.randn(device, b, h, l, d), precision);
            out.put("q_kT", gflops(q, kT, device));
            out.put("s_v", gflops(scores, v, device));
            out.put("gemm_1576x768x2304", gflops(Tensors.to(Tensors.randn(device, b * l, 768), precision),
                    Tensors.to(Tensors.randn(device, 768, 3 * 768), precision), device));
        }
        return out;
    }

    /**
     * GFLOP/s of {@code a @ b} (2·m·k·n per product, batched over the leading dimensions), in
     * rounds of 1, 2, 4... products until at least half a second has been timed, so a fast GPU is
     * not timed on a few launches and a CPU that emulates bf16 is not kept busy for long.
     */
    private static double gflops(Tensor a, Tensor b, Device device) {
        long[] sa = Tensors.shape(a);
        double flops = 2.0 * Tensors.shape(b)[sa.length - 1];
        for (long x : sa) {
            flops *= x;
        }
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
        return n * flops / secs / 1e9;
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
        try (ClipModel clip = model(config, placement); NoGrad g = NoGrad.open()) {
            double s = time("image forward, batch " + batch, clip.device(), () -> {
                try (Scope scope = Scope.open()) {
                    Tensors.toFloats(clip.image().encode(images(clip, batch), BlockAttention.PLAIN));
                }
            });
            return s / batch;
        }
    }

    /**
     * Per class count: a train step, the text side alone ({@link #textStep}) and a search step per
     * attention mode.
     *
     * @param valChunk the alpha step's val batch goes through in chunks of this many images, as
     *     in the search ({@link StepRunner#chunkedStep}); {@code valBatch} times it in one piece
     * @param textPlan classes per text pass and passes kept ({@link TextPass}); a chunk of 0: all classes in
     *     one pass; null: as training and search plan it ({@link TextChunks})
     */
    public List<Row> run(List<Integer> classCounts, List<AttentionMode> modes, int batch, int valBatch, int valChunk,
            List<Integer> candidates, TextChunks.Plan textPlan) {
        List<Row> rows = new ArrayList<>();
        try (ClipModel clip = model(config, placement)) {
            for (int classes : classCounts) {
                try (Scope s = Scope.open()) {
                    ClassTexts texts = texts(clip, classes);
                    TextChunks.Plan chunk = textPlan == null ? TextChunks.plan(clip, texts)
                            : textPlan.chunk() == 0 ? new TextChunks.Plan(classes, 1) : textPlan;
                    ProcessStats.resetPeakRss();
                    rows.add(trainStep(clip, texts, chunk, batch));
                    ProcessStats.resetPeakRss();
                    rows.add(textStep(clip, texts, chunk, batch, candidates));
                    for (AttentionMode mode : modes) {
                        ProcessStats.resetPeakRss();
                        rows.add(searchStep(clip, texts, chunk, batch, valBatch, valChunk, candidates, mode));
                    }
                }
            }
        }
        return rows;
    }

    /**
     * A random-weight CLIP on {@code placement}: in bf16 every matrix and embedding is bf16, the
     * LayerNorm parameters and the logit scale fp32 (as {@link org.dpl4j.model.io.ClipLoader#load} places real weights).
     */
    static ClipModel model(ClipConfig config, Placement placement) {
        try (Scope s = Scope.open()) {
            return ClipModel.placed(new ClipWeights(config, RandomWeights.create(config, 1), null, null), placement);
        }
    }

    /** "a photo of a {class}."-length texts (SOT, 6 words, EOT: 8 positions) of {@code classes} classes. */
    private ClassTexts texts(ClipModel clip, int classes) {
        long[][] t = new long[classes][config.contextLength()];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            t[c][0] = 49406;
            for (int j = 1; j < 7; j++) {
                t[c][j] = 320 + (c * 7 + j) % 40000;
            }
            t[c][7] = 49407;
            names.add("class " + c);
        }
        return new ClassTexts(names, clip.text().embed(t), TextEncoder.eotIndices(t));
    }

    private Row trainStep(ClipModel clip, ClassTexts texts, TextChunks.Plan textChunk, int batch) {
        int layers = config.visionLayers();
        PromptConfig cfg = PromptConfig.uniform(2, 2, layers, config.textLayers(), layers); // the paper's train-stage setting
        try (DeepPrompts prompts = DeepPrompts.init(cfg, clip, 0.02f, 1); Sgd sgd = new Sgd(0.9f, 5e-4f)) {
            int[] labels = labels(batch, texts.size());
            PromptLearner.Towers towers = prompts.towers(clip).orElseThrow();
            TextPass text = new TextPass(texts, towers.text(), textChunk);
            double s = time("train " + texts.size() + " classes", clip.device(), () -> {
                try (Scope scope = Scope.open()) {
                    Tensor images = images(clip, batch);
                    StepRunner.step(text, txt -> Losses.crossEntropy(clip.logits(towers.image().apply(images), txt), labels),
                            prompts.parameters(), sgd, 1e-3f);
                }
            });
            double gflop = 2 * (FlopCount.imageForward(config, batch) + FlopCount.textForward(config, texts.size(), 8)) / 1e9;
            // the train stage's prompts attend through the fused path (one prompt per block, no mixing)
            return row(clip, "train", "fused", texts.size(), batch, s, gflop, textChunk);
        }
    }

    /**
     * The text side of a search step alone: the supernet's text features (fused attention), a loss
     * against fixed random image features of a batch, and the gradient of its text alphas and candidate
     * prompts; a search step runs this twice (alpha step, prompt step) next to its image side.
     */
    private Row textStep(ClipModel clip, ClassTexts texts, TextChunks.Plan textChunk, int batch, List<Integer> candidates) {
        try (Scope scope = Scope.open(); Supernet net = Supernet.init(clip.config(), candidates, clip.device(), 1, AttentionMode.FUSED);
                Sgd sgd = new Sgd(0.9f, 5e-4f)) {
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put(Supernet.alphaName(Branch.TEXT), net.alphas(Branch.TEXT));
            for (int l = 0; l < config.textLayers(); l++) {
                for (int k = 1; k < candidates.size(); k++) {
                    params.put(Supernet.candidateName(Branch.TEXT, l, k), net.candidatePrompts(Branch.TEXT, l).get(k - 1));
                }
            }
            Tensor imageFeatures = Tensors.randn(clip.device(), batch, config.embedDim());
            int[] labels = labels(batch, texts.size());
            TextPass text = new TextPass(texts, t -> net.textFeatures(clip, t), textChunk);
            double s = time("text " + texts.size() + " classes", clip.device(), () -> StepRunner.step(text,
                    txt -> Losses.crossEntropy(clip.logits(imageFeatures, txt), labels), params, sgd, 1e-3f));
            return row(clip, "text", "fused", texts.size(), batch, s, 2 * FlopCount.textForward(config, texts.size(), 8) / 1e9,
                    textChunk);
        }
    }

    private Row searchStep(ClipModel clip, ClassTexts texts, TextChunks.Plan textChunk, int batch, int valBatch, int valChunk,
            List<Integer> candidates, AttentionMode mode) {
        try (Supernet net = Supernet.init(clip.config(), candidates, clip.device(), 1, mode); Adam adam = new Adam(0.5f, 0.999f, 1e-8f, 0, false);
                Sgd sgd = new Sgd(0.9f, 5e-4f)) {
            Map<String, Tensor> alphas = net.alphaParameters();
            Map<String, Tensor> prompts = net.promptParameters();
            int[] valLabels = labels(valBatch, texts.size());
            int[] trainLabels = labels(batch, texts.size());
            // as BilevelSearch's alpha and prompt steps
            TextPass text = new TextPass(texts, t -> net.textFeatures(clip, t), textChunk);
            double s = time("search " + mode.name().toLowerCase(Locale.ROOT) + " " + texts.size() + " classes", clip.device(),
                    () -> {
                        try (Scope scope = Scope.open()) {
                            StepRunner.chunkedStep(text, (txt, from, to) -> {
                                Tensor img = net.imageFeatures(clip, images(clip, to - from));
                                return Losses.crossEntropy(clip.logits(img, txt), Arrays.copyOfRange(valLabels, from, to));
                            }, valBatch, valChunk, alphas, adam, 3.5e-3f);
                            // the prompt step takes its own gradients: none of the alpha step's reach it
                            Tensor images = images(clip, batch);
                            StepRunner.step(text, txt -> Losses.crossEntropy(clip.logits(net.imageFeatures(clip, images), txt),
                                    trainLabels), prompts, sgd, 3.5e-3f);
                        }
                    });
            double gflop = 2 * (FlopCount.imageForward(config, batch + valBatch)
                    + 2 * FlopCount.textForward(config, texts.size(), 8)) / 1e9;
            return row(clip, "search", mode.name().toLowerCase(Locale.ROOT), texts.size(), batch, s, gflop, textChunk);
        }
    }

    /** A row labelled with the precision and device the model really ran in. */
    private static Row row(ClipModel clip, String stage, String attention, int classes, int batch, double s, double gflop,
            TextChunks.Plan text) {
        Placement p = clip.placement();
        return new Row(stage, attention, classes, batch, p.precision().label(), p.device().toString(), s, gflop, gflop / s,
                ProcessStats.peakRssGb(), Math.min(classes, text.chunk()), text.keep());
    }

    /** Random fp32 images (B, 3, R, R) on the model's device. */
    private Tensor images(ClipModel clip, int batch) {
        return Tensors.randn(clip.device(), batch, 3, config.imageResolution(), config.imageResolution());
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
}
