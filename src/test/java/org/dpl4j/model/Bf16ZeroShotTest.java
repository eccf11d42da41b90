package org.dpl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bf16 mode against fp32 on the golden tiny CLIP and the bundled small CLIP: the frozen weights
 * are bf16, so features drift by bf16's 8-bit mantissa; LayerNorm, softmax and logits stay fp32.
 * Tolerances: feature cosine ≥ 0.999 and logits within 0.3 (the logit scale is 100).
 * Measured on 2026-12-03: tiny cosine 0.99977, logits 0.148; small cosine 0.99998, logits 0.030.
 */
class Bf16ZeroShotTest {
    static final double MIN_COSINE = 0.999;
    static final float MAX_LOGIT_ERROR = 0.3f;

    @ParameterizedTest
    @ValueSource(strings = {"golden/tiny-clip", "small"})
    void bf16FeaturesAndLogitsStayCloseToFp32(String which) throws Exception {
        Path model = which.equals("small") ? Path.of("models/dpl4j-small") : Shared.require(which);
        try (Scope s = Scope.open();
                ClipModel fp32 = ClipLoader.load(model, null, Placement.CPU_FP32);
                ClipModel bf16 = ClipLoader.load(model, null, new Placement(DeviceSpec.CPU, Precision.BF16))) {
            assertThat(Tensors.dtype(bf16.weights().get("visual.proj"))).isEqualTo(ScalarType.BFloat16);
            assertThat(Tensors.dtype(bf16.weights().get("visual.ln_post.weight"))).isEqualTo(ScalarType.Float);
            Map<String, Tensor> g = Golden.tensors("zeroshot.safetensors");
            int res = fp32.config().imageResolution();
            org.bytedeco.pytorch.global.torch.manual_seed(7);
            Tensor images = which.equals("small")
                    ? org.bytedeco.pytorch.global.torch.randn(4, 3, res, res)
                    : g.get("images");
            long[][] tokens = Golden.tokens(g.get("tokens"));
            double worstCos = 1;
            float worstLogit = 0;
            Tensor i32 = fp32.image().encode(images, BlockAttention.PLAIN);
            Tensor i16 = bf16.image().encode(images, BlockAttention.PLAIN);
            Tensor t32 = fp32.text().encode(tokens, BlockAttention.PLAIN);
            Tensor t16 = bf16.text().encode(tokens, BlockAttention.PLAIN);
            worstCos = Math.min(minCosine(i32, i16), minCosine(t32, t16));
            worstLogit = Golden.maxAbsDiff(bf16.logits(i16, t16), fp32.logits(i32, t32));
            System.out.printf("bf16 vs fp32 %-18s worst feature cosine %.5f, logits max error %.3f%n", which, worstCos, worstLogit);
            assertThat(worstCos).isGreaterThanOrEqualTo(MIN_COSINE);
            assertThat(worstLogit).isLessThanOrEqualTo(MAX_LOGIT_ERROR);
        }
    }

    static double minCosine(Tensor a, Tensor b) {
        Tensor c = ClipModel.normalize(Tensors.fp32(a)).mul(ClipModel.normalize(Tensors.fp32(b))).sum(new long[] {-1}, false,
                new org.bytedeco.pytorch.ScalarTypeOptional());
        return Tensors.item(c.min());
    }
}
