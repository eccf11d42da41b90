package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Datasets;
import org.dpl4j.data.FewShot;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Templates;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.Scope;
import org.dpl4j.testutil.RunFiles;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two train units in one JVM at the same time, sharing one frozen CLIP (as the tasks of a Spark
 * executor do), write exactly the bytes that the same units write one after the other: libtorch
 * takes gradients per thread, so nothing of one unit reaches the other.
 */
class ConcurrentUnitsTest {
    @TempDir
    Path tmp;

    record Unit(String name, int seed, PromptConfig layout) {}

    static final List<Unit> UNITS = List.of(
            new Unit("a", 1, new PromptConfig(List.of(2, 2, 2), List.of(2, 2, 2))),
            new Unit("b", 2, new PromptConfig(List.of(3, 0, 1), List.of(0, 2, 3))));

    static TrainSettings settings() {
        return new TrainSettings(3, 4, new SgdSchedule(0.02f, 0.9f, 5e-4f, 0, 1e-5f), 0.02f, "default", 0f, 1, 2, 32,
                org.dpl4j.data.BadSamplePolicy.FAIL);
    }

    /** Trains {@code u} into {@code dir}; returns its start and end times (ns). */
    static long[] train(ClipModel clip, Unit u, Path dir) throws Exception {
        long start = System.nanoTime();
        DatasetSplits data = FewShot.sample(Datasets.load("dtd", Shared.require("datasets")), 2, u.seed());
        RunDirectory run = new RunDirectory(dir);
        run.create();
        try (Scope s = Scope.open()) {
            ClassTexts texts = ClassTexts.build(clip, data.classNames(), List.of(Templates.DEFAULT));
            new PromptTrainer(clip, settings(), Progress.NONE, m -> {}).train(data, u.layout(), texts, null, run).close();
        }
        return new long[] {start, System.nanoTime()};
    }

    @Test
    void twoUnitsAtOnceWriteTheBytesOfTwoUnitsInTurn() throws Exception {
        try (ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            for (Unit u : UNITS) {
                train(clip, u, tmp.resolve("sequential").resolve(u.name()));
            }
            CyclicBarrier together = new CyclicBarrier(UNITS.size());
            ExecutorService pool = Executors.newFixedThreadPool(UNITS.size());
            List<Future<long[]>> runs = new ArrayList<>();
            try {
                for (Unit u : UNITS) {
                    runs.add(pool.submit(() -> {
                        together.await();
                        return train(clip, u, tmp.resolve("concurrent").resolve(u.name()));
                    }));
                }
                long[] a = runs.get(0).get();
                long[] b = runs.get(1).get();
                assertThat(a[0] < b[1] && b[0] < a[1]).as("the two units overlapped in time").isTrue();
            } finally {
                pool.shutdownNow();
            }
            for (Unit u : UNITS) {
                RunDirectory seq = new RunDirectory(tmp.resolve("sequential").resolve(u.name()));
                RunDirectory par = new RunDirectory(tmp.resolve("concurrent").resolve(u.name()));
                RunFiles.assertSameTensors(seq.file(RunDirectory.CHECKPOINT), par.file(RunDirectory.CHECKPOINT));
                assertThat(seq.readLog(RunDirectory.METRICS_LOG)).hasSize(3);
                RunFiles.assertSameLines(seq.file(RunDirectory.METRICS_LOG), par.file(RunDirectory.METRICS_LOG), RunFiles.WALL_CLOCK);
            }
        }
    }
}
