package org.dpl4j.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.tensor.Tensors;

/**
 * The few tensor helpers the encoders share. Results are created in the calling thread's
 * {@link org.dpl4j.tensor.Scope}; weights and prompts are plain operands.
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
        if (Tensors.is(x, ScalarType.Float)) {
            return torch.layer_norm(x, normalized, new TensorOptional(gamma), new TensorOptional(beta), LN_EPS, false);
        }
        Tensor y = torch.layer_norm(x.to(ScalarType.Float), normalized, new TensorOptional(gamma.to(ScalarType.Float)),
                new TensorOptional(beta.to(ScalarType.Float)), LN_EPS, false);
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
        Tensor x32 = fp32(x);
        Tensor mean = Tensors.mean(x32, -1, true);
        Tensor centred = x32.sub(mean);
        Tensor var = Tensors.mean(centred.mul(centred), -1, true);
        Tensor y = centred.mul(var.add(new Scalar(LN_EPS)).rsqrt()).mul(fp32(gamma)).add(fp32(beta));
        return y.to(Tensors.dtype(x));
    }

    /**
     * max(x, 0). libtorch's C++ build has no meta kernel for {@code relu} (nor for the {@code where}
     * that {@code clamp_min}'s gradient uses); on meta it is spelled {@code x · (x > 0)}, whose
     * operations have meta kernels and check devices.
     */
    public static Tensor relu(Tensor x) {
        return x.device().is_meta() ? x.mul(x.gt(new Scalar(0f))) : x.relu();
    }

    /** x · sigmoid(1.702 x), the activation OpenAI CLIP was trained with. */
    public static Tensor quickGelu(Tensor x) {
        return x.mul(x.mul(new Scalar(1.702f)).sigmoid());
    }

    /** {@code x · s}; the scalar is copied into the autograd graph by value. */
    public static Tensor mul(Tensor x, float s) {
        return x.mul(new Scalar(s));
    }

    public static Tensor div(Tensor x, float s) {
        return x.div(new Scalar(s));
    }

    /**
     * {@code x @ wT + b}. In bf16 mode the frozen weights are bf16 while prompts are fp32: the
     * operand is cast to the weights' dtype (differentiably), as autocast would.
     */
    public static Tensor affine(Tensor x, Tensor wT, Tensor b) {
        return matmul(x, wT).add(b);
    }

    /** {@code a @ b} with {@code a} cast to {@code b}'s dtype when they differ. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return (a.scalar_type().value == b.scalar_type().value ? a : a.to(Tensors.dtype(b))).matmul(b);
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

    /** {@code x} in fp32 (itself when it already is). */
    public static Tensor fp32(Tensor x) {
        return Tensors.is(x, ScalarType.Float) ? x : x.to(ScalarType.Float);
    }

    /** Overwrites {@code target} in place with {@code source} (broadcast), outside autograd. */
    public static void copyInto(Tensor target, Tensor source) {
        try (NoGradGuard g = new NoGradGuard()) {
            target.copy_(source);
        }
    }

    /** Fills {@code target} with {@code value} in place, NaN and inf included, outside autograd. */
    public static void fill(Tensor target, float value) {
        try (NoGradGuard g = new NoGradGuard()) {
            target.fill_(new Scalar(value));
        }
    }
}
