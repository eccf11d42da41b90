package org.dpl4j.search;

import java.util.List;

/** softmax(alpha) of both branches after an epoch (0 = initial), one line of alphas.jsonl. */
public record AlphaSnapshot(int epoch, List<Integer> candidates, float[][] text, float[][] image) {

    public static AlphaSnapshot of(int epoch, Supernet net) {
        return new AlphaSnapshot(epoch, net.candidates(), net.weights(org.dpl4j.model.Branch.TEXT),
                net.weights(org.dpl4j.model.Branch.IMAGE));
    }
}
