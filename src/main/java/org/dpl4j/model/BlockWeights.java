package org.dpl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The frozen weights of one residual attention block, with the linear maps pre-transposed so
 * that every product reads {@code activation.matMul(weightT)}: the activation is the left
 * operand, so results live in the caller's per-step memory scope, never in the model's.
 */
public record BlockWeights(
        int width,
        int heads,
        NDArray ln1Gamma,
        NDArray ln1Beta,
        NDArray inProjT,
        NDArray inProjBias,
        NDArray qProjT,
        NDArray qProjBias,
        NDArray kvProjT,
        NDArray kvProjBias,
        NDArray outProjT,
        NDArray outProjBias,
        NDArray ln2Gamma,
        NDArray ln2Beta,
        NDArray fcT,
        NDArray fcBias,
        NDArray projT,
        NDArray projBias) {

    /** Reads block {@code prefix} (e.g. {@code visual.transformer.resblocks.3.}) from the weights. */
    public static BlockWeights of(ClipWeights w, String prefix, int width, int heads) {
        NDArray inT = w.get(prefix + "attn.in_proj_weight").transpose();
        NDArray inB = w.get(prefix + "attn.in_proj_bias");
        return new BlockWeights(
                width,
                heads,
                w.get(prefix + "ln_1.weight"),
                w.get(prefix + "ln_1.bias"),
                inT,
                inB,
                inT.get(new NDIndex(":, :{}", width)),
                inB.get(new NDIndex(":{}", width)),
                inT.get(new NDIndex(":, {}:", width)),
                inB.get(new NDIndex("{}:", width)),
                w.get(prefix + "attn.out_proj.weight").transpose(),
                w.get(prefix + "attn.out_proj.bias"),
                w.get(prefix + "ln_2.weight"),
                w.get(prefix + "ln_2.bias"),
                w.get(prefix + "mlp.c_fc.weight").transpose(),
                w.get(prefix + "mlp.c_fc.bias"),
                w.get(prefix + "mlp.c_proj.weight").transpose(),
                w.get(prefix + "mlp.c_proj.bias"));
    }

    public int headDim() {
        return width / heads;
    }
}
