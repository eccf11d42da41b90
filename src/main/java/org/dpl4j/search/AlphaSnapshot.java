package org.dpl4j.search;

import java.util.ArrayList;
import java.util.List;
import org.dpl4j.model.Branch;
import org.dpl4j.prompts.PromptConfig;

/** softmax(alpha) of both branches after an epoch (0 = initial), one line of alphas.jsonl. */
public record AlphaSnapshot(int epoch, List<Integer> candidates, float[][] text, float[][] image) {

    public static AlphaSnapshot of(int epoch, Supernet net) {
        return new AlphaSnapshot(epoch, net.candidates(), net.weights(Branch.TEXT), net.weights(Branch.IMAGE));
    }

    /** The discrete configuration these weights derive: per block, the length of the argmax candidate (ties: the first). */
    public PromptConfig layout() {
        return new PromptConfig(argmaxLengths(text), argmaxLengths(image));
    }

    private List<Integer> argmaxLengths(float[][] w) {
        List<Integer> out = new ArrayList<>();
        for (float[] row : w) {
            out.add(candidates.get(Candidates.argmax(row)));
        }
        return out;
    }
}
