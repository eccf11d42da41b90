package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.dpl4j.model.Ops;
import org.dpl4j.run.Checkpoint;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Optimizer;
import org.dpl4j.training.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optimisers against hand-computed torch.optim updates (the schedule: {@link LrScheduleTest}). */
class OptimizerTest {
    @TempDir
    Path tmp;

    /** Two steps of loss = sum(w²)/2 (gradient = w) from w = (1, -2). */
    private static float[] twoSteps(Optimizer opt, NDManager m, float lr) {
        NDArray w = m.create(new float[] {1f, -2f});
        w.setRequiresGradient(true);
        steps(opt, w, m, lr, 2);
        return w.toFloatArray();
    }

    /** {@code n} steps of loss = sum(w²)/2 (gradient = w) on {@code w}, in place. */
    private static void steps(Optimizer opt, NDArray w, NDManager m, float lr, int n) {
        for (int i = 0; i < n; i++) {
            try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = s.zeros(w.getShape()).add(w);
                gc.backward(Ops.div(x.mul(x).sum(), 2f));
            }
            opt.step(Map.of("w", w), lr);
            assertThat(w.getGradient().abs().sum().getFloat()).isZero();
        }
    }

    @Test
    void sgdMomentumWeightDecayMatchesTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            // torch: g1 = w0 + wd w0; buf1 = g1; w1 = w0 - lr buf1; g2 = w1 + wd w1; buf2 = .9 buf1 + g2; w2 = w1 - lr buf2
            float lr = 0.1f, wd = 0.01f, mu = 0.9f;
            double w0 = 1, buf = w0 * (1 + wd), w1 = w0 - lr * buf;
            buf = mu * buf + w1 * (1 + wd);
            double w2 = w1 - lr * buf;
            float[] got = twoSteps(new Sgd(m, mu, wd), m, lr);
            assertThat(got[0]).isCloseTo((float) w2, within(1e-6f));
            assertThat(got[1]).isCloseTo((float) (-2 * w2), within(1e-6f));
        }
    }

    @Test
    void adamMatchesTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            float lr = 0.01f, b1 = 0.5f, b2 = 0.999f, eps = 1e-8f;
            double w = 1, mm = 0, vv = 0;
            for (int t = 1; t <= 2; t++) {
                double g = w;
                mm = b1 * mm + (1 - b1) * g;
                vv = b2 * vv + (1 - b2) * g * g;
                w -= lr / (1 - Math.pow(b1, t)) * mm / (Math.sqrt(vv) / Math.sqrt(1 - Math.pow(b2, t)) + eps);
            }
            float[] got = twoSteps(new Adam(m, b1, b2, eps, 0, false), m, lr);
            assertThat(got[0]).isCloseTo((float) w, within(1e-6f));
        }
    }

    @Test
    void adamStateCanBeTakenEveryEpochWithoutLeaking() {
        try (NDManager m = NDManager.newBaseManager()) {
            Adam a = new Adam(m, 0.5f, 0.999f, 1e-8f, 0, false);
            twoSteps(a, m, 0.01f);
            assertThat(a.state().get("t.w").toFloatArray()).containsExactly(2f);
            int arrays = m.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                a.state();
            }
            assertThat(m.getManagedArrays()).hasSize(arrays);
        }
    }

    @Test
    void sgdStateRoundTripGivesSameTrajectory() throws Exception {
        assertResumedTrajectoryMatches(m -> new Sgd(m, 0.9f, 5e-4f), 0.1f);
    }

    @Test
    void adamStateRoundTripGivesSameTrajectory() throws Exception {
        assertResumedTrajectoryMatches(m -> new Adam(m, 0.9f, 0.999f, 1e-8f, 5e-4f, false), 0.05f);
    }

    /**
     * Two steps, a checkpoint (parameters and optimiser state through the file format resume uses),
     * then four more steps by the original optimiser and four by a new one restored from the file:
     * the weights must be bit-identical, as the same float operations run in the same order.
     */
    private void assertResumedTrajectoryMatches(Function<NDManager, Optimizer> make, float lr) throws Exception {
        Path file = tmp.resolve("checkpoint.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -2f, 0.5f, 3f});
            w.setRequiresGradient(true);
            Optimizer original = make.apply(m);
            steps(original, w, m, lr, 2);
            new Checkpoint(1, Map.of("w", w), Map.of("opt", original.state())).save(file);
            steps(original, w, m, lr, 4);
            float[] uninterrupted = w.toFloatArray();

            Checkpoint ck = Checkpoint.load(file, m);
            Optimizer resumed = make.apply(m);
            resumed.load(ck.optimizers().get("opt"));
            float[] fromCheckpoint = continueFrom(ck, resumed, m, lr);
            assertThat(fromCheckpoint).containsExactly(uninterrupted);
            // the state matters: without it the same four steps end elsewhere, so the check above can fail
            assertThat(continueFrom(ck, make.apply(m), m, lr)).isNotEqualTo(uninterrupted);
        }
    }

    /** Four steps by {@code opt} from the checkpoint's weights, on a fresh parameter. */
    private static float[] continueFrom(Checkpoint ck, Optimizer opt, NDManager m, float lr) {
        NDArray w = m.zeros(new Shape(4));
        w.setRequiresGradient(true);
        ck.restoreInto(Map.of("w", w), "test parameters");
        steps(opt, w, m, lr, 4);
        return w.toFloatArray();
    }
}
