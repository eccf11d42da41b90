package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.dpl4j.bench.Benchmark;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.Supernet;
import org.dpl4j.testutil.RandomClip;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * 2,000 train steps and 200 search steps on a tiny model keep memory flat: the number of live
 * native arrays does not grow at all after warm-up (an exact leak check: every step's tensors
 * die with its scope), and resident memory is printed for the record.
 */
class FlatMemoryTest {
    /** Small: this test is about memory, and random inputs on a random model make larger steps unstable. */
    static final float LR = 1e-5f;
    static final int SEARCH_STEPS = 200;

    @Test
    void longRunsLeakNoTensors() {
        ClipConfig cfg = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 1000, 64, 2, 3);
        long[][] tokens = RandomClip.randomTokens(10, cfg, 3);
        int[] labels = {0, 1, 2, 3};
        try (NDManager root = NDManager.newBaseManager(); ClipModel clip = RandomClip.create(cfg, root, 1);
                DeepPrompts prompts = DeepPrompts.init(PromptConfig.uniform(2, 2, 3, 3, 3), cfg, root, 0.02f, 1);
                Supernet net = Supernet.init(cfg, List.of(0, 1, 2, 3), root, 1)) {
            Sgd sgd = new Sgd(root, 0.9f, 5e-4f);
            Adam adam = new Adam(root, 0.5f, 0.999f, 1e-8f, 0, false);
            Sgd sgd2 = new Sgd(root, 0.9f, 5e-4f);
            int warm = 100;
            long arraysAfterWarmup = 0;
            double rssWarm = 0;
            for (int step = 1; step <= 2000; step++) {
                StepRunner.step(root, s -> loss(clip, s, tokens, labels, prompts.attention(Branch.IMAGE), prompts.attention(Branch.TEXT)),
                        prompts.parameters(), sgd, LR);
                if (step <= SEARCH_STEPS) {
                    StepRunner.step(root, s -> loss(clip, s, tokens, labels, net.attention(Branch.IMAGE, AttentionMode.FUSED),
                            net.attention(Branch.TEXT, AttentionMode.FUSED)), net.alphaParameters(), adam, LR);
                    StepRunner.step(root, s -> loss(clip, s, tokens, labels, net.attention(Branch.IMAGE, AttentionMode.FUSED),
                            net.attention(Branch.TEXT, AttentionMode.FUSED)), net.promptParameters(), sgd2, LR);
                }
                if (step == warm) {
                    arraysAfterWarmup = root.getManagedArrays().size();
                    rssWarm = Benchmark.currentRssMb();
                }
                if (step % 500 == 0) {
                    Runtime rt = Runtime.getRuntime();
                    System.out.printf("flat memory: step %d live arrays %d, RSS %.0f MB, Java heap used %d MB of %d MB committed%n",
                            step, root.getManagedArrays().size(), Benchmark.currentRssMb(),
                            (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20);
                }
            }
            long arraysAtEnd = root.getManagedArrays().size();
            double rssEnd = Benchmark.currentRssMb();
            System.out.printf("flat memory: live arrays %d after %d steps, %d after 2000; RSS %.0f MB -> %.0f MB%n",
                    arraysAfterWarmup, warm, arraysAtEnd, rssWarm, rssEnd);
            assertThat(arraysAtEnd).isEqualTo(arraysAfterWarmup);
        }
    }

    private static NDArray loss(ClipModel clip, NDManager s, long[][] tokens, int[] labels, BlockAttention ti, BlockAttention tt) {
        NDArray img = clip.image().encode(s.randomNormal(new Shape(4, 3, 32, 32)), ti);
        NDArray txt = clip.text().encode(s, tokens, tt);
        return Losses.crossEntropy(clip.logits(img, txt), labels);
    }
}
