package org.dpl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpl4j.data.DataSpec;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Presets;
import org.dpl4j.protocol.ResultsTable;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.search.SearchJob;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.training.TrainJob;
import org.dpl4j.training.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dpl4j demo}: the whole method in a few minutes on the bundled small CLIP and demo data:
 * zero-shot, a hand-set layout in DPL's key/value mechanism, and DPL's searched layout, side by side.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Zero-shot → search → train → evaluate on the bundled small CLIP and demo data (a few minutes on 2 cores).")
final class DemoCommand implements Callable<Integer> {
    @Mixin EngineOptions engine;

    @Option(names = "--model", paramLabel = "PATH", description = "CLIP weights (default: the bundled models/dpl4j-small)")
    Path model;

    @Option(names = "--data", paramLabel = "DIR", description = "demo data folder (default: the bundled demo-data)")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/demo", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--fresh", description = "delete the output folder first instead of reusing finished stages")
    boolean fresh;

    @Option(names = "--search-epochs", defaultValue = "12", description = "search epochs (default: ${DEFAULT-VALUE})")
    int searchEpochs;

    @Option(names = "--epochs", defaultValue = "12", description = "train epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--shots", defaultValue = "16", description = DataSpec.SHOTS_HELP + " (default: ${DEFAULT-VALUE})")
    int shots;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--preset", defaultValue = "uniform-2", description = "hand-set layout in DPL's key/value mechanism to "
            + "compare the searched one with, like with like (uniform-N[-D], kv-ivlp, kv-vpt-deep, coop; default: ${DEFAULT-VALUE}); "
            + "published methods are compared by dpl4j run --baselines")
    String preset;

    @Override
    public Integer call() throws Exception {
        Path home = Home.get();
        Path modelPath = model != null ? model : home.resolve("models/dpl4j-small");
        Path dataDir = data != null ? data : home.resolve("demo-data");
        if (!Files.isDirectory(dataDir)) {
            throw new IOException("demo data not found: " + dataDir + " (pass --data)");
        }
        if (fresh) {
            deleteTree(out);
        }
        if (!org.dpl4j.run.RunInfo.KEY_VALUE.equals(org.dpl4j.training.MethodDefaults.mechanism(preset))) {
            throw new IllegalArgumentException("--preset " + preset + ": the demo compares the searched layout with a hand-set "
                    + "one in the same (key/value) mechanism; use uniform-N[-D], kv-ivlp, kv-vpt-deep or coop, or compare "
                    + "published methods with dpl4j run --baselines");
        }
        long t0 = System.nanoTime();
        var log = Logs.stderr(engine.quiet);
        List<DataSpec> specs = List.of(
                new DataSpec("OxfordPets", dataDir, shots, seed, "all"),
                new DataSpec("imagefolder", dataDir.resolve("fashion_mnist"), shots, seed, "all"));
        ResultsTable table = new ResultsTable();
        StringBuilder configs = new StringBuilder();
        try (ClipModel clip = ClipLoader.load(modelPath, null, engine.placement())) {
            TrainSettings ts = TrainSettings.defaults().toBuilder().epochs(epochs).seed(seed).textInput("default").build();
            SearchSettings ss = SearchSettings.defaults().withEpochs(searchEpochs).withSeed(seed);
            for (DataSpec spec : specs) {
                String name = spec.dataset().equals("imagefolder") ? spec.root().getFileName().toString() : spec.dataset();
                Path dir = out.resolve(name);
                TrainJob train = new TrainJob(clip, modelPath, engine.progress(), log);
                for (String method : List.of("zeroshot", preset)) {
                    PromptConfig cfg = Presets.resolve(method, clip.config());
                    double top1 = top1(train.run(method, spec, cfg, ts, new RunDirectory(dir.resolve(method)), "dpl4j demo"));
                    table.add(new ResultsTable.Row(name, method, seed, top1));
                }
                PromptConfig searched = new SearchJob(clip, modelPath, engine.progress(), log)
                        .run(spec, ss, new RunDirectory(dir.resolve("search")), "dpl4j demo");
                double top1 = top1(train.run("dpl", spec, searched, ts, new RunDirectory(dir.resolve("dpl")), "dpl4j demo"));
                table.add(new ResultsTable.Row(name, "dpl", seed, top1));
                configs.append(String.format("%-14s text  %s%n%-14s image %s%n", name, searched.text(), "", searched.image()));
            }
        }
        table.write(new RunDirectory(out));
        System.out.println();
        System.out.println("Test top-1 accuracy (%), " + shots + " shots, seed " + seed + ":");
        System.out.print(table.format());
        System.out.println("(" + preset + ": hand-set prompt lengths in DPL's key/value mechanism, the searched layout's own; "
                + "dpl: the searched lengths)");
        System.out.println();
        System.out.println("Searched prompt lengths per block (block 1 first):");
        System.out.print(configs);
        System.out.printf("%nRun directories under %s; HTML report: ./dpl4j report %s%nTotal time: %.0f s%n",
                out, out, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static double top1(org.dpl4j.training.TestMetrics metrics) {
        return metrics.test().top1();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
