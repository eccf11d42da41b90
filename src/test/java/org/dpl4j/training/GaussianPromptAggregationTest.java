package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Datasets;
import org.dpl4j.data.FewShot;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.prompts.Templates;
import org.dpl4j.prompts.PromptSrcPublished;
import org.dpl4j.prompts.PromptSrcPublished.Protocol;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.RunFiles;
import org.dpl4j.testutil.Shared;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GPA (PromptSRC's Gaussian prompt aggregation): its weights are the official trainer's
 * ({@code gpa_weights.*} of golden/promptsrc.safetensors, within 1e-12, for the three published
 * configs); one aggregation step adds {@code w_e θ_e} to the running sum (checked against the sum
 * computed here in doubles); and a run stopped after 2 of 3 epochs and resumed from its checkpoint
 * ends with the same aggregate, bit for bit, as an uninterrupted one, both through the bare epoch
 * loop and through {@link PromptTrainer#withGpa} on the golden tiny CLIP and one shot of DTD.
 */
class GaussianPromptAggregationTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"gpa_weights.ep50_mean30_std30, FEW_SHOT, OxfordPets", "gpa_weights.ep50_mean45_std5, FEW_SHOT, DescribableTextures",
            "gpa_weights.ep20_mean15_std1, BASE_TO_NEW, DescribableTextures"})
    void weightsOfThePublishedConfigsAreTheOfficialOnes(String tensor, Protocol protocol, String dataset) throws Exception {
        PromptSrcPublished p = PromptSrcPublished.of(protocol, dataset);
        double[] ours = GaussianPromptAggregation.weights(p.epochs(), p.gpaMean(), p.gpaStd());
        double[] official;
        try (Scope s = Scope.open()) {
            official = Tensors.toDoubles(Golden.tensors("promptsrc.safetensors").get(tensor));
        }
        assertThat(ours).hasSameSizeAs(official);
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs(ours[i] - official[i]));
        }
        System.out.printf("  GPA %-32s %d epochs, mean %.0f, std %.0f: max |diff| %.2e%n", tensor, p.epochs(), p.gpaMean(),
                p.gpaStd(), max);
        assertThat(max).as(tensor).isLessThanOrEqualTo(1e-12);
    }

    @Test
    void oneStepAddsTheWeightedPromptsAndTheFinalSumIsTheWeightedMean() {
        try (Scope s = Scope.open(); Owned owned = new Owned()) {
            Map<String, Tensor> prompts = prompts(owned, 3);
            double[] w = GaussianPromptAggregation.weights(4, 2, 1.5);
            try (GaussianPromptAggregation gpa = new GaussianPromptAggregation(prompts, 4, 2, 1.5)) {
                Map<String, double[]> expected = new LinkedHashMap<>();
                prompts.forEach((k, v) -> expected.put(k, new double[(int) v.numel()]));
                Random r = new Random(5);
                for (int e = 0; e < 4; e++) {
                    for (Map.Entry<String, Tensor> p : prompts.entrySet()) {
                        p.getValue().add_(Tensors.floats(gaussian(r, (int) p.getValue().numel()), Tensors.shape(p.getValue())));
                        float[] theta = Tensors.toFloats(p.getValue());
                        double[] sum = expected.get(p.getKey());
                        for (int i = 0; i < sum.length; i++) {
                            sum[i] += w[e] * theta[i];
                        }
                    }
                    gpa.epochEnd(e);
                    assertThat(gpa.epochsAdded()).isEqualTo(e + 1);
                    for (String k : prompts.keySet()) {
                        double err = maxRelDiff(Tensors.toFloats(gpa.sums().get(k)), expected.get(k));
                        System.out.printf("  GPA after epoch %d: sum of %s, max rel diff to doubles %.1e%n", e + 1, k, err);
                        assertThat(err).as("sum of %s after epoch %d", k, e + 1).isLessThanOrEqualTo(1e-6);
                    }
                    if (e < 3) {
                        assertThatThrownBy(() -> gpa.applyTo(prompts)).hasMessageContaining("not final");
                    }
                }
                assertThatThrownBy(() -> gpa.epochEnd(4)).hasMessageContaining("past the 4 epochs");
                gpa.applyTo(prompts);
                RunFiles.assertSameTensors(gpa.sums(), prompts, "the prompts after GPA is applied");
            }
        }
    }

    @Test
    void averagingUnchangedTensorsIsTheIdentityUpToRounding() {
        try (Scope s = Scope.open(); Owned owned = new Owned()) {
            Map<String, Tensor> prompts = prompts(owned, 9);
            Tensor before = prompts.get("a").clone();
            try (GaussianPromptAggregation gpa = new GaussianPromptAggregation(prompts, 50, 30, 30)) {
                for (int e = 0; e < 50; e++) {
                    gpa.epochEnd(e);
                }
                float err = Golden.maxRelDiff(gpa.sums().get("a"), before);
                System.out.printf("  GPA of a constant tensor over 50 epochs: max rel diff %.1e%n", err);
                assertThat(err).isLessThanOrEqualTo(1e-6f);
            }
        }
    }

    @Test
    void aRunResumedAfterTwoOfThreeEpochsEndsWithTheSameAggregateBytes() throws Exception {
        try (Scope s = Scope.open(); Owned owned = new Owned()) {
            RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
            Map<String, Tensor> full = prompts(owned, 1);
            Map<String, Tensor> fullSums = train(straight, full, EpochLoop.StopRule.NEVER, owned, x -> {});

            RunDirectory killed = new RunDirectory(tmp.resolve("killed"));
            Map<String, Tensor> first = prompts(owned, 1);
            train(killed, first, done -> done == 2 ? "killed" : null, owned, x -> {});
            assertThat(Safetensors.metadata(killed.file(RunDirectory.CHECKPOINT)).get("epoch")).isEqualTo("1");
            assertThat(Safetensors.read(killed.file(RunDirectory.CHECKPOINT))).containsKeys("state.gpa.sum.a", "state.gpa.sum.b.c",
                    "state.gpa.epochs", "state.gpa.weights");

            Map<String, Tensor> resumed = prompts(owned, 1); // a fresh process: initial prompts, empty GPA
            List<String> log = new ArrayList<>();
            Map<String, Tensor> resumedSums = train(killed, resumed, EpochLoop.StopRule.NEVER, owned, log::add);
            assertThat(log).containsExactly("resuming train after epoch 2 from " + killed.file(RunDirectory.CHECKPOINT), "epoch 3");
            RunFiles.assertSameTensors(fullSums, resumedSums, "the GPA sums of the resumed run");
            RunFiles.assertSameTensors(full, resumed, "the aggregated prompts of the resumed run");
            RunFiles.assertSameTensors(straight.file(RunDirectory.CHECKPOINT), killed.file(RunDirectory.CHECKPOINT));
        }
    }

    @Test
    void aCheckpointWithoutGpaOrWithOtherWeightsIsRefused() throws Exception {
        try (Scope s = Scope.open(); Owned owned = new Owned()) {
            RunDirectory plain = new RunDirectory(tmp.resolve("plain"));
            plain.create();
            Map<String, Tensor> p = prompts(owned, 1);
            new EpochLoop("train", 3, plain, Progress.NONE, x -> {}).parameters(p, "prompts")
                    .run(0, 1, e -> "", done -> done == 1 ? "stop" : null);
            try (GaussianPromptAggregation gpa = new GaussianPromptAggregation(p, 3, 2, 1)) {
                assertThatThrownBy(() -> new EpochLoop("train", 3, plain, Progress.NONE, x -> {}).parameters(p, "prompts")
                        .state("gpa", gpa).resume())
                        .hasMessageContaining("checkpoint has no 'gpa' state");
            }

            RunDirectory run = new RunDirectory(tmp.resolve("gpa"));
            train(run, prompts(owned, 1), done -> done == 1 ? "stop" : null, owned, x -> {});
            Map<String, Tensor> q = prompts(owned, 1);
            try (GaussianPromptAggregation other = new GaussianPromptAggregation(q, 3, 2, 2)) {
                assertThatThrownBy(() -> new EpochLoop("train", 3, run, Progress.NONE, x -> {}).parameters(q, "prompts")
                        .state("gpa", other).resume())
                        .hasMessageContaining("made with other weights");
            }
        }
    }

    @Test
    void aKilledTrainRunWithGpaResumesToTheSameAggregatedPrompts() throws Exception {
        DatasetSplits data = FewShot.sample(Datasets.load("dtd", Shared.require("datasets")), 1, 1);
        PromptConfig cfg = new PromptConfig(List.of(2, 2, 2), List.of(2, 2, 2));
        TrainSettings settings = new TrainSettings(3, 4, new SgdSchedule(0.02f, 0.9f, 5e-4f, 0, 1e-5f), 0.02f, "default", 0f, 1, 2, 32,
                BadSamplePolicy.FAIL);
        GaussianPromptAggregation.Schedule schedule = new GaussianPromptAggregation.Schedule(2, 1);
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            ClassTexts texts = ClassTexts.build(clip, data.classNames(), List.of(Templates.DEFAULT));
            RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
            straight.create();
            List<String> log = new ArrayList<>();
            try (DeepPrompts full = new PromptTrainer(clip, settings, Progress.NONE, log::add).withGpa(schedule)
                    .train(data, cfg, texts, null, straight)) {
                assertThat(log).last().asString().startsWith("GPA: prompts aggregated over 3 epochs");
                Map<String, Tensor> ck = Safetensors.read(straight.file(RunDirectory.CHECKPOINT));
                for (Map.Entry<String, Tensor> p : full.parameters().entrySet()) {
                    // the prompts left are the aggregate, not the last epoch's
                    RunFiles.assertSameTensors(Map.of(p.getKey(), ck.get("state.gpa.sum." + p.getKey())),
                            Map.of(p.getKey(), p.getValue()), "the prompts left by GPA");
                    assertThat(Golden.maxAbsDiff(p.getValue(), ck.get("param." + p.getKey()))).as(p.getKey()).isGreaterThan(0f);
                }

                RunDirectory killed = new RunDirectory(tmp.resolve("killed"));
                killed.create();
                TrainAndSearchTest.InterruptAfter.epochs(2, () -> new PromptTrainer(clip, settings, Progress.NONE,
                        TrainAndSearchTest.InterruptAfter.logger(2)).withGpa(schedule).train(data, cfg, texts, null, killed).close());
                List<String> resumedLog = new ArrayList<>();
                try (DeepPrompts resumed = new PromptTrainer(clip, settings, Progress.NONE, resumedLog::add).withGpa(schedule)
                        .train(data, cfg, texts, null, killed)) {
                    assertThat(resumedLog).anyMatch(l -> l.startsWith("resuming train after epoch 2 "));
                    RunFiles.assertSameTensors(full.parameters(), resumed.parameters(), "the resumed run's aggregated prompts");
                }
                RunFiles.assertSameTensors(straight.file(RunDirectory.CHECKPOINT), killed.file(RunDirectory.CHECKPOINT));
            }
        }
    }

    /**
     * Three epochs (or until {@code stop}) of a deterministic stand-in for training, GPA registered
     * with the loop as the trainer registers it; the prompts end as the aggregate. Returns the sums.
     */
    private static Map<String, Tensor> train(RunDirectory run, Map<String, Tensor> prompts, EpochLoop.StopRule stop, Owned owned,
            Consumer<String> log) throws Exception {
        run.create();
        try (GaussianPromptAggregation gpa = new GaussianPromptAggregation(prompts, 3, 2, 1)) {
            EpochLoop loop = new EpochLoop("train", 3, run, Progress.NONE, log).parameters(prompts, "prompts")
                    .state("gpa", gpa);
            int start = loop.resume();
            EpochLoop.Outcome out = loop.run(start, 1, epoch -> {
                for (Tensor t : prompts.values()) {
                    t.mul_(new Scalar(0.9)).add_(new Scalar(0.01 * (epoch.index() + 1)));
                }
                return "epoch " + (epoch.index() + 1);
            }, stop);
            if (out.stopReason() == null) {
                gpa.applyTo(prompts);
            }
            Map<String, Tensor> sums = new LinkedHashMap<>();
            gpa.sums().forEach((k, v) -> sums.put(k, owned.own(v.clone())));
            return sums;
        }
    }

    private static Map<String, Tensor> prompts(Owned owned, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", owned.own(Tensors.floats(gaussian(r, 8), 2, 4)));
        m.put("b.c", owned.own(Tensors.floats(gaussian(r, 12), 3, 4)));
        return m;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.02 * r.nextGaussian());
        }
        return v;
    }

    private static double maxRelDiff(float[] actual, double[] expected) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }
}
