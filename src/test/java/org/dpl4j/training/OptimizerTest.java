package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.run.Checkpoint;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
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
    private static float[] twoSteps(Optimizer opt, float lr) {
        Tensor w = Tensors.floats(new float[] {1f, -2f}, 2).set_requires_grad(true);
        steps(opt, w, lr, 2);
        return Tensors.toFloats(w);
    }

    /** {@code n} steps of loss = sum(w²)/2 (gradient = w) on {@code w}, in place. */
    private static void steps(Optimizer opt, Tensor w, float lr, int n) {
        for (int i = 0; i < n; i++) {
            try (Scope s = Scope.open()) {
                List<Tensor> g = Grads.of(Tensors.div(w.mul(w).sum(), 2f), List.of(w));
                opt.step(Map.of("w", w), Map.of("w", g.get(0)), lr);
            }
            // gradients are handed over, never accumulated on the parameter
            assertThat(w.grad().defined()).isFalse();
        }
    }

    @Test
    void sgdMomentumWeightDecayMatchesTorch() {
        // torch: g1 = w0 + wd w0; buf1 = g1; w1 = w0 - lr buf1; g2 = w1 + wd w1; buf2 = .9 buf1 + g2; w2 = w1 - lr buf2
        float lr = 0.1f, wd = 0.01f, mu = 0.9f;
        double w0 = 1, buf = w0 * (1 + wd), w1 = w0 - lr * buf;
        buf = mu * buf + w1 * (1 + wd);
        double w2 = w1 - lr * buf;
        try (Scope s = Scope.open(); Sgd sgd = new Sgd(mu, wd)) {
            float[] got = twoSteps(sgd, lr);
            assertThat(got[0]).isCloseTo((float) w2, within(1e-6f));
            assertThat(got[1]).isCloseTo((float) (-2 * w2), within(1e-6f));
        }
    }

    @Test
    void adamMatchesTorch() {
        float lr = 0.01f, b1 = 0.5f, b2 = 0.999f, eps = 1e-8f;
        double w = 1, mm = 0, vv = 0;
        for (int t = 1; t <= 2; t++) {
            double g = w;
            mm = b1 * mm + (1 - b1) * g;
            vv = b2 * vv + (1 - b2) * g * g;
            w -= lr / (1 - Math.pow(b1, t)) * mm / (Math.sqrt(vv) / Math.sqrt(1 - Math.pow(b2, t)) + eps);
        }
        try (Scope s = Scope.open(); Adam adam = new Adam(b1, b2, eps, 0, false)) {
            float[] got = twoSteps(adam, lr);
            assertThat(got[0]).isCloseTo((float) w, within(1e-6f));
        }
    }

    /**
     * Taking the state every epoch leaks nothing: it is copies in the caller's scope, all released
     * when that scope closes, while the optimiser's own moments live on unchanged.
     */
    @Test
    void adamStateCanBeTakenEveryEpochWithoutLeaking() {
        try (Scope outer = Scope.open(); Adam a = new Adam(0.5f, 0.999f, 1e-8f, 0, false)) {
            twoSteps(a, 0.01f);
            float[] m;
            List<Tensor> taken = new ArrayList<>();
            try (Scope s = Scope.open()) {
                Map<String, Tensor> st = a.state();
                assertThat(Tensors.toFloats(st.get("t.w"))).containsExactly(2f);
                m = Tensors.toFloats(st.get("m.w"));
                Tensors.fill(st.get("m.w"), 123f); // a copy: the optimiser's moment is untouched
                taken.addAll(st.values());
                for (int i = 0; i < 5; i++) {
                    taken.addAll(a.state().values());
                }
            }
            assertThat(taken).hasSize(6 * 3).allSatisfy(t -> assertThat(t.isNull()).as("released with its scope").isTrue());
            try (Scope s = Scope.open()) {
                assertThat(Tensors.toFloats(a.state().get("m.w"))).containsExactly(m);
            }
        }
    }

    @Test
    void sgdStateRoundTripGivesSameTrajectory() throws Exception {
        assertResumedTrajectoryMatches(() -> new Sgd(0.9f, 5e-4f), 0.1f);
    }

    @Test
    void adamStateRoundTripGivesSameTrajectory() throws Exception {
        assertResumedTrajectoryMatches(() -> new Adam(0.9f, 0.999f, 1e-8f, 5e-4f, false), 0.05f);
    }

    /**
     * Two steps, a checkpoint (parameters and optimiser state through the file format resume uses),
     * then four more steps by the original optimiser and four by a new one restored from the file:
     * the weights must be bit-identical, as the same float operations run in the same order.
     */
    private <O extends Optimizer & AutoCloseable> void assertResumedTrajectoryMatches(Supplier<O> make, float lr)
            throws Exception {
        Path file = tmp.resolve("checkpoint.safetensors");
        try (Scope s = Scope.open(); O original = make.get(); O resumed = make.get(); O fresh = make.get()) {
            Tensor w = Tensors.floats(new float[] {1f, -2f, 0.5f, 3f}, 4).set_requires_grad(true);
            steps(original, w, lr, 2);
            new Checkpoint(1, Map.of("w", w), Map.of("opt", original.state())).save(file);
            steps(original, w, lr, 4);
            float[] uninterrupted = Tensors.toFloats(w);

            Checkpoint ck = Checkpoint.load(file);
            resumed.load(ck.optimizers().get("opt"));
            float[] fromCheckpoint = continueFrom(ck, resumed, lr);
            assertThat(fromCheckpoint).containsExactly(uninterrupted);
            // the state matters: without it the same four steps end elsewhere, so the check above can fail
            assertThat(continueFrom(ck, fresh, lr)).isNotEqualTo(uninterrupted);
        }
    }

    /** Four steps by {@code opt} from the checkpoint's weights, on a fresh parameter. */
    private static float[] continueFrom(Checkpoint ck, Optimizer opt, float lr) {
        Tensor w = Tensors.zeros(null, 4).set_requires_grad(true);
        ck.restoreInto(Map.of("w", w), "test parameters");
        steps(opt, w, lr, 4);
        return Tensors.toFloats(w);
    }
}
