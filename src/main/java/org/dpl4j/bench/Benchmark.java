package org.dpl4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.Supernet;
import org.dpl4j.training.Losses;
import org.dpl4j.training.StepRunner;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;

/**
 * Seconds per search and train step of DPL at given CLIP dimensions with random weights,
 * against the reference code's figures of docs/design.md §10. Text inputs are "a photo of a {class}."
 * length sequences (EOT at position 8), as in the search stage.
 */
public final class Benchmark {
    /** One measured configuration. */
    public record Row(String stage, String attention, int classes, int batch, double secondsPerStep,
            double gflopPerStep, double gflops, double peakRssGb, Double referenceSeconds) {}

    private final ClipConfig config;
    private final int warmup;
    private final int steps;
    private final Consumer<String> log;

    public Benchmark(ClipConfig config, int warmup, int steps, Consumer<String> log) {
        this.config = config;
        this.warmup = warmup;
        this.steps = steps;
        this.log = log;
    }

    /** fp32 matmul throughput (GFLOP/s) of 512×768×768 products: this machine's practical peak. */
    public static double matmulPeak(NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(512, 768));
            NDArray b = m.randomNormal(new Shape(768, 768));
            for (int i = 0; i < 5; i++) {
                a.matMul(b).close();
            }
            int n = 60;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                a.matMul(b).close();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            return n * 2.0 * 512 * 768 * 768 / s / 1e9;
        }
    }

    /** Seconds per image of a plain image-encoder forward (no autograd) at batch {@code batch}. */
    public double imageForwardSeconds(int batch, NDManager parent) {
        try (ClipModel clip = RandomWeights.model(config, parent, 1)) {
            double s = time("image forward, batch " + batch, () -> {
                try (NDManager scope = parent.newSubManager()) {
                    clip.image().encode(images(scope, batch), BlockAttention.PLAIN).toFloatArray();
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
            List<Integer> candidates, NDManager parent) {
        List<Row> rows = new ArrayList<>();
        try (ClipModel clip = RandomWeights.model(config, parent, 1)) {
            for (int classes : classCounts) {
                long[][] tokens = tokens(classes);
                resetPeakRss();
                rows.add(trainStep(clip, tokens, batch, parent));
                for (AttentionMode mode : modes) {
                    resetPeakRss();
                    rows.add(searchStep(clip, tokens, batch, valBatch, valChunk, candidates, mode, parent));
                }
            }
        }
        return rows;
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

    private Row trainStep(ClipModel clip, long[][] tokens, int batch, NDManager parent) {
        int layers = config.visionLayers();
        PromptConfig cfg = PromptConfig.uniform(2, 2, layers, config.textLayers(), layers); // the reference's 5.9 s setting
        try (NDManager m = parent.newSubManager(); DeepPrompts prompts = DeepPrompts.init(cfg, config, m, 0.02f, 1)) {
            Sgd sgd = new Sgd(m, 0.9f, 5e-4f);
            int[] labels = labels(batch, tokens.length);
            double s = time("train " + tokens.length + " classes", () -> StepRunner.step(m, scope -> {
                NDArray img = clip.image().encode(images(scope, batch), prompts.attention(Branch.IMAGE));
                NDArray txt = clip.text().encode(scope, tokens, prompts.attention(Branch.TEXT));
                return Losses.crossEntropy(clip.logits(img, txt), labels);
            }, prompts.parameters(), sgd, 1e-3f));
            double gflop = 2 * (FlopCount.imageForward(config, batch) + FlopCount.textForward(config, tokens.length, 8)) / 1e9;
            Double ref = tokens.length == 10 ? 5.9 : tokens.length == 100 ? 14.1 : null;
            return new Row("train", "-", tokens.length, batch, s, gflop, gflop / s, peakRssGb(), ref);
        }
    }

    private Row searchStep(ClipModel clip, long[][] tokens, int batch, int valBatch, int valChunk, List<Integer> candidates,
            AttentionMode mode, NDManager parent) {
        try (NDManager m = parent.newSubManager(); Supernet net = Supernet.init(config, candidates, m, 1)) {
            Adam adam = new Adam(m, 0.5f, 0.999f, 1e-8f, 0, false);
            Sgd sgd = new Sgd(m, 0.9f, 5e-4f);
            Map<String, NDArray> alphas = net.alphaParameters();
            Map<String, NDArray> prompts = net.promptParameters();
            BlockAttention ti = net.attention(Branch.IMAGE, mode);
            BlockAttention tt = net.attention(Branch.TEXT, mode);
            double s = time("search " + mode + " " + tokens.length + " classes", () -> {
                int[] valLabels = labels(valBatch, tokens.length);
                StepRunner.chunkedStep(m, scope -> clip.text().encode(scope, tokens, tt), (scope, txt, from, to) -> {
                    NDArray img = clip.image().encode(images(scope, to - from), ti);
                    return Losses.crossEntropy(clip.logits(img, txt), Arrays.copyOfRange(valLabels, from, to));
                }, valBatch, valChunk, alphas, adam, 3.5e-3f);
                // the prompt step must not see the alpha step's gradients (each optimiser zeroes its own)
                StepRunner.step(m, scope -> loss(clip, scope, batch, tokens, ti, tt), prompts, sgd, 3.5e-3f);
            });
            double extra = 0;
            double gflop = 2 * (FlopCount.imageForward(config, batch + valBatch) + 2 * FlopCount.textForward(config, tokens.length, 8)) / 1e9;
            Double ref = tokens.length == 10 && mode == AttentionMode.NAIVE ? 48.0 : null;
            return new Row("search", mode.name().toLowerCase(), tokens.length, batch, s, gflop + extra, (gflop + extra) / s, peakRssGb(), ref);
        }
    }

    private NDArray loss(ClipModel clip, NDManager scope, int batch, long[][] tokens, BlockAttention ti, BlockAttention tt) {
        NDArray img = clip.image().encode(images(scope, batch), ti);
        NDArray txt = clip.text().encode(scope, tokens, tt);
        return Losses.crossEntropy(clip.logits(img, txt), labels(batch, tokens.length));
    }

    private NDArray images(NDManager scope, int batch) {
        return scope.randomNormal(new Shape(batch, 3, config.imageResolution(), config.imageResolution()));
    }

    private static int[] labels(int batch, int classes) {
        int[] l = new int[batch];
        for (int i = 0; i < batch; i++) {
            l[i] = i % classes;
        }
        return l;
    }

    private double time(String what, Runnable step) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.run();
        }
        double s = (System.nanoTime() - t0) / 1e9 / steps;
        log.accept(String.format("%-28s %.2f s/step", what, s));
        return s;
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
