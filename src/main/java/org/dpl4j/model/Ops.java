package org.dpl4j.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Tensors;

/**
 * CLIP's own arithmetic that the encoders and every prompt mixture share: its LayerNorm, its
 * activation and the head split of its attention. Generic tensor helpers live in
 * {@link Tensors}. Results are created in the calling thread's {@link org.dpl4j.tensor.Scope}.
 */
public final class Ops {
    /** OpenAI CLIP's LayerNorm epsilon. */
    public static final float LN_EPS = 1e-5f;

    private Ops() {}

    /**
     * LayerNorm over the last dimension with CLIP's epsilon. Statistics are computed in fp32 even
     * when {@code x} is bf16 (OpenAI's {@code LayerNorm} subclass does the same for fp16), and the
     * result is returned in {@code x}'s dtype.
     */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta) {
        if (x.device().is_meta()) {
            return metaLayerNorm(x, gamma, beta);
        }
        long[] normalized = {gamma.size(0)};
        if (Tensors.is(x, Precision.FP32)) {
            return torch.layer_norm(x, normalized, new TensorOptional(gamma), new TensorOptional(beta), LN_EPS, false);
        }
        Tensor y = torch.layer_norm(Tensors.fp32(x), normalized, new TensorOptional(Tensors.fp32(gamma)),
                new TensorOptional(Tensors.fp32(beta)), LN_EPS, false);
        return y.to(Tensors.dtype(x));
    }

    /**
     * LayerNorm spelled out in element-wise operations, for the meta device only: libtorch's C++ build
     * has no meta kernel for {@code native_layer_norm} (PyTorch registers it in Python), and these
     * operations still refuse an operand on another device. The same shapes and dtypes as
     * {@link #layerNorm}; on data it would differ from the fused kernel in rounding, so it runs on
     * nothing else (docs/design.md §11).
     */
    private static Tensor metaLayerNorm(Tensor x, Tensor gamma, Tensor beta) {
        Tensor x32 = Tensors.fp32(x);
        Tensor mean = Tensors.mean(x32, -1, true);
        Tensor centred = x32.sub(mean);
        Tensor var = Tensors.mean(centred.mul(centred), -1, true);
        Tensor y = centred.mul(Tensors.add(var, LN_EPS).rsqrt()).mul(Tensors.fp32(gamma)).add(Tensors.fp32(beta));
        return y.to(Tensors.dtype(x));
    }

    /**
     * max(x, 0). libtorch's C++ build has no meta kernel for {@code relu} (nor for the {@code where}
     * that {@code clamp_min}'s gradient uses); on meta it is spelled {@code x · (x > 0)}, whose
     * operations have meta kernels and check devices.
     */
    public static Tensor relu(Tensor x) {
        return x.device().is_meta() ? x.mul(x.gt(new org.bytedeco.pytorch.Scalar(0f))) : x.relu();
    }

    /** x · sigmoid(1.702 x), the activation OpenAI CLIP was trained with. */
    public static Tensor quickGelu(Tensor x) {
        return x.mul(Tensors.mul(x, 1.702f).sigmoid());
    }

    /** (B, L, W) → (B, H, L, W/H). */
    public static Tensor splitHeads(Tensor x, int heads) {
        long[] s = Tensors.shape(x);
        return x.reshape(s[0], s[1], heads, s[2] / heads).permute(0, 2, 1, 3);
    }

    /** (B, H, L, d) → (B, L, H·d). */
    public static Tensor mergeHeads(Tensor x) {
        long[] s = Tensors.shape(x);
        return x.permute(0, 2, 1, 3).reshape(s[0], s[2], s[1] * s[3]);
    }
}
