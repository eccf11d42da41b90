package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
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
        assertSkippedThenRecovers((w, sgd) -> StepRunner.step(() -> w.sqrt().sum(), Map.of("w", w), sgd, LR));
    }

    @Test
    void nonFiniteGradientInAChunkedStepSkipsTheUpdateAndIsCounted() {
        // two chunks of one "sample" each, each half of the loss: only the first one's gradient is infinite
        assertSkippedThenRecovers((w, sgd) -> StepRunner.chunkedStep(CapturedGradients.oneFeature(w.mul(Tensors.ones(null, 3)), 3),
                (shared, from, to) -> Tensors.mul(from == 0 ? shared.sqrt().sum() : shared.sum(), 0.5f),
                2, 1, Map.of("w", w), sgd, LR));
    }

    /** One step on w = (0, 1, 4) by {@code step}, then a good step, with an SGD that has momentum. */
    private static void assertSkippedThenRecovers(BadStep step) {
        try (Scope s = Scope.open(); Sgd sgd = new Sgd(0.9f, 0f)) {
            Tensor w = Tensors.floats(new float[] {0f, 1f, 4f}, 3).set_requires_grad(true);
            int[] before = bits(w);
            long skipped = StepRunner.skippedUpdates();

            float loss = (float) step.run(w, sgd);

            assertThat(loss).as("the loss itself is finite").isFinite();
            assertThat(StepRunner.skippedUpdates()).as("skipped updates").isEqualTo(skipped + 1);
            assertThat(bits(w)).as("parameter bits").containsExactly(before);
            assertThat(sgd.state()).as("momentum taken from the bad gradient").isEmpty();
            // gradients are taken, never accumulated on the parameter: nothing can be left behind
            assertThat(w.grad().defined()).as("gradient left behind").isFalse();

            // a good step (loss sum(w²)/2, gradient w) now updates from its own gradient only: w - lr·w
            StepRunner.step(() -> Tensors.mul(w.mul(w).sum(), 0.5f), Map.of("w", w), sgd, LR);
            assertThat(StepRunner.skippedUpdates()).isEqualTo(skipped + 1);
            assertThat(Tensors.toFloats(w)).containsExactly(0f, 1f - LR * 1f, 4f - LR * 4f);
        }
    }

    private static int[] bits(Tensor a) {
        float[] v = Tensors.toFloats(a);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    @FunctionalInterface
    private interface BadStep {
        double run(Tensor w, Sgd sgd);
    }
}
