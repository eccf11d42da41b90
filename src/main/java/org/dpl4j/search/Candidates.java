package org.dpl4j.search;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;

/**
 * The candidate prompt lengths of a search space, {@code c_0 = 0 < c_1 < … < c_K}, the same in every
 * searched block. Candidate 0 is no prompt in DPL's key/value space and "carry the previous block's
 * prompt tokens on" in the token-replacement spaces.
 */
public record Candidates(List<Integer> lengths) {
    public Candidates {
        if (lengths.isEmpty() || lengths.get(0) != 0) {
            throw new IllegalArgumentException("candidate lengths must start with 0 (no new prompt in that block), got " + lengths);
        }
        for (int i = 1; i < lengths.size(); i++) {
            if (lengths.get(i) <= lengths.get(i - 1)) {
                throw new IllegalArgumentException("candidate lengths must be strictly increasing, got " + lengths);
            }
        }
        lengths = List.copyOf(lengths);
    }

    /** K + 1, the number of candidates including 0. */
    public int size() {
        return lengths.size();
    }

    public int get(int k) {
        return lengths.get(k);
    }

    /** softmax over each row of {@code alphas} (blocks × K+1) as a Java array [block][candidate], outside autograd. */
    public float[][] softmaxRows(Tensor alphas) {
        float[] flat;
        try (Scope s = Scope.open(); NoGrad g = NoGrad.open()) {
            flat = Tensors.toFloats(alphas.softmax(1));
        }
        int k = size();
        float[][] out = new float[flat.length / k][k];
        for (int l = 0; l < out.length; l++) {
            System.arraycopy(flat, l * k, out[l], 0, k);
        }
        return out;
    }

    /** The index of the largest weight of a row (ties: the first). */
    public static int argmax(float[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        return best;
    }
}
