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
        long[] normalized = {gamma.size(0)};
        if (Tensors.is(x, Precision.FP32)) {
            return torch.layer_norm(x, normalized, new TensorOptional(gamma), new TensorOptional(beta), LN_EPS, false);
        }
        Tensor y = torch.layer_norm(Tensors.fp32(x), normalized, new TensorOptional(Tensors.fp32(gamma)),
                new TensorOptional(Tensors.fp32(beta)), LN_EPS, false);
        return y.to(Tensors.dtype(x));
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
