package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.OrderSensitiveImages;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation loop feeds the classifier the test transform in the decoding order it is given. */
class EvaluatorTest {
    private static final int RES = 8;

    @TempDir
    Path dir;

    @Test
    void classifierSeesImagesDecodedInTheGivenOrder() throws IOException {
        List<Sample> samples = List.of(
                OrderSensitiveImages.sample(OrderSensitiveImages.palette(), dir.resolve("palette.png")),
                OrderSensitiveImages.sample(OrderSensitiveImages.rgba(), dir.resolve("rgba.png")));
        for (DecodeOrder order : DecodeOrder.values()) {
            List<float[]> seen = new ArrayList<>();
            ImageClassifier recorder = batch -> {
                seen.add(batch.pixels());
                return Tensors.zeros(null, batch.size(), 1);
            };
            ClassTally tally = Evaluator.tally(recorder, List.of("x"), samples, RES, order, 2, BadSamplePolicy.FAIL,
                    Progress.NONE);
            assertThat(tally.totals()).containsExactly(2);
            float[] expected = concat(SampleTransforms.test(RES, order).apply(samples.get(0), null),
                    SampleTransforms.test(RES, order).apply(samples.get(1), null));
            assertThat(seen).as(order.name()).hasSize(1);
            assertThat(seen.get(0)).as(order.name()).containsExactly(expected);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
