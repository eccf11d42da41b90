package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.RandomClip;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;
import org.dpl4j.util.ProcessStats;
import org.junit.jupiter.api.Test;

/**
 * 2,000 train steps and 200 search steps on a tiny model keep memory flat:
 * <ul>
 *   <li>exact: the number of live native handles (JavaCPP's {@link Pointer#totalCount()}: every
 *       tensor and helper object not yet released) does not grow at all after warm-up, since every
 *       step's tensors die with its {@link Scope};
 *   <li>exact: every learnable tensor and every frozen weight, and its storage, has the same
 *       reference count after the run as after warm-up: a step's autograd graph or a view that
 *       outlived the step would still hold them;
 *   <li>resident memory grows by less than {@link #RSS_SLACK_MB} from step {@link #RSS_BASELINE_STEP}
 *       (past the search steps, with the JIT and the Java heap settled: both are part of RSS) to
 *       the end; one leaked step of this model is about a megabyte, so a leak of every step
 *       would be over a gigabyte.
 * </ul>
 */
class FlatMemoryTest {
    /** Small: this test is about memory, and random inputs on a random model make larger steps unstable. */
    static final float LR = 1e-5f;
    static final int SEARCH_STEPS = 200;
    static final double RSS_SLACK_MB = 64;
    static final int RSS_BASELINE_STEP = 500;

    @Test
    void longRunsLeakNoTensors() {
        ClipConfig cfg = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 1000, 64, 2, 3);
        long[][] tokens = RandomClip.randomTokens(10, cfg, 3);
        int[] labels = {0, 1, 2, 3};
        try (Scope root = Scope.open(); ClipModel clip = RandomClip.create(cfg, 1);
                DeepPrompts prompts = DeepPrompts.init(PromptConfig.uniform(2, 2, 3, 3, 3), cfg, 0.02f, 1);
                Supernet net = Supernet.init(cfg, List.of(0, 1, 2, 3), 1);
                Sgd sgd = new Sgd(0.9f, 5e-4f);
                Adam adam = new Adam(0.5f, 0.999f, 1e-8f, 0, false);
                Sgd sgd2 = new Sgd(0.9f, 5e-4f)) {
            List<Tensor> watched = new ArrayList<>(clip.weights().tensors().values());
            watched.addAll(prompts.parameters().values());
            watched.addAll(net.alphaParameters().values());
            watched.addAll(net.promptParameters().values());
            int warm = 100;
            long[] countsAfterWarmup = null;
            long handlesAfterWarmup = 0;
            double rssWarm = 0;
            long start = System.nanoTime();
            for (int step = 1; step <= 2000; step++) {
                StepRunner.step(() -> loss(clip, tokens, labels, prompts.attention(Branch.IMAGE), prompts.attention(Branch.TEXT)),
                        prompts.parameters(), sgd, LR);
                if (step <= SEARCH_STEPS) {
                    StepRunner.step(() -> loss(clip, tokens, labels, net.attention(Branch.IMAGE),
                            net.attention(Branch.TEXT)), net.alphaParameters(), adam, LR);
                    StepRunner.step(() -> loss(clip, tokens, labels, net.attention(Branch.IMAGE),
                            net.attention(Branch.TEXT)), net.promptParameters(), sgd2, LR);
                }
                if (step == warm) {
                    countsAfterWarmup = useCounts(watched);
                    handlesAfterWarmup = liveHandles();
                }
                if (step == RSS_BASELINE_STEP) {
                    rssWarm = ProcessStats.currentRssMb();
                }
                if (step % 500 == 0) {
                    Runtime rt = Runtime.getRuntime();
                    System.out.printf("flat memory: step %d, live handles %d, RSS %.0f MB, Java heap used %d MB of %d MB "
                            + "committed, %.1f s%n", step, liveHandles(), ProcessStats.currentRssMb(), (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20,
                            (System.nanoTime() - start) / 1e9);
                }
            }
            long[] countsAtEnd = useCounts(watched);
            long handlesAtEnd = liveHandles();
            double rssEnd = ProcessStats.currentRssMb();
            System.out.printf("flat memory: live handles %d after %d steps, %d after 2000%n", handlesAfterWarmup, warm,
                    handlesAtEnd);
            System.out.printf("flat memory: reference counts of %d weights and prompts %s after %d steps and after 2000; "
                    + "RSS %.0f MB after %d steps -> %.0f MB%n", watched.size(),
                    java.util.Arrays.equals(countsAfterWarmup, countsAtEnd) ? "the same" : "DIFFERENT", warm, rssWarm,
                    RSS_BASELINE_STEP, rssEnd);
            assertThat(handlesAtEnd).as("live native handles").isEqualTo(handlesAfterWarmup);
            assertThat(countsAtEnd).as("reference counts of the weights and prompts").containsExactly(countsAfterWarmup);
            assertThat(rssEnd - rssWarm).as("RSS growth after step %d, MB", RSS_BASELINE_STEP).isLessThan(RSS_SLACK_MB);
        }
    }

    /** Tensor and storage reference counts, pairwise. */
    private static long[] useCounts(List<Tensor> tensors) {
        long[] out = new long[2 * tensors.size()];
        try (Scope s = Scope.open()) {
            for (int i = 0; i < tensors.size(); i++) {
                out[2 * i] = tensors.get(i).use_count();
                out[2 * i + 1] = tensors.get(i).storage().use_count();
            }
        }
        return out;
    }

    /** Native handles not yet released, after the garbage collector has had its say about unreachable ones. */
    private static long liveHandles() {
        System.gc();
        Pointer.deallocateReferences();
        return Pointer.totalCount();
    }

    private static Tensor loss(ClipModel clip, long[][] tokens, int[] labels, BlockAttention ti, BlockAttention tt) {
        Tensor img = clip.image().encode(Tensors.floats(gaussian(4 * 3 * 32 * 32), 4, 3, 32, 32), ti);
        Tensor txt = clip.text().encode(tokens, tt);
        return Losses.crossEntropy(clip.logits(img, txt), labels);
    }

    private static final java.util.Random RNG = new java.util.Random(9);

    private static float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) RNG.nextGaussian();
        }
        return v;
    }
}
