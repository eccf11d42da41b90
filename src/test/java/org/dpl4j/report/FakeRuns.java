package org.dpl4j.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes run directories the way the search, train and pipeline commands lay them out, with
 * numbers chosen so the expected report values can be worked out by hand (see the tests).
 */
final class FakeRuns {
    /** Searched lengths per block (candidates 0..3); -1 marks a 0/1 tie block. */
    static final int[] TEXT_TARGET = {3, 3, 2, -1, 3, 2, -1, 3, 3, 2, -1, 2};
    static final int[] IMAGE_TARGET = {-1, 2, -1, -1, 3, -1, 2, -1, 3, 2, -1, 3};
    static final int SEARCH_EPOCHS = 4; // alphas.jsonl has epochs 0..4: five snapshots

    private FakeRuns() {}

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Softmax weights of a branch at an epoch: uniform at epoch 0 (plus a small deterministic
     * tilt), moving linearly to 0.85 on the target option (0.05 elsewhere) at the last epoch;
     * tie blocks end at 0.45 / 0.45 / 0.05 / 0.05 (margin 0).
     */
    static double[][] weights(int[] target, int epoch) {
        double s = epoch / (double) SEARCH_EPOCHS;
        double[][] w = new double[target.length][4];
        for (int l = 0; l < target.length; l++) {
            double[] fin = new double[4];
            if (target[l] < 0) {
                fin = new double[] {0.45, 0.45, 0.05, 0.05};
            } else {
                java.util.Arrays.fill(fin, 0.05);
                fin[target[l]] = 0.85;
            }
            double tilt = 0.004 * ((l % 4) - 1.5) * (1 - s);
            for (int k = 0; k < 4; k++) {
                w[l][k] = (1 - s) * 0.25 + s * fin[k] + (k == 0 ? tilt : k == 1 ? -tilt : 0);
            }
        }
        return w;
    }

    static String matrix(double[][] w) {
        List<String> rows = new ArrayList<>();
        for (double[] r : w) {
            List<String> v = new ArrayList<>();
            for (double x : r) {
                v.add(String.format(Locale.ROOT, "%.6f", x));
            }
            rows.add("[" + String.join(",", v) + "]");
        }
        return "[" + String.join(",", rows) + "]";
    }

    static String configOf(int[] target) {
        List<String> v = new ArrayList<>();
        for (int t : target) {
            v.add(Integer.toString(t < 0 ? 0 : t)); // ties resolve to the first option (argmax)
        }
        return "[" + String.join(",", v) + "]";
    }

    static Path search(Path root, String name) {
        Path d = root.resolve(name);
        write(d.resolve("run.json"), """
                {"kind": "search", "dataset": "DescribableTextures", "seed": 1, "shots": 16, "method": "dpl",
                 "settings": {"epochs": 4, "candidates": [0,1,2,3], "alpha": {"lr": 0.0035, "betas": [0.5, 0.999]}},
                 "model": {"path": "/models/ViT-B-16.pt", "sha256": "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f"},
                 "started": "2025-01-02T03:04:05Z"}
                """);
        StringBuilder metrics = new StringBuilder();
        StringBuilder alphas = new StringBuilder();
        for (int e = 0; e <= SEARCH_EPOCHS; e++) {
            if (e > 0) {
                metrics.append(String.format(Locale.ROOT,
                        "{\"epoch\":%d,\"lr\":%s,\"trainLoss\":%.3f,\"valLoss\":%.3f,\"trainAcc\":%.1f,\"valAcc\":%.1f,\"seconds\":12.5}%n",
                        e, e == 1 ? "1.0E-5" : "0.0035", 2.5 - 0.3 * e, 2.6 - 0.25 * e, 30.0 + 8 * e, 28.0 + 7 * e));
            }
            alphas.append("{\"epoch\":").append(e).append(",\"candidates\":[0,1,2,3],\"text\":").append(matrix(weights(TEXT_TARGET, e)))
                    .append(",\"image\":").append(matrix(weights(IMAGE_TARGET, e))).append("}\n");
        }
        write(d.resolve("metrics.jsonl"), metrics.toString());
        write(d.resolve("alphas.jsonl"), alphas.toString());
        write(d.resolve("prompt-config.json"), "{\"text\": " + configOf(TEXT_TARGET) + ", \"image\": " + configOf(IMAGE_TARGET) + "}\n");
        return d;
    }

    /**
     * A finished train run; validation was off, so valLoss/valAcc are Jackson's bare NaN tokens.
     * Test top-1 is {@code top1}; "banded" gets top1 + 10, "cracked &amp; <dotted>" top1 − 10.
     */
    static Path train(Path root, String name, String dataset, String method, int seed, double top1) {
        Path d = root.resolve(name);
        write(d.resolve("run.json"), String.format(Locale.ROOT,
                "{\"kind\":\"train\",\"dataset\":\"%s\",\"seed\":%d,\"shots\":16,\"method\":\"%s\",\"settings\":{\"epochs\":3,\"lr\":0.0035}}",
                dataset, seed, method));
        StringBuilder m = new StringBuilder();
        for (int e = 1; e <= 3; e++) {
            m.append(String.format(Locale.ROOT,
                    "{\"epoch\":%d,\"lr\":%s,\"loss\":%.2f,\"trainAcc\":%.1f,\"steps\":10,\"seconds\":3.2,\"valLoss\":NaN,\"valAcc\":NaN}%n",
                    e, e == 1 ? "1.0E-5" : "0.0035", 2.1 - 0.4 * e, 40.0 + 10 * e));
        }
        write(d.resolve("metrics.jsonl"), m.toString());
        write(d.resolve("prompt-config.json"), "{\"text\":[2,2,2,0],\"image\":[2,2,0,0]}");
        write(d.resolve("metrics.json"), String.format(Locale.ROOT,
                "{\"test\":{\"images\":360,\"top1\":%.1f,\"macro\":%.1f,\"perClass\":{\"banded\":%.1f,\"cracked & <dotted>\":%.1f}}}",
                top1, top1 - 0.5, top1 + 10, top1 - 10));
        return d;
    }

    /** A finished zero-shot CLIP run (nothing trained: run.json and metrics.json only). */
    static Path zeroShot(Path root, String name, String dataset, String method, int seed, double top1) {
        Path d = root.resolve(name);
        write(d.resolve("run.json"), String.format(Locale.ROOT, "{\"kind\":\"zeroshot\",\"dataset\":\"%s\",\"seed\":%d,"
                + "\"shots\":16,\"method\":\"%s\",\"promptConfig\":null,\"settings\":{\"textFeatures\":\"CLIP text features of "
                + "the dataset's hand-crafted template\",\"templates\":[\"{} texture.\"]}}", dataset, seed, method));
        write(d.resolve("metrics.json"), String.format(Locale.ROOT, "{\"test\":{\"images\":360,\"top1\":%.2f,\"macro\":%.2f}}",
                top1, top1));
        return d;
    }

    /** A pipeline summary: DTD and EuroSAT, methods dpl and zeroshot, three seeds. */
    static Path pipeline(Path root, String name) {
        Path d = root.resolve(name);
        write(d.resolve("run.json"), "{\"kind\":\"pipeline\",\"settings\":{\"datasets\":[\"DescribableTextures\",\"EuroSAT\"]}}");
        StringBuilder rows = new StringBuilder();
        double[][] values = {{71.2, 70.4, 72.0}, {44.0, 44.0, 44.0}, {80.0, 82.0, 84.0}, {48.0, 49.0, 50.0}};
        String[][] keys = {{"DescribableTextures", "dpl"}, {"DescribableTextures", "zeroshot"}, {"EuroSAT", "dpl"}, {"EuroSAT", "zeroshot"}};
        for (int i = 0; i < keys.length; i++) {
            for (int s = 0; s < 3; s++) {
                rows.append(rows.length() == 0 ? "" : ",\n").append(String.format(Locale.ROOT,
                        "{\"dataset\":\"%s\",\"method\":\"%s\",\"seed\":%d,\"top1\":%.1f}", keys[i][0], keys[i][1], s + 1, values[i][s]));
            }
        }
        write(d.resolve("results.json"), "{\"rows\":[\n" + rows + "\n]}\n");
        return d;
    }

    /**
     * The full fixture: one search, dpl train runs and zeroshot runs with two seeds each, a
     * pipeline summary.
     */
    static Path all(Path root) {
        Path runs = root.resolve("runs");
        search(runs, "search/DTD-seed1");
        train(runs, "train/DTD-dpl-seed1", "DescribableTextures", "dpl", 1, 70.0);
        train(runs, "train/DTD-dpl-seed2", "DescribableTextures", "dpl", 2, 72.0);
        zeroShot(runs, "train/DTD-zeroshot-seed1", "DescribableTextures", "zeroshot", 1, 44.0);
        zeroShot(runs, "train/DTD-zeroshot-seed2", "DescribableTextures", "zeroshot", 2, 45.0);
        pipeline(runs, "pipeline");
        return runs;
    }
}
