package org.dpl4j.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.run.Checkpoint;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.Torch;
import org.dpl4j.testutil.RunFiles;
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
        threads = Torch.threads();
        Torch.threads(1);
    }

    @AfterAll
    static void restoreThreads() {
        Torch.threads(threads);
    }

    private static Pretrainer trainer(PretrainSettings s, List<String> log) throws IOException {
        CaptionedData data = CaptionedData.load(s.datasets(), s.templates(), s.seed());
        return new Pretrainer(s, data, SampleTransforms.train(s.model().imageResolution()), Progress.NONE, log::add);
    }

    /** What one call of {@link Pretrainer#run} did: its result, its log, and the global steps it trained. */
    private record Call(PretrainResult result, List<String> log, List<Long> steps) {}

    private static Call call(PretrainSettings s, Path out, LongPredicate stop) throws IOException {
        List<String> log = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        try (Scope sc = Scope.open()) {
            PretrainResult r = trainer(s, log).run(new RunDirectory(out), step -> {
                steps.add(step); // the stop test runs once after every step
                return stop.test(step);
            });
            return new Call(r, log, steps);
        }
    }

    private static PretrainResult run(PretrainSettings s, Path out, LongPredicate stop) throws IOException {
        return call(s, out, stop).result();
    }

    private static List<Double> losses(Path out) throws IOException {
        List<Double> l = new ArrayList<>();
        for (JsonNode n : new RunDirectory(out).readLog(RunDirectory.METRICS_LOG)) {
            l.add(n.get("loss").asDouble());
        }
        return l;
    }

    /**
     * The call resumed where the checkpoint said and trained only the steps after it, up to
     * {@code lastStep}: a restart from scratch would train from step 1 and end with the same bytes.
     */
    private static void assertResumed(Call c, String position, long fromStep, long lastStep, String... epochsEnded) {
        assertThat(c.log()).anyMatch(l -> l.startsWith("resuming at " + position + " from "));
        assertThat(c.steps()).containsExactlyElementsOf(LongStream.rangeClosed(fromStep + 1, lastStep).boxed().toList());
        assertThat(RunFiles.epochsLogged(c.log(), "")).containsExactly(epochsEnded);
    }

    /**
     * Every tensor the two runs saved (checkpoint with AdamW moments and position, exported model) and
     * every metrics line are equal. Ignored: {@link RunFiles#WALL_CLOCK} timings, and metrics.json's
     * {@code model}, the path of each run's own model folder.
     */
    private static void assertSameRun(Path straight, Path resumed) throws IOException {
        RunFiles.assertSameTensors(straight.resolve(RunDirectory.CHECKPOINT), resumed.resolve(RunDirectory.CHECKPOINT));
        Path model = Path.of(Pretrainer.MODEL_DIR, "model.safetensors");
        RunFiles.assertSameTensors(straight.resolve(model), resumed.resolve(model));
        assertThat(losses(straight)).isNotEmpty();
        RunFiles.assertSameLines(straight.resolve(RunDirectory.METRICS_LOG), resumed.resolve(RunDirectory.METRICS_LOG),
                RunFiles.WALL_CLOCK);
        Set<String> ignored = new HashSet<>(RunFiles.WALL_CLOCK);
        ignored.add("model");
        RunFiles.assertSameJson(straight.resolve(RunDirectory.FINAL), resumed.resolve(RunDirectory.FINAL), ignored);
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
        try (Scope s = Scope.open(); ClipModel model = ClipLoader.load(r.model(), null)) {
            assertThat(model.config()).isEqualTo(ColourImages.tinyConfig());
        }
    }

    @Test
    void resumingAtAnEpochEndOrMidEpochGivesTheUninterruptedRun() throws IOException {
        // 2 epochs of 4 steps, a checkpoint every 3 steps and at each epoch end
        PretrainSettings s = ColourImages.settings(images, 2).withCheckpointEvery(3);
        Path straight = tmp.resolve("straight");
        run(s, straight, step -> false);

        Path atEpochEnd = tmp.resolve("epoch-end");
        PretrainResult first = run(s, atEpochEnd, step -> step == 4);
        assertThat(first.completed()).isFalse();
        assertThat(first.steps()).isEqualTo(4);
        assertThat(losses(atEpochEnd)).hasSize(1);
        Call rest = call(s, atEpochEnd, step -> false);
        assertThat(rest.result().completed()).isTrue();
        assertResumed(rest, "epoch 2, batch 0 (step 4)", 4, 8, "2/2");

        Path midEpoch = tmp.resolve("mid-epoch");
        assertThat(run(s, midEpoch, step -> step == 6).steps()).isEqualTo(6);
        Call midRest = call(s, midEpoch, step -> false);
        assertThat(midRest.result().steps()).isEqualTo(8);
        assertResumed(midRest, "epoch 2, batch 2 (step 6)", 6, 8, "2/2");

        assertSameRun(straight, atEpochEnd);
        assertSameRun(straight, midEpoch);
    }

    @Test
    void everyTensorIsTrained() throws IOException {
        PretrainSettings s = ColourImages.settings(images, 1);
        Path out = tmp.resolve("one");
        run(s, out, step -> false);
        Pretrainer p = trainer(s, new ArrayList<>());
        try (Scope sc = Scope.open(); TrainableClip clip = TrainableClip.create(s.model(), p.captionTokens(), s.seed())) {
            Map<String, Tensor> initial = clip.parameters();
            Checkpoint ck = Checkpoint.load(out.resolve(RunDirectory.CHECKPOINT));
            assertThat(ck.params().keySet()).containsExactlyElementsOf(initial.keySet());
            for (String k : initial.keySet()) {
                assertThat(Tensors.toFloats(ck.params().get(k))).as(k).isNotEqualTo(Tensors.toFloats(initial.get(k)));
            }
            assertThat(Shape.of(ck.params().get(TrainableClip.TOKEN_EMBEDDING)).get(0))
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
        assertThat(trainer(s, log).run(new RunDirectory(out), step -> true).steps()).isEqualTo(8);
        assertThat(log).anyMatch(l -> l.contains("already complete"));
    }

    @Test
    void benchmarkTimesRealStepsAndWritesNothing() throws IOException {
        PretrainSettings s = ColourImages.settings(images, 1);
        // benchmark() is given no run folder: a file it wrote would land beside its data or in the working directory
        List<String> dataBefore = tree(shared, Integer.MAX_VALUE);
        List<String> workingBefore = tree(Path.of(""), 1);
        Pretrainer p = trainer(s, new ArrayList<>());
        Pretrainer.StepTiming t = p.benchmark(1, 2);
        assertThat(t.steps()).isEqualTo(2);
        assertThat(t.secondsPerStep()).isPositive().isGreaterThanOrEqualTo(t.waitSecondsPerStep());
        assertThatThrownBy(() -> p.benchmark(2, 3)).hasMessageContaining("only 4 batches");
        assertThat(tree(shared, Integer.MAX_VALUE)).as("files under the data's folder").isEqualTo(dataBefore);
        assertThat(tree(Path.of(""), 1)).as("files in the working directory").isEqualTo(workingBefore);
    }

    /** Every path under {@code dir}, to {@code depth} levels, with the size of each file; sorted. */
    private static List<String> tree(Path dir, int depth) throws IOException {
        try (Stream<Path> all = Files.walk(dir, depth)) {
            List<String> out = new ArrayList<>();
            for (Path f : all.sorted().toList()) {
                out.add(dir.relativize(f) + (Files.isRegularFile(f) ? " " + Files.size(f) : "/"));
            }
            return out;
        }
    }
}
