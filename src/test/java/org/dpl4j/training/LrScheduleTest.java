package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LrSchedule} against Dassl's {@code ConstantWarmupScheduler} (WARMUP_RECOUNT=True) around
 * PyTorch's {@code CosineAnnealingLR}, simulated here step by step as Dassl's trainer drives it.
 */
class LrScheduleTest {
    static final double BASE = 0.0035;
    static final double WARMUP_LR = 1e-5;

    /** {@code CosineAnnealingLR}'s closed form with {@code eta_min = 0} at its own epoch counter. */
    static double cosine(double base, int lastEpoch, int tMax) {
        return base * (1 + Math.cos(Math.PI * lastEpoch / tMax)) / 2;
    }

    /**
     * The rate each epoch runs at. Construction: the cosine's constructor steps it to its epoch 0;
     * the wrapper's constructor steps the wrapper from -1 to 0. After every epoch
     * ({@code after_epoch → update_lr}) the wrapper steps: past warm-up it steps the cosine and takes
     * its rate, else it steps itself, taking the constant rate while its counter is below the
     * warm-up and the cosine's current rate once it reaches it.
     */
    static double[] dassl(double base, int maxEpoch, int warmup, double consLr) {
        int cosineEpoch = 0;
        int wrapperEpoch = 0;
        double lr = wrapperEpoch >= warmup ? cosine(base, cosineEpoch, maxEpoch) : consLr;
        double[] out = new double[maxEpoch];
        for (int e = 0; e < maxEpoch; e++) {
            out[e] = lr;
            if (wrapperEpoch >= warmup) {
                cosineEpoch++;
                lr = cosine(base, cosineEpoch, maxEpoch);
            } else {
                wrapperEpoch++;
                lr = wrapperEpoch >= warmup ? cosine(base, cosineEpoch, maxEpoch) : consLr;
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 60, 80})
    void everyEpochMatchesDasslsScheduler(int epochs) {
        LrSchedule s = new LrSchedule((float) BASE, epochs, 1, (float) WARMUP_LR);
        double[] expected = dassl((float) BASE, epochs, 1, (float) WARMUP_LR);
        for (int e = 0; e < epochs; e++) {
            assertThat((double) s.lr(e)).as("epoch %d of %d", e, epochs).isCloseTo(expected[e], within(1e-9));
        }
    }

    @Test
    void firstEpochsAndLastByHand() {
        LrSchedule s = new LrSchedule(0.0035f, 40, 1, 1e-5f);
        assertThat(s.lr(0)).as("warm-up").isEqualTo(1e-5f);
        assertThat(s.lr(1)).as("the recount: the first epoch after warm-up runs at the base rate").isEqualTo(0.0035f);
        // 0.0035·(1 + cos(π/40))/2, cos(π/40) = 0.99691733
        assertThat(s.lr(2)).isCloseTo(0.0034946053f, within(1e-9f));
        // 0.0035·(1 + cos(2π/40))/2, cos(π/20) = 0.98768834
        assertThat(s.lr(3)).isCloseTo(0.0034784546f, within(1e-9f));
        // halfway through the cosine: cos(π/2) = 0
        assertThat(s.lr(21)).isCloseTo(0.00175f, within(1e-9f));
        // the last epoch: 0.0035·(1 − cos(π/20))/2
        assertThat(s.lr(39)).isCloseTo(2.1545404e-5f, within(1e-11f));
    }

    @Test
    void warmupOfSeveralEpochsHoldsTheConstantRateThenStartsTheCosineAtBase() {
        LrSchedule s = new LrSchedule(0.002f, 10, 3, 1e-5f);
        double[] expected = dassl(0.002f, 10, 3, 1e-5f);
        for (int e = 0; e < 10; e++) {
            assertThat((double) s.lr(e)).as("epoch %d", e).isCloseTo(expected[e], within(1e-9));
        }
        assertThat(s.lr(2)).isEqualTo(1e-5f);
        assertThat(s.lr(3)).isEqualTo(0.002f);
    }
}
