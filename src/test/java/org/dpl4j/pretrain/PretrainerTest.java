package org.dpl4j.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.run.Checkpoint;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a tiny CLIP and 32 noisy colour squares: learning, resume, what gets trained. */
class PretrainerTest {
    @TempDir
    static Path shared;
    static Path images;

    @TempDir
    Path tmp;

    private static int threads;

    /**
     * One intra-op thread while these tests run: their tensors are tiny, and on a busy machine a second
     * OpenMP thread spin-waits for its descheduled partner, which made a 5 s test take 50 s.
     */
    @BeforeAll
    static void setUp() throws IOException {
        images = ColourImages.write(shared.resolve("colours"), 16);
        Engine.getInstance(); // loads the native library
        threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(threads);
    }

    private static Pretrainer trainer(PretrainSettings s, List<String> log) throws IOException {
        CaptionedData data = CaptionedData.load(s.datasets(), s.templates(), s.seed());
        return new Pretrainer(s, data, SampleTransforms.train(s.model().imageResolution()), Progress.NONE, log::add);
    }

    private static PretrainResult run(PretrainSettings s, Path out, LongPredicate stop) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            return trainer(s, new ArrayList<>()).run(new RunDirectory(out), m, stop);
        }
    }

    private static List<Double> losses(Path out) throws IOException {
        List<Double> l = new ArrayList<>();
        for (JsonNode n : new RunDirectory(out).readLog(RunDirectory.METRICS_LOG)) {
            l.add(n.get("loss").asDouble());
        }
        return l;
    }

    private static void assertSameParameters(Path a, Path b) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Checkpoint ca = Checkpoint.load(a.resolve(RunDirectory.CHECKPOINT), m);
            Checkpoint cb = Checkpoint.load(b.resolve(RunDirectory.CHECKPOINT), m);
            assertThat(cb.params().keySet()).containsExactlyElementsOf(ca.params().keySet());
            for (String k : ca.params().keySet()) {
                assertThat(cb.params().get(k).toFloatArray()).as(k).containsExactly(ca.params().get(k).toFloatArray());
            }
            for (String k : ca.optimizers().get(Pretrainer.OPTIMIZER).keySet()) {
                assertThat(cb.optimizers().get(Pretrainer.OPTIMIZER).get(k).toFloatArray()).as(k)
                        .containsExactly(ca.optimizers().get(Pretrainer.OPTIMIZER).get(k).toFloatArray());
            }
        }
    }

    @Test
    void lossFallsOverThirtyTwoSteps() throws IOException {
        Path out = tmp.resolve("run");
        PretrainResult r = run(ColourImages.settings(images, 8), out, s -> false);
        assertThat(r.completed()).isTrue();
        assertThat(r.steps()).isEqualTo(32).isEqualTo(r.totalSteps());
        List<Double> l = losses(out);
        assertThat(l).hasSize(8);
        // first epoch ≈ ln 8 (chance over a batch of 8); same-colour pairs can reach ≈ ln 2
        assertThat(l.get(0)).isGreaterThan(1.6);
        assertThat(l.get(7)).isLessThan(0.7 * l.get(0));
        RunDirectory run = new RunDirectory(out);
        assertThat(run.isComplete()).isTrue();
        assertThat(run.readJson(RunDirectory.RUN).at("/data/classes").asInt()).isEqualTo(4);
        assertThat(run.readJson(RunDirectory.RUN).at("/data/images").asInt()).isEqualTo(32);
        try (NDManager m = NDManager.newBaseManager(); ClipModel model = ClipModel.load(r.model(), null, m)) {
            assertThat(model.config()).isEqualTo(ColourImages.tinyConfig());
        }
    }

    @Test
    void resumingAtAnEpochEndOrMidEpochGivesTheUninterruptedRun() throws IOException {
        PretrainSettings s = ColourImages.settings(images, 2).withCheckpointEvery(3);
        Path straight = tmp.resolve("straight");
        run(s, straight, step -> false);

        Path atEpochEnd = tmp.resolve("epoch-end");
        PretrainResult first = run(s, atEpochEnd, step -> step == 4);
        assertThat(first.completed()).isFalse();
        assertThat(first.steps()).isEqualTo(4);
        assertThat(losses(atEpochEnd)).hasSize(1);
        assertThat(run(s, atEpochEnd, step -> false).completed()).isTrue();

        Path midEpoch = tmp.resolve("mid-epoch");
        assertThat(run(s, midEpoch, step -> step == 6).steps()).isEqualTo(6);
        assertThat(run(s, midEpoch, step -> false).steps()).isEqualTo(8);

        assertSameParameters(straight, atEpochEnd);
        assertSameParameters(straight, midEpoch);
        assertThat(losses(atEpochEnd)).containsExactlyElementsOf(losses(straight));
        assertThat(losses(midEpoch)).containsExactlyElementsOf(losses(straight));
        assertThat(Files.readAllBytes(midEpoch.resolve("model/model.safetensors")))
                .isEqualTo(Files.readAllBytes(straight.resolve("model/model.safetensors")));
    }

    @Test
    void everyTensorIsTrained() throws IOException {
        PretrainSettings s = ColourImages.settings(images, 1);
        Path out = tmp.resolve("one");
        run(s, out, step -> false);
        try (NDManager m = NDManager.newBaseManager()) {
            Pretrainer p = trainer(s, new ArrayList<>());
            Map<String, NDArray> initial = TrainableClip.create(s.model(), p.captionTokens(), m, s.seed()).parameters();
            Checkpoint ck = Checkpoint.load(out.resolve(RunDirectory.CHECKPOINT), m);
            assertThat(ck.params().keySet()).containsExactlyElementsOf(initial.keySet());
            for (String k : initial.keySet()) {
                assertThat(ck.params().get(k).toFloatArray()).as(k).isNotEqualTo(initial.get(k).toFloatArray());
            }
            assertThat(ck.params().get(TrainableClip.TOKEN_EMBEDDING).getShape().get(0))
                    .isEqualTo(p.captionTokens().size());
        }
    }

    @Test
    void refusesToResumeADifferentRunButAcceptsOtherWorkers() throws IOException {
        PretrainSettings s = ColourImages.settings(images, 2);
        Path out = tmp.resolve("run");
        run(s, out, step -> step == 2);
        PretrainSettings otherLr = new PretrainSettings(s.model(), s.datasets(), s.epochs(), s.batchSize(), 1e-3f,
                s.weightDecay(), s.warmupSteps(), s.seed(), s.templates(), s.checkpointEvery(), s.workers(), s.badImages());
        assertThatThrownBy(() -> run(otherLr, out, step -> false))
                .hasMessageContaining(out.resolve("run.json").toString())
                .hasMessageContaining("settings.lr was 0.002");
        PretrainSettings moreWorkers = new PretrainSettings(s.model(), s.datasets(), s.epochs(), s.batchSize(), s.lr(),
                s.weightDecay(), s.warmupSteps(), s.seed(), s.templates(), 2, 2, s.badImages());
        assertThat(run(moreWorkers, out, step -> false).completed()).isTrue();
        // a completed run is left alone
        List<String> log = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(trainer(s, log).run(new RunDirectory(out), m, step -> true).steps()).isEqualTo(8);
        }
        assertThat(log).anyMatch(l -> l.contains("already complete"));
    }

    @Test
    void benchmarkTimesRealStepsAndWritesNothing() throws IOException {
        PretrainSettings s = ColourImages.settings(images, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            Pretrainer p = trainer(s, new ArrayList<>());
            Pretrainer.StepTiming t = p.benchmark(m, 1, 2);
            assertThat(t.steps()).isEqualTo(2);
            assertThat(t.secondsPerStep()).isPositive().isGreaterThanOrEqualTo(t.waitSecondsPerStep());
            assertThatThrownBy(() -> p.benchmark(m, 2, 3)).hasMessageContaining("only 4 batches");
        }
    }
}
