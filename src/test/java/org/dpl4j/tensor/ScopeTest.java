package org.dpl4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** What a scope frees, what it keeps, and that owned tensors outlive every scope. */
class ScopeTest {
    @Test
    void closingAScopeReleasesItsTensorsButNotTheKeptOne() {
        Tensor kept;
        Tensor dropped;
        try (Scope outer = Scope.open()) {
            try (Scope inner = Scope.open()) {
                dropped = Tensors.floats(new float[] {1, 2}, 2);
                kept = inner.keep(Tensors.floats(new float[] {3, 4}, 2));
            }
            assertThat(dropped.isNull()).as("a tensor of the closed scope is released").isTrue();
            assertThat(Tensors.toFloats(kept)).containsExactly(3f, 4f);
        }
        assertThat(kept.isNull()).as("the kept tensor went to the enclosing scope and was released with it").isTrue();
    }

    @Test
    void ownedTensorsSurviveTheScopeTheyWereMadeIn() {
        try (Owned owned = new Owned()) {
            Tensor t;
            try (Scope s = Scope.open()) {
                t = owned.own(Tensors.floats(new float[] {5, 6}, 2).mul(Tensors.floats(new float[] {2}, 1)));
            }
            assertThat(Tensors.toFloats(t)).containsExactly(10f, 12f);
            owned.close();
            assertThat(t.isNull()).isTrue();
        }
    }

    @Test
    void autogradKeepsWhatItNeedsAfterTheHandlesAreReleased() {
        Tensor x = Tensors.floats(new float[] {1, 2, 3}, 3).set_requires_grad(true);
        Tensor loss;
        try (Scope s = Scope.open()) {
            Tensor y;
            try (Scope inner = Scope.open()) {
                y = inner.keep(x.mul(x).mul(Tensors.floats(new float[] {2, 2, 2}, 3)));
            }
            System.gc();
            loss = y.sum();
            loss.backward();
            assertThat(Tensors.toFloats(x.grad())).containsExactly(4f, 8f, 12f);
        }
        x.close();
    }

    @Test
    void aDetachedScopeKeepsItsTensorsThroughLaterScopesUntilReleased() {
        Scope kept = Scope.open();
        Tensor t = Tensors.floats(new float[] {7, 8}, 2);
        kept.detach();
        try (Scope later = Scope.open()) {
            Tensor made = Tensors.floats(new float[] {1}, 1);
            assertThat(made.isNull()).isFalse();
        }
        assertThat(Tensors.toFloats(t)).as("not released by the scopes opened after it").containsExactly(7f, 8f);
        kept.release();
        assertThat(t.isNull()).isTrue();
    }
}
