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
        long[] normalized = {gamma.size(0)};
        if (Tensors.is(x, ScalarType.Float)) {
            return torch.layer_norm(x, normalized, new TensorOptional(gamma), new TensorOptional(beta), LN_EPS, false);
        }
        Tensor y = torch.layer_norm(x.to(ScalarType.Float), normalized, new TensorOptional(gamma.to(ScalarType.Float)),
                new TensorOptional(beta.to(ScalarType.Float)), LN_EPS, false);
        return y.to(Tensors.dtype(x));
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
