package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Datasets;
import org.dpl4j.data.FewShot;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Templates;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.search.BilevelSearch;
import org.dpl4j.search.SearchResult;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
/** Train and search stages end to end on the golden tiny CLIP and a few shots of the shared DTD subset. */
class TrainAndSearchTest {
    @TempDir
    Path tmp;

    private static DatasetSplits dtd(int shots) throws Exception {
        return FewShot.sample(Datasets.load("dtd", Shared.require("datasets")), shots, 1);
    }

    private static TrainSettings settings(int epochs) {
        return new TrainSettings(epochs, 4, 0.02f, 0.9f, 5e-4f, 0, 1e-5f, 0.02f, "default", 0f, 1, 2, 32,
                org.dpl4j.data.BadSamplePolicy.FAIL);
    }

    @Test
    void b_trainingLowersLossAndResumeIsExact() throws Exception {
        Shared.require("golden/tiny-clip");
        DatasetSplits data = dtd(2);
        PromptConfig cfg = new PromptConfig(List.of(2, 2, 2), List.of(2, 2, 2));
        try (NDManager m = NDManager.newBaseManager(); ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            ClassTexts texts = ClassTexts.build(clip, data.classNames(), List.of(Templates.DEFAULT), m);
            RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
            straight.create();
            float[] full;
            try (DeepPrompts p = new PromptTrainer(clip, settings(6), Progress.NONE, s -> {}).train(data, cfg, texts, null, straight, m)) {
                full = p.parameters().get("prompt.image.0").toFloatArray();
            }
            List<EpochMetrics> log = straight.readLog(RunDirectory.METRICS_LOG).stream()
                    .map(n -> org.dpl4j.run.Json.LINE.convertValue(n, EpochMetrics.class)).toList();
            assertThat(log).hasSize(6);
            assertThat(log.get(5).loss()).isLessThan(log.get(0).loss());

            // a run that crashes after its third epoch, then resumes from its checkpoint
            RunDirectory r3 = new RunDirectory(tmp.resolve("r3"));
            r3.create();
            InterruptAfter.epochs(3, () -> new PromptTrainer(clip, settings(6), Progress.NONE, InterruptAfter.logger(3))
                    .train(data, cfg, texts, null, r3, m).close());
            try (DeepPrompts p = new PromptTrainer(clip, settings(6), Progress.NONE, s -> {}).train(data, cfg, texts, null, r3, m)) {
                assertThat(p.parameters().get("prompt.image.0").toFloatArray()).containsExactly(full);
            }
            assertThat(r3.readLog(RunDirectory.METRICS_LOG)).hasSize(6);
        }
    }

    @Test
    void a_searchWritesConfigurationAndAlphaHistory() throws Exception {
        DatasetSplits data = dtd(2);
        try (NDManager m = NDManager.newBaseManager(); ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            RunDirectory run = new RunDirectory(tmp.resolve("search"));
            run.create();
            SearchSettings s = SearchSettings.defaults().withEpochs(2);
            SearchResult r = new BilevelSearch(clip, s, Progress.NONE, x -> {}).run(data, run, m);
            assertThat(r.config().text()).hasSize(3).allMatch(n -> List.of(0, 1, 2, 3).contains(n));
            assertThat(PromptConfig.read(run.file(RunDirectory.PROMPT_CONFIG))).isEqualTo(r.config());
            assertThat(run.readLog(RunDirectory.ALPHAS)).hasSize(3);
            assertThat(run.readLog(RunDirectory.METRICS_LOG)).hasSize(2);
            // alphas moved away from their 1e-3 initialisation
            Map<String, Object> last = org.dpl4j.run.Json.LINE.convertValue(run.readLog(RunDirectory.ALPHAS).get(2), Map.class);
            assertThat(last).containsKeys("text", "image");
        }
    }

    @Test
    void c_searchResumeIsExact() throws Exception {
        DatasetSplits data = dtd(2);
        try (NDManager m = NDManager.newBaseManager(); ClipModel clip = ClipModel.load(Shared.require("golden/tiny-clip"), null, m)) {
            SearchSettings s = SearchSettings.defaults().withEpochs(3);
            RunDirectory straight = new RunDirectory(tmp.resolve("search-straight"));
            straight.create();
            SearchResult full = new BilevelSearch(clip, s, Progress.NONE, x -> {}).run(data, straight, m);

            // crashes once epoch 2 is checkpointed, then the same search resumes from the checkpoint
            RunDirectory r2 = new RunDirectory(tmp.resolve("search-r2"));
            r2.create();
            InterruptAfter.epochs(2, () -> new BilevelSearch(clip, s, Progress.NONE, x -> {
                if (x.startsWith("search epoch 2/")) {
                    throw new InterruptAfter();
                }
            }).run(data, r2, m));
            assertThat(r2.readLog(RunDirectory.METRICS_LOG)).hasSize(2);
            SearchResult resumed = new BilevelSearch(clip, s, Progress.NONE, x -> {}).run(data, r2, m);
            assertThat(resumed.config()).isEqualTo(full.config());
            // every alpha snapshot, epoch 0 to 3, bit for bit: the resumed run saw the same val batches
            assertThat(java.nio.file.Files.readAllLines(r2.file(RunDirectory.ALPHAS)))
                    .hasSize(4).isEqualTo(java.nio.file.Files.readAllLines(straight.file(RunDirectory.ALPHAS)));
            assertThat(r2.readLog(RunDirectory.METRICS_LOG)).hasSize(3);
        }
    }

    /** Stops a training run by throwing from its epoch log after n epochs (a crash stand-in). */
    static final class InterruptAfter extends RuntimeException {
        static java.util.function.Consumer<String> logger(int n) {
            int[] seen = new int[1];
            return s -> {
                if (s.startsWith("epoch ") && ++seen[0] == n) {
                    throw new InterruptAfter();
                }
            };
        }

        static void epochs(int n, ThrowingRunnable r) throws Exception {
            try {
                r.run();
                throw new AssertionError("run was not interrupted");
            } catch (InterruptAfter expected) {
                // the checkpoint of epoch n is on disk
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
