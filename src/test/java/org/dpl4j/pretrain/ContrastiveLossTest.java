package org.dpl4j.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** The symmetric contrastive loss against hand-computed values and a plain-Java reference. */
class ContrastiveLossTest {

    private static float loss(float[][] img, float[][] txt, float logitScale, int... labels) {
        return Tensors.item(ContrastiveLoss.loss(matrix(img), matrix(txt), Tensors.floats(new float[] {logitScale}), labels));
    }

    private static Tensor matrix(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return Tensors.floats(flat, rows.length, rows[0].length);
    }

    @Test
    void twoByTwoIdentityAndSharedClass() {
        try (Scope s = Scope.open()) {
            float[][] eye = {{1, 0}, {0, 1}};
            // logits = I (scale 1): each row CE = log(e + 1) - 1 = log(1 + 1/e)
            assertThat(loss(eye, eye, 0f, 0, 1)).isCloseTo((float) Math.log(1 + Math.exp(-1)), within(1e-6f));
            // same class: targets (1/2, 1/2): CE = log(e + 1) - (1 + 0)/2
            assertThat(loss(eye, eye, 0f, 7, 7)).isCloseTo((float) (Math.log(Math.E + 1) - 0.5), within(1e-6f));
        }
    }

    @Test
    void threeByThreeWithScaleAndFeatureNorms() {
        try (Scope s = Scope.open()) {
            // unnormalised features: only directions count; logit_scale ln 2 gives logits 2·I
            float[][] img = {{3, 0, 0}, {0, 0.5f, 0}, {0, 0, 2}};
            float[][] txt = {{1, 0, 0}, {0, 4, 0}, {0, 0, 1}};
            double lse = Math.log(Math.exp(2) + 2);
            assertThat(loss(img, txt, (float) Math.log(2), 0, 1, 2)).isCloseTo((float) (lse - 2), within(1e-5f));
            // items 0 and 1 share a class: rows 0, 1 give lse - 1, row 2 gives lse - 2 (both directions alike)
            assertThat(loss(img, txt, (float) Math.log(2), 5, 5, 9)).isCloseTo((float) (lse - 4.0 / 3), within(1e-5f));
        }
    }

    @Test
    void temperatureIsCappedAtOneHundred() {
        try (Scope s = Scope.open()) {
            Tensor f = Tensors.floats(new float[] {1, 0, 0.6f, 0.8f}, 2, 2);
            float[] capped = Tensors.toFloats(ContrastiveLoss.logits(f, f, Tensors.floats(new float[] {10f})));
            assertThat(capped[1]).isCloseTo(60f, within(1e-3f));
            assertThat(capped[0]).isCloseTo(100f, within(1e-3f));
        }
    }

    @Test
    void matchesPlainJavaReferenceInBothDirections() {
        Random r = new Random(3);
        int b = 6;
        int e = 4;
        float[][] img = new float[b][e];
        float[][] txt = new float[b][e];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < e; k++) {
                img[i][k] = (float) r.nextGaussian();
                txt[i][k] = (float) r.nextGaussian();
            }
        }
        int[] labels = {0, 1, 0, 2, 1, 0};
        float scale = 1.7f;
        double[][] logits = new double[b][b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                logits[i][j] = Math.exp(scale) * dot(img[i], txt[j]) / Math.sqrt(dot(img[i], img[i]) * dot(txt[j], txt[j]));
            }
        }
        double total = 0;
        for (int i = 0; i < b; i++) {
            int same = 0;
            for (int l : labels) {
                same += l == labels[i] ? 1 : 0;
            }
            double rowLse = 0;
            double colLse = 0;
            for (int j = 0; j < b; j++) {
                rowLse += Math.exp(logits[i][j]);
                colLse += Math.exp(logits[j][i]);
            }
            rowLse = Math.log(rowLse);
            colLse = Math.log(colLse);
            for (int j = 0; j < b; j++) {
                if (labels[j] == labels[i]) {
                    total += (rowLse - logits[i][j]) / same; // image i against captions
                    total += (colLse - logits[j][i]) / same; // caption i against images
                }
            }
        }
        double expected = total / (2 * b);
        try (Scope s = Scope.open()) {
            assertThat(loss(img, txt, scale, labels)).isCloseTo((float) expected, within(1e-5f));
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void targetsAreIdentityForDistinctClassesAndRowsSumToOne() {
        assertThat(ContrastiveLoss.targets(new int[] {4, 2, 9})).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 1);
        float[] t = ContrastiveLoss.targets(new int[] {1, 3, 1, 1});
        assertThat(t).containsExactly(
                1 / 3f, 0, 1 / 3f, 1 / 3f,
                0, 1, 0, 0,
                1 / 3f, 0, 1 / 3f, 1 / 3f,
                1 / 3f, 0, 1 / 3f, 1 / 3f);
    }
}
