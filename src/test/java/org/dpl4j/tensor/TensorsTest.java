package org.dpl4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The arithmetic, reductions and in-place helpers of the {@link Tensors} facade. */
class TensorsTest {
    @Test
    void mulAndDivByScalarHaveTheRightValuesAndGradients() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensors.floats(new float[] {1, 2, 3}, 3).set_requires_grad(true);
            Tensor y = Tensors.div(Tensors.mul(x, 6f), 4f);
            assertThat(Tensors.toFloats(y)).containsExactly(1.5f, 3f, 4.5f);
            y.sum().backward();
            assertThat(Tensors.toFloats(x.grad())).containsExactly(1.5f, 1.5f, 1.5f);
        }
    }

    @Test
    void fillOverwritesNanAndInfinityEvenOnALeafThatRequiresGrad() {
        try (Scope s = Scope.open()) {
            Tensor g = Tensors.floats(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 5f}, 3).set_requires_grad(true);
            Tensors.fill(g, 0f);
            assertThat(Tensors.toFloats(g)).containsExactly(0f, 0f, 0f);
            Tensors.fill(g, 2.5f);
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
            Tensors.copyInto(target, source);
            target.add_(source);
            assertThat(Tensors.toFloats(source)).as("writes to the target never reach the source").containsExactly(1f, 2f, 3f);
            assertThat(Tensors.toFloats(target)).containsExactly(2f, 4f, 6f);
        }
    }

    @Test
    void reductionsAndElementWiseFunctionsTakeJavaNumbers() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensors.floats(new float[] {3, -4, 0, 1, 5, 2}, 2, 3);
            assertThat(Tensors.toFloats(Tensors.norm(Tensors.floats(new float[] {3, 4, 0, 0, 0, 0}, 2, 3), -1, false)))
                    .containsExactly(5f, 0f);
            assertThat(Tensors.shape(Tensors.norm(x, 1, true))).containsExactly(2, 1);
            assertThat(Tensors.toLongs(Tensors.argmax(x, 1))).containsExactly(0L, 1L);
            assertThat(Tensors.toLongs(Tensors.argmax(x, 0))).containsExactly(0L, 1L, 1L);
            assertThat(Tensors.toFloats(Tensors.maximum(x, Tensors.zeros(null, 3)))).containsExactly(3f, 0f, 0f, 1f, 5f, 2f);
            assertThat(Tensors.toFloats(Tensors.clamp(x, -1, 2.5))).containsExactly(2.5f, -1f, 0f, 1f, 2.5f, 2f);
            assertThat(Tensors.toFloats(Tensors.add(x, 0.5f))).containsExactly(3.5f, -3.5f, 0.5f, 1.5f, 5.5f, 2.5f);
            Tensor y = x.clone();
            assertThat(Tensors.mulInPlace(y, 2f).data_ptr().address()).as("in place").isEqualTo(y.data_ptr().address());
            assertThat(Tensors.toFloats(y)).containsExactly(6f, -8f, 0f, 2f, 10f, 4f);
        }
    }

    @Test
    void dtypeConversionsKeepValuesAndReturnTheTensorWhenNothingChanges() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensors.floats(new float[] {1.5f, -2f}, 2);
            assertThat(Tensors.fp32(x)).isSameAs(x);
            Tensor bf = Tensors.to(x, Precision.BF16);
            assertThat(Tensors.is(bf, Precision.BF16)).isTrue();
            assertThat(Tensors.is(Tensors.fp32(bf), Precision.FP32)).isTrue();
            assertThat(Tensors.toFloats(Tensors.fp32(bf))).containsExactly(1.5f, -2f);
            assertThat(Tensors.toFloats(Tensors.fp16(x))).containsExactly(1.5f, -2f);
            assertThat(Tensors.doubles(new double[] {0.1}).item().toDouble()).as("fp64 keeps every digit").isEqualTo(0.1);
        }
    }

    @Test
    void matmulCastsTheOperandToTheWeightsDtypeAndNoGradRecordsNoGraph() {
        try (Scope s = Scope.open()) {
            Tensor w = Tensors.to(Tensors.floats(new float[] {1, 0, 0, 1}, 2, 2), Precision.BF16);
            Tensor x = Tensors.floats(new float[] {2, 3}, 1, 2).set_requires_grad(true);
            Tensor y = Tensors.affine(x, w, Tensors.to(Tensors.floats(new float[] {1, 1}, 2), Precision.BF16));
            assertThat(Tensors.is(y, Precision.BF16)).isTrue();
            assertThat(Tensors.toFloats(y)).containsExactly(3f, 4f);
            assertThat(y.requires_grad()).isTrue();
            try (NoGrad g = NoGrad.open()) {
                assertThat(Tensors.mul(x, 2f).requires_grad()).isFalse();
            }
            assertThat(Tensors.mul(x, 2f).requires_grad()).as("the mode is restored on close").isTrue();
        }
    }
}
