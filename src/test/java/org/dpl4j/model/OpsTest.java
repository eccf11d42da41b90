package org.dpl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The scalar and copy helpers that stand in for DJL calls which alias Java buffers. */
class OpsTest {
    @Test
    void mulAndDivByScalarHaveTheRightValuesAndGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Ops.div(Ops.mul(x, 6f), 4f);
                assertThat(y.toFloatArray()).containsExactly(1.5f, 3f, 4.5f);
                gc.backward(y.sum());
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(1.5f, 1.5f, 1.5f);
        }
    }

    @Test
    void fillOverwritesNanAndInfinity() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray g = m.create(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 5f}).duplicate();
            Ops.fill(g, 0f);
            assertThat(g.toFloatArray()).containsExactly(0f, 0f, 0f);
            Ops.fill(g, 2.5f);
            assertThat(g.toFloatArray()).containsExactly(2.5f, 2.5f, 2.5f);
        }
    }

    @Test
    void copyIntoCopiesAndSharesNoStorageWithTheSource() {
        try (NDManager m = NDManager.newBaseManager()) {
            ByteBuffer mine = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
            mine.asFloatBuffer().put(new float[] {1, 2, 3});
            ByteBuffer view = mine.duplicate().order(ByteOrder.nativeOrder()); // DJL may move mine's position
            NDArray source = m.create(mine, new Shape(3), DataType.FLOAT32); // DJL wraps this buffer without copying
            NDArray target = m.zeros(new Shape(3));
            Ops.copyInto(target, source);
            view.putFloat(0, 42f);
            assertThat(source.toFloatArray()[0]).as("the source aliases the Java buffer").isEqualTo(42f);
            assertThat(target.toFloatArray()).containsExactly(1f, 2f, 3f);
            target.addi(source);
            assertThat(view.getFloat(4)).as("writes to the target never reach the source").isEqualTo(2f);
        }
    }
}
