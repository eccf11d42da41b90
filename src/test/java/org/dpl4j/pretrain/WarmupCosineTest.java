package org.dpl4j.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** open_clip's cosine_lr: linear warm-up, then half a cosine to 0. */
class WarmupCosineTest {

    @Test
    void warmsUpLinearlyThenDecaysToZero() {
        WarmupCosine s = new WarmupCosine(1e-3f, 10, 110);
        assertThat(s.lr(0)).isCloseTo(1e-4f, within(1e-9f));
        assertThat(s.lr(4)).isCloseTo(5e-4f, within(1e-9f));
        assertThat(s.lr(9)).isCloseTo(1e-3f, within(1e-9f));
        assertThat(s.lr(10)).isCloseTo(1e-3f, within(1e-9f));
        assertThat(s.lr(60)).isCloseTo(5e-4f, within(1e-9f));
        assertThat(s.lr(109)).isCloseTo((float) (0.5e-3 * (1 + Math.cos(Math.PI * 99 / 100))), within(1e-10f));
        assertThat(s.lr(110)).isZero();
        for (long t = 11; t < 110; t++) {
            assertThat(s.lr(t)).isLessThan(s.lr(t - 1));
        }
    }

    @Test
    void noWarmupStartsAtBase() {
        assertThat(new WarmupCosine(2f, 0, 4).lr(0)).isEqualTo(2f);
        assertThatThrownBy(() -> new WarmupCosine(0f, 0, 4)).hasMessageContaining("bad schedule");
    }
}
