package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;

/** Small tensor helpers shared by the encoders; inputs come first so results stay in their scope. */
public final class Ops {
    /** OpenAI CLIP's LayerNorm epsilon. */
    public static final float LN_EPS = 1e-5f;

    private Ops() {}

    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
        return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, LN_EPS).singletonOrThrow();
    }

    /** x · sigmoid(1.702 x), the activation OpenAI CLIP was trained with. */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(Activation.sigmoid(mul(x, 1.702f)));
    }

    /**
     * {@code x · s} with a scalar whose storage PyTorch owns. Never use DJL's {@code mul(Number)}
     * (or div/add/sub with a Number) on a path autograd records: DJL wraps the number in a
     * direct buffer without copying ({@code from_blob}) and closes it right after the op, but
     * autograd saves that scalar for backward; once the GC frees the buffer, backward reads
     * whatever reuses the memory, giving sporadic gradients of 1e18..1e36 or NaN.
     */
    public static NDArray mul(NDArray x, float s) {
        try (NDArray c = scalar(x, s)) {
            return x.mul(c);
        }
    }

    /** {@code x / s}; see {@link #mul(NDArray, float)} for why the scalar must be owned. */
    public static NDArray div(NDArray x, float s) {
        try (NDArray c = scalar(x, s)) {
            return x.div(c);
        }
    }

    /**
     * A 0-d tensor of {@code like}'s type and device allocated by PyTorch ({@code torch::full}),
     * so autograd may keep it after the Java handle is closed.
     */
    public static NDArray scalar(NDArray like, float s) {
        return like.getManager().full(new Shape(), s, like.getDataType(), like.getDevice());
    }

    /** (B, L, W) → (B, H, L, W/H). */
    public static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /** (B, H, L, d) → (B, L, H·d). */
    public static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /**
     * Copies a long-lived array (a prompt or an alpha) into the scope of {@code like} through a
     * differentiable add, so everything derived from it is freed with the step's manager while
     * gradients still reach the original.
     */
    public static NDArray inScopeOf(NDArray like, NDArray param) {
        return into(like.getManager(), param);
    }

    /**
     * A copy of an array made from Java data whose storage PyTorch owns. DJL's {@code create}
     * wraps a direct buffer without copying; autograd may read such a tensor (saved for backward)
     * after the buffer is gone, which shows up as sporadic garbage gradients.
     */
    public static NDArray owned(NDArray fromJava) {
        NDArray c = fromJava.duplicate();
        fromJava.close();
        return c;
    }

    /** Every element, for in-place copies through {@code index_put_}. */
    private static final NDIndex ALL = new NDIndex("...");

    /**
     * Overwrites {@code target} in place with {@code source} (broadcast). Never use DJL's
     * {@code set(Buffer)}/{@code set(float[])}/{@code copyTo}: on CPU they re-point the tensor
     * at a temporary Java buffer ({@code set_} with {@code from_blob}) instead of copying, so the
     * tensor's storage is freed by the next GC and later writes corrupt the native heap.
     */
    public static void copyInto(NDArray target, NDArray source) {
        target.set(ALL, source);
    }

    /** Fills {@code target} with {@code value} in place, NaN and inf included (unlike subtracting). */
    public static void fill(NDArray target, float value) {
        try (NDArray v = scalar(target, value)) {
            copyInto(target, v);
        }
    }

    /** {@code param} as a (differentiable) copy owned by {@code scope}. */
    public static NDArray into(ai.djl.ndarray.NDManager scope, NDArray param) {
        return scope.zeros(param.getShape(), param.getDataType(), param.getDevice()).add(param);
    }
}
