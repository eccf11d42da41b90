package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Datasets;
import org.dpl4j.data.FewShot;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Templates;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.search.AlphaSnapshot;
import org.dpl4j.search.BilevelSearch;
import org.dpl4j.search.SearchResult;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.search.SettlingRule;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.testutil.RunFiles;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.dpl4j.tensor.Scope;
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
        return new TrainSettings(epochs, 4, new SgdSchedule(0.02f, 0.9f, 5e-4f, 0, 1e-5f), 0.02f, "default", 0f, 1, 2, 32,
                org.dpl4j.data.BadSamplePolicy.FAIL);
    }

    @Test
    void b_trainingLowersLossAndResumeIsExact() throws Exception {
        Shared.require("golden/tiny-clip");
        DatasetSplits data = dtd(2);
        PromptConfig cfg = new PromptConfig(List.of(2, 2, 2), List.of(2, 2, 2));
        try (Scope scope = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            ClassTexts texts = ClassTexts.build(clip, data.classNames(), List.of(Templates.DEFAULT));
            RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
            straight.create();
            try (DeepPrompts full = new PromptTrainer(clip, settings(6), Progress.NONE, s -> {}).train(data, cfg, texts, null, straight)) {
                List<EpochMetrics> log = straight.readLog(RunDirectory.METRICS_LOG).stream()
                        .map(n -> Json.LINE.convertValue(n, EpochMetrics.class)).toList();
                assertThat(log).hasSize(6);
                assertThat(log.get(5).loss()).isLessThan(log.get(0).loss());

                // a run that crashes after its third epoch, then resumes from its checkpoint
                RunDirectory r3 = new RunDirectory(tmp.resolve("r3"));
                r3.create();
                InterruptAfter.epochs(3, () -> new PromptTrainer(clip, settings(6), Progress.NONE, InterruptAfter.logger(3))
                        .train(data, cfg, texts, null, r3).close());
                assertThat(checkpointEpoch(r3)).as("0-based epoch of the checkpoint left by the crash").isEqualTo(2);
                List<String> resumedLog = new ArrayList<>();
                try (DeepPrompts p = new PromptTrainer(clip, settings(6), Progress.NONE, resumedLog::add)
                        .train(data, cfg, texts, null, r3)) {
                    RunFiles.assertSameTensors(full.parameters(), p.parameters(), "the resumed run's prompts");
                }
                // it really resumed: a restart from scratch would log epochs 1 to 6 and end with the same bytes
                assertThat(resumedLog).anyMatch(l -> l.startsWith("resuming train after epoch 3 "));
                assertThat(RunFiles.epochsLogged(resumedLog, "")).containsExactly("4/6", "5/6", "6/6");
                assertSameRun(straight, r3);
            }
        }
    }

    @Test
    void a_searchWritesConfigurationAndAlphaHistory() throws Exception {
        DatasetSplits data = dtd(2);
        try (Scope scope = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            RunDirectory run = new RunDirectory(tmp.resolve("search"));
            run.create();
            SearchSettings s = SearchSettings.defaults().withEpochs(2);
            SearchResult r = new BilevelSearch(clip, s, Progress.NONE, x -> {}).run(data, run);
            assertThat(PromptConfig.read(run.file(RunDirectory.PROMPT_CONFIG))).isEqualTo(r.config());
            assertThat(run.readLog(RunDirectory.METRICS_LOG)).hasSize(2);
            List<AlphaSnapshot> snapshots = run.readLog(RunDirectory.ALPHAS).stream()
                    .map(n -> Json.LINE.convertValue(n, AlphaSnapshot.class)).toList();
            assertThat(snapshots).extracting(AlphaSnapshot::epoch).containsExactly(0, 1, 2);
            AlphaSnapshot first = snapshots.get(0);
            AlphaSnapshot last = snapshots.get(2);
            // the alphas moved away from their 1e-3 initialisation in both branches
            assertThat(last.text()).isNotEqualTo(first.text());
            assertThat(last.image()).isNotEqualTo(first.image());
            // each branch's layout is the per-block argmax of that branch's final alphas: a text/image mix-up
            // (the reference code's bug) is visible only when the two argmax layouts differ, so check that too
            List<Integer> text = argmaxLengths(last.text(), last.candidates());
            List<Integer> image = argmaxLengths(last.image(), last.candidates());
            assertThat(text).as("text vs image argmax layouts").isNotEqualTo(image);
            assertThat(r.config().text()).as("text layout").isEqualTo(text);
            assertThat(r.config().image()).as("image layout").isEqualTo(image);
        }
    }

    /** Per block, the candidate length with the largest weight (the first on a tie). */
    private static List<Integer> argmaxLengths(float[][] weights, List<Integer> candidates) {
        List<Integer> out = new ArrayList<>();
        for (float[] row : weights) {
            int best = 0;
            for (int k = 1; k < row.length; k++) {
                if (row[k] > row[best]) {
                    best = k;
                }
            }
            out.add(candidates.get(best));
        }
        return out;
    }

    @Test
    void c_searchResumeIsExact() throws Exception {
        DatasetSplits data = dtd(2);
        try (Scope scope = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            SearchSettings s = SearchSettings.defaults().withEpochs(3);
            RunDirectory straight = new RunDirectory(tmp.resolve("search-straight"));
            straight.create();
            SearchResult full = new BilevelSearch(clip, s, Progress.NONE, x -> {}).run(data, straight);

            // crashes once epoch 2 is checkpointed, then the same search resumes from the checkpoint
            RunDirectory r2 = new RunDirectory(tmp.resolve("search-r2"));
            r2.create();
            InterruptAfter.epochs(2, () -> new BilevelSearch(clip, s, Progress.NONE, x -> {
                if (x.startsWith("search epoch 2/")) {
                    throw new InterruptAfter();
                }
            }).run(data, r2));
            assertThat(checkpointEpoch(r2)).as("0-based epoch of the checkpoint left by the crash").isEqualTo(1);
            assertThat(r2.readLog(RunDirectory.METRICS_LOG)).hasSize(2);
            List<String> resumedLog = new ArrayList<>();
            SearchResult resumed = new BilevelSearch(clip, s, Progress.NONE, resumedLog::add).run(data, r2);
            assertThat(resumed.config()).isEqualTo(full.config());
            // it really resumed: a restart from scratch would log epochs 1 to 3 and end with the same bytes
            assertThat(resumedLog).anyMatch(l -> l.startsWith("resuming search after epoch 2 from "));
            assertThat(RunFiles.epochsLogged(resumedLog, "search ")).containsExactly("3/3");
            // every alpha snapshot, epoch 0 to 3, bit for bit: the resumed run saw the same val batches
            assertThat(r2.readLog(RunDirectory.ALPHAS)).hasSize(4);
            assertSameRun(straight, r2);
            RunFiles.assertSameLines(straight.file(RunDirectory.ALPHAS), r2.file(RunDirectory.ALPHAS), Set.of());
            RunFiles.assertSameJson(straight.file("search-result.json"), r2.file("search-result.json"), Set.of());
            assertThat(PromptConfig.read(r2.file(RunDirectory.PROMPT_CONFIG))).isEqualTo(full.config());
        }
    }

    @Test
    void d_searchStopsOnceTheLayoutHasSettledAndRecordsWhy() throws Exception {
        DatasetSplits data = dtd(2);
        try (Scope scope = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            // a larger alpha rate than DPL's 3.5e-3, so the tiny model's layout settles within a few epochs
            SearchSettings full = SearchSettings.defaults().toBuilder().epochs(6).alphaLr(0.05f).build();
            RunDirectory straight = new RunDirectory(tmp.resolve("settle-full"));
            straight.create();
            new BilevelSearch(clip, full, Progress.NONE, x -> {}).run(data, straight);
            List<AlphaSnapshot> all = straight.readLog(RunDirectory.ALPHAS).stream()
                    .map(n -> Json.LINE.convertValue(n, AlphaSnapshot.class)).toList();
            // where patience 1 must stop, found from the full search's own history: the first epoch
            // whose per-block argmax (both branches) equals the epoch before's
            int settledAt = -1;
            for (int e = 1; e < all.size() && settledAt < 0; e++) {
                if (argmax(all.get(e).text()).equals(argmax(all.get(e - 1).text()))
                        && argmax(all.get(e).image()).equals(argmax(all.get(e - 1).image()))) {
                    settledAt = e;
                }
            }
            int expected = settledAt;
            assertThat(expected).as("a settled epoch before the last (else this test checks nothing)").isBetween(1, 5);

            SearchSettings settling = full.toBuilder().settling(new SettlingRule(1, 0.0)).build();
            RunDirectory early = new RunDirectory(tmp.resolve("settle-early"));
            early.create();
            List<String> said = new ArrayList<>();
            SearchResult r = new BilevelSearch(clip, settling, Progress.NONE, said::add).run(data, early);
            assertThat(r.epochs()).as("epochs searched").isEqualTo(expected);
            assertThat(r.stopReason()).startsWith("layout unchanged for 1 epochs (since epoch " + (expected - 1) + ")");
            assertThat(said).anyMatch(l -> l.startsWith("search stopped after epoch " + expected + " of 6: "));
            assertThat(early.readLog(RunDirectory.METRICS_LOG)).hasSize(expected);
            // the stopped search is the full one cut short: the same alphas, bit for bit, up to its last epoch
            List<String> fullAlphas = java.nio.file.Files.readAllLines(straight.file(RunDirectory.ALPHAS));
            assertThat(java.nio.file.Files.readAllLines(early.file(RunDirectory.ALPHAS)))
                    .containsExactlyElementsOf(fullAlphas.subList(0, expected + 1));
            assertThat(r.config()).isEqualTo(all.get(expected).layout());
            com.fasterxml.jackson.databind.JsonNode written = early.readJson("search-result.json");
            assertThat(written.get("epochs").asInt()).isEqualTo(expected);
            assertThat(written.get("stopReason").asText()).isEqualTo(r.stopReason());

            // killed after the stopping epoch's checkpoint, before the results: the rerun stops at once
            java.nio.file.Files.delete(early.file(RunDirectory.PROMPT_CONFIG));
            java.nio.file.Files.delete(early.file("search-result.json"));
            List<String> again = new ArrayList<>();
            SearchResult resumed = new BilevelSearch(clip, settling, Progress.NONE, again::add).run(data, early);
            assertThat(again).noneMatch(l -> l.startsWith("search epoch "));
            assertThat(resumed.epochs()).isEqualTo(expected);
            assertThat(resumed.config()).isEqualTo(r.config());
        }
    }

    private static List<Integer> argmax(float[][] w) {
        List<Integer> out = new ArrayList<>();
        for (float[] row : w) {
            int best = 0;
            for (int k = 1; k < row.length; k++) {
                best = row[k] > row[best] ? k : best;
            }
            out.add(best);
        }
        return out;
    }

    private static int checkpointEpoch(RunDirectory run) throws IOException {
        return Integer.parseInt(Safetensors.metadata(run.file(RunDirectory.CHECKPOINT)).get("epoch"));
    }

    /**
     * The resumed run's checkpoint (parameters and optimiser state) and every metrics line equal the
     * uninterrupted run's; only {@link RunFiles#WALL_CLOCK} fields may differ.
     */
    private static void assertSameRun(RunDirectory straight, RunDirectory resumed) throws IOException {
        RunFiles.assertSameTensors(straight.file(RunDirectory.CHECKPOINT), resumed.file(RunDirectory.CHECKPOINT));
        assertThat(straight.readLog(RunDirectory.METRICS_LOG)).isNotEmpty();
        RunFiles.assertSameLines(straight.file(RunDirectory.METRICS_LOG), resumed.file(RunDirectory.METRICS_LOG),
                RunFiles.WALL_CLOCK);
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
