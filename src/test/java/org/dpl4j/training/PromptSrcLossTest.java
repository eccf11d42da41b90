package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.prompts.PromptSrcPublished;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.junit.jupiter.api.Test;

/**
 * PromptSRC's self-regulating loss against golden/promptsrc.safetensors: from the official forward's
 * features and logits, every term (weights included) and the total match the official
 * {@code forward_backward} within 1e-5 absolute. Its gradients with respect to the prompted inputs
 * match the closed forms computed here in doubles (sign(t̂ − f̂)·25/(C·E), sign(î − ẑ)·10/(B·E),
 * (p − y)/B + (p − q)/(B·C)) within 1e-5 relative, reach nothing on the frozen side, and, through
 * {@code logits = s·î t̂ᵀ}, agree with central finite differences of the whole loss in float64.
 */
class PromptSrcLossTest {
    static final String FILE = "promptsrc.safetensors";
    static final float TOL = 1e-5f;
    static final PromptSrcLoss LOSS = SelfRegulation.of(PromptSrcPublished.of(PromptSrcPublished.Protocol.FEW_SHOT, null)).loss();

    @Test
    void everyTermAndTheTotalMatchTheOfficialForwardBackward() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            PromptSrcLoss.Terms t = LOSS.compute(g.get("text_features_norm"), g.get("image_features_norm"), g.get("logits"),
                    targets(g), g.get("fixed_embeddings_norm"), labels(g));
            check("loss_ce", t.ce(), g);
            check("loss_scl_text", t.text(), g);
            check("loss_scl_image", t.image(), g);
            check("loss_scl_logits", t.logits(), g);
            check("loss", t.total(), g);
            PromptSrcLoss.Values v = t.values();
            assertThat(v.total()).isEqualTo(Tensors.item(t.total()));
        }
    }

    @Test
    void gradientsOfThePromptedInputsAreTheClosedFormsAndNoneReachTheFrozenSide() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            Tensor text = g.get("text_features_norm").clone().requires_grad_(true);
            Tensor image = g.get("image_features_norm").clone().requires_grad_(true);
            Tensor logits = g.get("logits").clone().requires_grad_(true);
            Tensor fixed = g.get("fixed_embeddings_norm").clone().requires_grad_(true);
            Tensor zsImage = g.get("zs_image_features_norm").clone().requires_grad_(true);
            Tensor zsLogits = g.get("zero_shot_logits").clone().requires_grad_(true);
            int[] labels = labels(g);
            Tensor total = LOSS.compute(text, image, logits, new FrozenBranch.Targets(zsImage, zsLogits), fixed, labels).total();
            List<Tensor> grads = Grads.of(total, List.of(text, image, logits, fixed, zsImage, zsLogits));

            gradCheck("d loss / d text_features_norm", grads.get(0), l1Grad(text, fixed, 25));
            gradCheck("d loss / d image_features_norm", grads.get(1), l1Grad(image, zsImage, 10));
            gradCheck("d loss / d logits", grads.get(2), logitsGrad(logits, zsLogits, labels));
            for (int i = 3; i < 6; i++) {
                assertThat(Tensors.item(grads.get(i).abs().max())).as("gradient reaching frozen input %d", i).isEqualTo(0f);
            }
        }
    }

    @Test
    void gradientThroughTheLogitsAgreesWithFiniteDifferencesInDoubles() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            double scale = 4.0;
            Tensor text = f64(g.get("text_features_norm")).requires_grad_(true);
            Tensor image = f64(g.get("image_features_norm")).requires_grad_(true);
            FrozenBranch.Targets frozen = new FrozenBranch.Targets(f64(g.get("zs_image_features_norm")), f64(g.get("zero_shot_logits")));
            Tensor fixed = f64(g.get("fixed_embeddings_norm"));
            int[] labels = labels(g);
            List<Tensor> grads = Grads.of(total(text, image, scale, frozen, fixed, labels), List.of(text, image));
            Random r = new Random(7);
            for (int trial = 0; trial < 4; trial++) {
                Tensor dt = randomLike(text, r);
                Tensor di = randomLike(image, r);
                double h = 1e-6;
                double plus = Tensors.toDoubles(total(text.detach().add(dt.mul(new Scalar(h))), image.detach().add(di.mul(new Scalar(h))),
                        scale, frozen, fixed, labels))[0];
                double minus = Tensors.toDoubles(total(text.detach().sub(dt.mul(new Scalar(h))), image.detach().sub(di.mul(new Scalar(h))),
                        scale, frozen, fixed, labels))[0];
                double numeric = (plus - minus) / (2 * h);
                double analytic = Tensors.toDoubles(grads.get(0).mul(dt).sum().add(grads.get(1).mul(di).sum()))[0];
                double rel = Math.abs(numeric - analytic) / Math.abs(analytic);
                System.out.printf("  promptsrc loss directional derivative %d: autograd %.10f, finite diff %.10f, rel %.1e%n",
                        trial, analytic, numeric, rel);
                assertThat(rel).isLessThanOrEqualTo(1e-6);
            }
        }
    }

    @Test
    void mismatchedShapesAreNamed() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> g = Golden.tensors(FILE);
            assertThatThrownBy(() -> LOSS.compute(g.get("text_features_norm"), g.get("image_features_norm"), g.get("logits"),
                    targets(g), g.get("image_features_norm"), labels(g)))
                    .hasMessageContaining("prompted vs frozen text features differ in shape");
        }
    }

    private static Tensor total(Tensor text, Tensor image, double scale, FrozenBranch.Targets frozen, Tensor fixed, int[] labels) {
        Tensor logits = image.matmul(text.t()).mul(new Scalar(scale));
        return LOSS.compute(text, image, logits, frozen, fixed, labels).total();
    }

    private static FrozenBranch.Targets targets(Map<String, Tensor> g) {
        return new FrozenBranch.Targets(g.get("zs_image_features_norm"), g.get("zero_shot_logits"));
    }

    static int[] labels(Map<String, Tensor> g) {
        long[] l = Tensors.toLongs(g.get("labels"));
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = (int) l[i];
        }
        return out;
    }

    private static Tensor f64(Tensor t) {
        return t.to(ScalarType.Double).clone();
    }

    private static Tensor randomLike(Tensor like, Random r) {
        double[] d = new double[(int) like.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextGaussian();
        }
        return Tensors.doubles(d, Tensors.shape(like));
    }

    /** weight · sign(x − target) / numel, in doubles. */
    private static double[] l1Grad(Tensor x, Tensor target, double weight) {
        float[] a = Tensors.toFloats(x);
        float[] b = Tensors.toFloats(target);
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = weight * Math.signum((double) a[i] - b[i]) / a.length;
        }
        return out;
    }

    /** (softmax(l) − onehot)/B + (softmax(l) − softmax(zl))/(B·C), in doubles. */
    private static double[] logitsGrad(Tensor logits, Tensor zsLogits, int[] labels) {
        int b = (int) logits.size(0);
        int c = (int) logits.size(1);
        double[] p = softmaxRows(Tensors.toFloats(logits), b, c);
        double[] q = softmaxRows(Tensors.toFloats(zsLogits), b, c);
        double[] out = new double[b * c];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                double y = labels[i] == j ? 1 : 0;
                out[i * c + j] = (p[i * c + j] - y) / b + (p[i * c + j] - q[i * c + j]) / (b * c);
            }
        }
        return out;
    }

    private static double[] softmaxRows(float[] x, int rows, int cols) {
        double[] out = new double[x.length];
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[i * cols + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = Math.exp(x[i * cols + j] - max);
                sum += out[i * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] /= sum;
            }
        }
        return out;
    }

    private static void gradCheck(String name, Tensor actual, double[] expected) {
        float[] a = Tensors.toFloats(actual);
        assertThat(a).hasSize(expected.length);
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - expected[i]));
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
        }
        double rel = maxDiff / maxAbs;
        System.out.printf("  promptsrc %-32s rel %.2e%n", name, rel);
        assertThat(rel).as(name).isLessThanOrEqualTo(1e-5);
    }

    private static void check(String name, Tensor actual, Map<String, Tensor> g) {
        float err = Math.abs(Tensors.item(actual) - Tensors.item(g.get(name)));
        System.out.printf("  promptsrc %-16s %.7f vs official %.7f, |diff| %.2e%n", name, Tensors.item(actual),
                Tensors.item(g.get(name)), err);
        assertThat(err).as(name).isLessThanOrEqualTo(TOL);
    }
}
