package org.dpl4j.model;

import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Owned;

/**
 * The frozen weights of one residual attention block, with the linear maps pre-transposed so
 * that every product reads {@code activation.matmul(weightT)}, as open_clip's
 * {@code x @ W.T} does.
 */
public record BlockWeights(
        int width,
        int heads,
        Tensor ln1Gamma,
        Tensor ln1Beta,
        Tensor inProjT,
        Tensor inProjBias,
        Tensor qProjT,
        Tensor qProjBias,
        Tensor kvProjT,
        Tensor kvProjBias,
        Tensor outProjT,
        Tensor outProjBias,
        Tensor ln2Gamma,
        Tensor ln2Beta,
        Tensor fcT,
        Tensor fcBias,
        Tensor projT,
        Tensor projBias) {

    /**
     * Reads block {@code prefix} (e.g. {@code visual.transformer.resblocks.3.}) from the weights;
     * the transposed and sliced views it makes belong to {@code owner}.
     */
    public static BlockWeights of(ClipWeights w, String prefix, int width, int heads, Owned owner) {
        Tensor inT = owner.own(w.get(prefix + "attn.in_proj_weight").t());
        Tensor inB = w.get(prefix + "attn.in_proj_bias");
        return new BlockWeights(
                width,
                heads,
                w.get(prefix + "ln_1.weight"),
                w.get(prefix + "ln_1.bias"),
                inT,
                inB,
                owner.own(inT.narrow(1, 0, width)),
                owner.own(inB.narrow(0, 0, width)),
                owner.own(inT.narrow(1, width, 2L * width)),
                owner.own(inB.narrow(0, width, 2L * width)),
                owner.own(w.get(prefix + "attn.out_proj.weight").t()),
                w.get(prefix + "attn.out_proj.bias"),
                w.get(prefix + "ln_2.weight"),
                w.get(prefix + "ln_2.bias"),
                owner.own(w.get(prefix + "mlp.c_fc.weight").t()),
                w.get(prefix + "mlp.c_fc.bias"),
                owner.own(w.get(prefix + "mlp.c_proj.weight").t()),
                w.get(prefix + "mlp.c_proj.bias"));
    }

    public int headDim() {
        return width / heads;
    }
}
