package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.dpl4j.model.Ops;
import org.dpl4j.training.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * A finite loss whose gradient is not (sqrt is finite at 0, its derivative is not): the update is
 * skipped, counted exactly once, and leaves the parameters, the optimiser and the gradients untouched.
 */
class StepRunnerTest {
    private static final float LR = 0.1f;

    @Test
    void nonFiniteGradientSkipsTheUpdateAndIsCounted() {
        assertSkippedThenRecovers((m, w, sgd) ->
                StepRunner.step(m, s -> s.zeros(w.getShape()).add(w).sqrt().sum(), Map.of("w", w), sgd, LR));
    }

    @Test
    void nonFiniteGradientInAChunkedStepSkipsTheUpdateAndIsCounted() {
        // two chunks of one "sample" each, each half of the loss: only the first one's gradient is infinite
        assertSkippedThenRecovers((m, w, sgd) -> StepRunner.chunkedStep(m, s -> s.zeros(w.getShape()).add(w),
                (s, shared, from, to) -> Ops.mul(from == 0 ? shared.sqrt().sum() : shared.sum(), 0.5f),
                2, 1, Map.of("w", w), sgd, LR));
    }

    /** One step on w = (0, 1, 4) by {@code step}, then a good step, with an SGD that has momentum. */
    private static void assertSkippedThenRecovers(BadStep step) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {0f, 1f, 4f});
            w.setRequiresGradient(true);
            Sgd sgd = new Sgd(m, 0.9f, 0f);
            int[] before = bits(w);
            long skipped = StepRunner.skippedUpdates();

            float loss = (float) step.run(m, w, sgd);

            assertThat(loss).as("the loss itself is finite").isFinite();
            assertThat(StepRunner.skippedUpdates()).as("skipped updates").isEqualTo(skipped + 1);
            assertThat(bits(w)).as("parameter bits").containsExactly(before);
            assertThat(sgd.state()).as("momentum taken from the bad gradient").isEmpty();
            try (NDArray g = w.getGradient()) {
                assertThat(g.toFloatArray()).as("gradient left behind").containsOnly(0f);
            }

            // a good step (loss sum(w²)/2, gradient w) now updates from its own gradient only: w - lr·w
            StepRunner.step(m, s -> {
                NDArray x = s.zeros(w.getShape()).add(w);
                return Ops.mul(x.mul(x).sum(), 0.5f);
            }, Map.of("w", w), sgd, LR);
            assertThat(StepRunner.skippedUpdates()).isEqualTo(skipped + 1);
            assertThat(w.toFloatArray()).containsExactly(0f, 1f - LR * 1f, 4f - LR * 4f);
        }
    }

    private static int[] bits(NDArray a) {
        float[] v = a.toFloatArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    @FunctionalInterface
    private interface BadStep {
        double run(NDManager m, NDArray w, Sgd sgd);
    }
}
