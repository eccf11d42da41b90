package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.DataSpec;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.CoCoOp;
import org.dpl4j.prompts.MaPLe;
import org.dpl4j.prompts.PromptLearner;
import org.dpl4j.prompts.Presets;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.testutil.RunFiles;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.dpl4j.tensor.Scope;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CoCoOp and MaPLe as train runs (golden tiny CLIP, 1 shot of the shared DTD, a batch of 2 so
 * CoCoOp's batched text pass is exercised): a run killed after epoch 2 of 3 resumes to the same
 * checkpoint, metrics and prompts as an uninterrupted run, and the saved prompts load back as
 * the same method ({@code eval}/{@code predict}) and score the test split exactly as the run did.
 */
class BaselineResumeTest {
    @TempDir
    Path tmp;

    private static TrainSettings settings(String method) {
        TrainSettings d = MethodDefaults.of(method);
        return new TrainSettings(3, 2, new SgdSchedule(0.02f, d.sgd().momentum(), d.sgd().weightDecay(), 1, d.sgd().warmupLr()), d.initStd(), d.textInput(),
                0f, 1, 2, 32, BadSamplePolicy.FAIL);
    }

    @ParameterizedTest
    @ValueSource(strings = {CoCoOp.METHOD, MaPLe.METHOD})
    void killedRunResumesToTheUninterruptedResultAndLoadsBack(String method) throws Exception {
        Path model = Shared.require("golden/tiny-clip");
        DataSpec spec = new DataSpec("dtd", Shared.require("datasets"), 1, 1, "all");
        TrainSettings s = settings(method);
        try (Scope scope = Scope.open(); ClipModel clip = ClipLoader.load(model, null)) {
            var cfg = Presets.resolve(method, clip.config());
            RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
            TestMetrics full = new TrainJob(clip, model, Progress.NONE, x -> {}).run(method, spec, cfg, s, straight, "test");

            RunDirectory killed = new RunDirectory(tmp.resolve("killed"));
            TrainAndSearchTest.InterruptAfter.epochs(2, () -> new TrainJob(clip, model, Progress.NONE,
                    TrainAndSearchTest.InterruptAfter.logger(2)).run(method, spec, cfg, s, killed, "test"));
            assertThat(Safetensors.metadata(killed.file(RunDirectory.CHECKPOINT)).get("epoch")).isEqualTo("1");
            List<String> resumedLog = new ArrayList<>();
            TestMetrics resumed = new TrainJob(clip, model, Progress.NONE, resumedLog::add)
                    .run(method, spec, cfg, s, killed, "test");
            assertThat(resumedLog).anyMatch(l -> l.startsWith("resuming train after epoch 2 "));
            assertThat(RunFiles.epochsLogged(resumedLog, "")).containsExactly("3/3");
            RunFiles.assertSameTensors(straight.file(RunDirectory.CHECKPOINT), killed.file(RunDirectory.CHECKPOINT));
            RunFiles.assertSameTensors(straight.file(RunDirectory.PROMPTS), killed.file(RunDirectory.PROMPTS));
            RunFiles.assertSameLines(straight.file(RunDirectory.METRICS_LOG), killed.file(RunDirectory.METRICS_LOG), RunFiles.WALL_CLOCK);
            assertThat(Json.PRETTY.writeValueAsString(resumed)).isEqualTo(Json.PRETTY.writeValueAsString(full));

            TrainedRun run = TrainedRun.read(killed.dir());
            try (PromptLearner back = run.loadPrompts(clip)) {
                // rebuilt as the method its file names, not as DPL's key/value prompts
                assertThat(org.dpl4j.tensor.io.Safetensors.metadata(killed.file(RunDirectory.PROMPTS))
                        .get(org.dpl4j.prompts.ParameterStore.LEARNER)).isEqualTo(method);
                assertThat(back).isNotInstanceOf(org.dpl4j.prompts.DeepPrompts.class);
                EvalResult again = new TrainJob(clip, model, Progress.NONE, x -> {})
                        .evaluate(back, spec.load(), run.settings());
                assertThat(again.top1()).isEqualTo(full.test().top1());
            }
        }
    }
}
