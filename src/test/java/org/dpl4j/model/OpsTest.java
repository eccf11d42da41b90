package org.dpl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** The scalar and in-place helpers of {@link Ops}. */
class OpsTest {
    @Test
    void mulAndDivByScalarHaveTheRightValuesAndGradients() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensors.floats(new float[] {1, 2, 3}, 3).set_requires_grad(true);
            Tensor y = Ops.div(Ops.mul(x, 6f), 4f);
            assertThat(Tensors.toFloats(y)).containsExactly(1.5f, 3f, 4.5f);
            y.sum().backward();
            assertThat(Tensors.toFloats(x.grad())).containsExactly(1.5f, 1.5f, 1.5f);
        }
    }

    @Test
    void fillOverwritesNanAndInfinityEvenOnALeafThatRequiresGrad() {
        try (Scope s = Scope.open()) {
            Tensor g = Tensors.floats(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 5f}, 3).set_requires_grad(true);
            Ops.fill(g, 0f);
            assertThat(Tensors.toFloats(g)).containsExactly(0f, 0f, 0f);
            Ops.fill(g, 2.5f);
            assertThat(Tensors.toFloats(g)).containsExactly(2.5f, 2.5f, 2.5f);
        }
    }

    @Test
    void tensorsFromJavaArraysAreCopies() {
        try (Scope s = Scope.open()) {
            float[] data = {1, 2, 3};
            Tensor source = Tensors.floats(data, 3);
            data[0] = 42f;
            assertThat(Tensors.toFloats(source)).containsExactly(1f, 2f, 3f);
            Tensor target = Tensors.zeros(null, 3);
            Ops.copyInto(target, source);
            target.add_(source);
            assertThat(Tensors.toFloats(source)).as("writes to the target never reach the source").containsExactly(1f, 2f, 3f);
            assertThat(Tensors.toFloats(target)).containsExactly(2f, 4f, 6f);
        }
    }
}
