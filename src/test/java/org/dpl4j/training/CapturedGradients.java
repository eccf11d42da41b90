package org.dpl4j.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.optim.Optimizer;

/** An optimiser that records the gradients a step hands it (in parameter order) instead of updating anything. */
final class CapturedGradients implements Optimizer {
    final List<float[]> grads = new ArrayList<>();

    @Override
    public void step(Map<String, Tensor> params, Map<String, Tensor> g, float lr) {
        for (String k : params.keySet()) {
            grads.add(Tensors.toFloats(g.get(k)));
        }
    }

    @Override
    public Map<String, Tensor> state() {
        return Map.of();
    }

    @Override
    public void load(Map<String, Tensor> state) {}

    /**
     * A text pass whose "features" are {@code features} itself, for steps that test the step machinery
     * rather than a text encoder: {@code n} dummy classes, one pass.
     */
    static TextPass oneFeature(Tensor features, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("class " + i);
        }
        return TextPass.whole(new ClassTexts(names, Tensors.zeros(null, n, 1), new int[n]), t -> features);
    }
}
